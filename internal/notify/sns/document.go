package sns

import (
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// DocumentVersion is the version of the Document format. It changes only
// when a field changes meaning or goes away.
const DocumentVersion = "1"

// Document is the message of the json format: the delivery and the
// display-ready view of its finding, digest or notice (render.View,
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
	// Notice is set, instead of Finding and Digest, for a notice (kind
	// "notice"): member alerts and report links.
	Notice *NoticeDocument `json:"notice,omitempty"`
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
