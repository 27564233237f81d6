package github

import (
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// digestData is what the digest template executes on: render's digest
// view, corrected for the findings of the group the message leaves out
// (Digest.Total beyond its Findings), with the group and the route.
type digestData struct {
	render.DigestView
	// PartialText says the counts cover only the included findings; empty
	// when the message holds the whole group.
	PartialText string
	GroupKey    string
	GroupLabel  string
	Route       string
	RouteLabel  string
}

// digestData builds the template data of a digest message.
func (b *Builder) digestData(m *notify.Message) digestData {
	d := render.NewDigestView(m.Digest.Findings, b.opts)
	lang := d.Language
	included := d.Total
	total := max(m.Digest.Total, included)
	d.Total = total
	d.Title = render.Translate(lang, render.MsgDigestTitle, total)
	d.Intro = render.Translate(lang, render.MsgDigestIntro, total)
	for i := range d.Top {
		d.Top[i] = clipView(d.Top[i])
	}
	d.More = total - len(d.Top)
	d.MoreText = ""
	if d.More > 0 {
		d.MoreText = render.Translate(lang, render.MsgAndMore, d.More)
	}
	if len(d.ConsoleURL) > maxLinkURL {
		d.ConsoleURL, d.ConsoleScopeText = "", ""
	}
	data := digestData{
		DigestView: d,
		GroupKey:   render.Clip(m.Digest.GroupKey, maxLineField, lang),
		GroupLabel: phraseGroup.in(lang),
		Route:      render.Clip(m.Route, maxLineField, lang),
		RouteLabel: phraseRoute.in(lang),
	}
	if total > included {
		data.PartialText = phrasePartial.in(lang, included)
	}
	return data
}
