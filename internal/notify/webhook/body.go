package webhook

import (
	"encoding/json"
	"errors"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// MaxDigestEventBytes bounds the event a digest is sent as: EventBridge's
// own limit on an event, so receivers built for EventBridge events never
// get a larger one.
const MaxDigestEventBytes = 262144

// The Content-Type of a body that is JSON, and of one that is not.
const (
	ContentTypeJSON = "application/json; charset=utf-8"
	ContentTypeText = "text/plain; charset=utf-8"
)

// Body is a request body and its content type.
type Body struct {
	ContentType string
	Data        []byte
}

// ContentTypeHTML is the Content-Type of an override's html output.
const ContentTypeHTML = "text/html; charset=utf-8"

// Renderer builds request bodies from messages. Build one with NewRenderer
// when the configuration loads; Render is then safe for concurrent use.
type Renderer struct {
	message *render.Renderer // nil: the body is the event
	// transformer says message is an input transformer, which transforms
	// a digest's event too, as EventBridge would.
	transformer bool
	opts        render.Options
}

// NewRenderer compiles cfg's override (Config.Message, or the top-level
// input_paths/input_template/template) for the destination called name;
// opts set the template's language, time zone and console region.
func NewRenderer(name string, cfg *Config, opts render.Options) (*Renderer, error) {
	o := cfg.override()
	msg, err := o.Compile(name, opts)
	if err != nil {
		if cfg.hasTopLevelOverride() {
			err = errors.New(topLevelFields(err.Error()))
		}
		return nil, err
	}
	return &Renderer{message: msg, transformer: msg != nil && o.Template == "", opts: opts}, nil
}

// Render builds the body of m. Pure: the same message gives the same body.
//
//   - By default the body is the EventBridge event itself, as an API
//     destination sends it: notify.FindingEvent for one finding, notify.DigestEvent
//     (the findings in one event's detail.findings) for a digest.
//   - With an input transformer (message.input_paths/input_template, or
//     the same keys at the top level), that event goes through it exactly
//     as EventBridge applies InputPathsMap and InputTemplate;
//     <aws.events.rule-name> is the route's name. A digest's event is
//     transformed too ($.detail.findings[0] is its first finding).
//   - With a Go template (message.template, or template), the template
//     executes on render.Data: .Finding, .View, .Digest, .Kind, .Route,
//     .Destination, .Language and .Event, the event above decoded. A
//     digest is rendered only by a template that reads .Digest; for any
//     other the body of a digest is its event.
//
// A notice's body is its NoticeBody (JSON), whatever the override.
//
// The content type follows the override's format: json → JSON (the output
// is checked to be JSON), html → HTML, text (the default, and always for
// the top-level keys) → JSON when the output is valid JSON, else plain
// text.
func (r *Renderer) Render(m *notify.Message) (Body, error) {
	if m.Notice != nil {
		return noticeBody(m)
	}
	event, err := r.event(m)
	if err != nil {
		return Body{}, err
	}
	if r.message == nil {
		return Body{ContentType: ContentTypeJSON, Data: event}, nil
	}
	data := render.Data{Event: event, Kind: string(m.Kind), Route: m.Route,
		Destination: m.Destination, Language: r.opts.Language}
	switch {
	case m.Digest == nil:
		data.Finding = m.Finding
	case !r.transformer:
		data.Digest = digestView(m, r.opts)
	}
	// A transformer given a digest sees its event alone, as a single
	// event: what EventBridge would hand it.
	if !r.message.Applies(data) {
		return Body{ContentType: ContentTypeJSON, Data: event}, nil
	}
	out, err := r.message.Render(data)
	if err != nil {
		return Body{}, err
	}
	return newBody(out, r.message.Format()), nil
}

func (r *Renderer) event(m *notify.Message) ([]byte, error) {
	if m.Digest != nil {
		return notify.DigestEvent(m, r.opts, MaxDigestEventBytes)
	}
	return notify.FindingEvent(m)
}

// digestView is the view of m's digest, counting the whole group
// (m.Digest.Total) when the message lists only some of its findings.
func digestView(m *notify.Message, opts render.Options) *render.DigestView {
	dv := render.NewDigestView(m.Digest.Findings, opts)
	if m.Digest.Total > dv.Total {
		dv.More += m.Digest.Total - dv.Total
		dv.Total = m.Digest.Total
		dv.Title = render.Translate(opts.Language, render.MsgDigestTitle, dv.Total)
		dv.MoreText = render.Translate(opts.Language, render.MsgAndMore, dv.More)
	}
	return &dv
}

// newBody labels an override's output with its content type.
func newBody(out []byte, format string) Body {
	switch {
	case format == render.FormatHTML:
		return Body{ContentType: ContentTypeHTML, Data: out}
	case format == render.FormatJSON || json.Valid(out):
		return Body{ContentType: ContentTypeJSON, Data: out}
	}
	return Body{ContentType: ContentTypeText, Data: out}
}
