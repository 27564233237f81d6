package sns

import (
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// DocumentVersion is the version of the Document format. It changes only
// when a field changes meaning or goes away.
const DocumentVersion = "1"

// Document is the message of the json format: the delivery and the
// display-ready view of its finding or digest (render.View,
// render.DigestView: localized names, times in the configured zone,
// cleaned text), for consumers (an SQS queue, a Lambda function) that want
// hubrelay's reading of the finding rather than the raw event.
type Document struct {
	Version     string      `json:"version"`
	Kind        notify.Kind `json:"kind"`
	Route       string      `json:"route,omitempty"`
	Destination string      `json:"destination,omitempty"`
	Key         string      `json:"key,omitempty"`
	// Thread is the same for every message about one finding (or one
	// digest group): the thread key recorded in the receipt.
	Thread   string          `json:"thread"`
	Previous *notify.Receipt `json:"previous,omitempty"`
	Finding  *render.View    `json:"finding,omitempty"`
	Digest   *DocumentDigest `json:"digest,omitempty"`
}

// DocumentDigest is a digest in a Document.
type DocumentDigest struct {
	GroupKey string `json:"group_key"`
	// Total is how many findings the group held; the summary covers the
	// findings the digest included.
	Total   int               `json:"total"`
	Summary render.DigestView `json:"summary"`
}

// NewDocument builds the Document of m. Pure; m must be valid.
func NewDocument(m *notify.Message, opts render.Options, thread string) Document {
	doc := Document{
		Version:     DocumentVersion,
		Kind:        m.Kind,
		Route:       m.Route,
		Destination: m.Destination,
		Key:         m.Key,
		Thread:      thread,
		Previous:    m.Previous,
	}
	if m.Digest != nil {
		view := render.NewDigestView(m.Digest.Findings, opts)
		doc.Digest = &DocumentDigest{GroupKey: m.Digest.GroupKey, Total: max(m.Digest.Total, view.Total), Summary: view}
		return doc
	}
	view := render.NewView(m.Finding, opts).WithEvent(viewEvent(m.Kind))
	doc.Finding = &view
	return doc
}

// shrink cuts the long texts of doc for a message that does not fit: the
// titles, descriptions, remediation texts and resources of each view to at
// most n characters,
// and, for a digest, the listed findings to at most n/100 (at least one).
func (doc Document) shrink(n int, lang render.Language) Document {
	cut := func(v render.View) render.View {
		for _, s := range []*string{&v.Title, &v.Description, &v.RemediationText, &v.GeneratorID, &v.ProductName, &v.CompanyName, &v.Details} {
			*s = render.Truncate(*s, n, lang)
		}
		types := make([]string, len(v.Types))
		for i, t := range v.Types {
			types[i] = render.Truncate(t, n, lang)
		}
		v.Types = types
		resources := make([]render.ResourceLine, len(v.Resources))
		for i, r := range v.Resources {
			r.Type, r.ID, r.Text = render.Truncate(r.Type, n, lang), render.Truncate(r.ID, n, lang), render.Truncate(r.Text, n, lang)
			resources[i] = r
		}
		v.Resources = resources
		return v
	}
	if doc.Finding != nil {
		v := cut(*doc.Finding)
		doc.Finding = &v
	}
	if doc.Digest != nil {
		d := *doc.Digest
		keep := min(len(d.Summary.Top), max(1, n/100))
		top := make([]render.View, keep)
		for i := range top {
			top[i] = cut(d.Summary.Top[i])
		}
		d.Summary.More += len(d.Summary.Top) - keep
		if d.Summary.More > 0 {
			d.Summary.MoreText = render.Translate(lang, render.MsgAndMore, d.Summary.More)
		}
		d.Summary.Top = top
		doc.Digest = &d
	}
	return doc
}
