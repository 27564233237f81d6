package jira

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The message override (Config.Message) replaces the description of a new
// issue. Its output is plain text, laid out exactly as a
// description_template's: blank lines separate paragraphs, line breaks are
// kept, http(s) URLs become links showing themselves, and nothing is read as
// markup (finding text lands in ADF text nodes on v3, and is escaped as wiki
// markup on v2), so an override can neither break the request nor let a
// finding add formatting, links or macros. The summary stays the built-in
// one (or summary_template's); comments, transitions and digests the
// override does not render (render.Renderer.Applies) keep the built-in text.

// findingData is the override's view of a single-finding message; v is the
// view the built-in text uses, with the heading for the message's kind.
func (b *Builder) findingData(m *notify.Message, v render.View) render.Data {
	return render.Data{
		Finding: m.Finding, View: v, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: b.opts.Language,
	}
}

// digestData is the override's view of a digest message.
func (b *Builder) digestData(m *notify.Message, d *render.DigestView) render.Data {
	return render.Data{
		Digest: d, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: b.opts.Language,
	}
}

// overrideText renders the override for data and lays it out as the
// description, cut (with a visible marker) until it fits MaxText; fallback
// is the minimal text used when even the shortest cut does not fit. Render
// errors (a template failing on this finding) are permanent and name the
// setting: "description: render: jira: message.template: line 2, …".
func (b *Builder) overrideText(data render.Data, fallback func() []block) (encoded, error) {
	out, err := b.message.Render(data)
	if err != nil {
		return encoded{}, fmt.Errorf("description: %w", err)
	}
	text := string(out)
	return fitBlocks(b.version, func(c caps) []block {
		return templateBlocks(render.Clip(text, 3*c.text, b.opts.Language))
	}, fallback), nil
}
