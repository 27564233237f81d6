package webhook

import (
	"encoding/json"
	"fmt"

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

// TemplateData is what a Go template (Config.Template) executes on. Finding
// is set for a single finding, Digest for a digest; Event is the
// EventBridge event of either (FindingEvent or DigestEvent) as JSON text.
// Text in the views is plain: write it into JSON with jsonString.
type TemplateData struct {
	Kind        notify.Kind
	Route       string
	Destination string
	Key         string
	// Previous is the receipt of the finding's earlier delivery, nil when
	// there was none.
	Previous *notify.Receipt
	Finding  *render.View
	Digest   *render.DigestView
	// GroupKey and Total describe a digest: its group and how many
	// findings the group held (Digest counts the findings included).
	GroupKey string
	Total    int
	Event    string
}

// Renderer builds request bodies from messages. Build one with NewRenderer
// when the configuration loads; Render is then safe for concurrent use.
type Renderer struct {
	transformer *render.Transformer
	template    *render.Template
	opts        render.Options
}

// NewRenderer compiles cfg's input transformer or Go template; opts set
// the template's language, time zone and console region.
func NewRenderer(cfg *Config, opts render.Options) (*Renderer, error) {
	r := &Renderer{opts: opts}
	var err error
	switch {
	case cfg.InputTemplate != "":
		r.transformer, err = render.NewTransformer(cfg.InputPaths, cfg.InputTemplate)
		if err != nil {
			return nil, fmt.Errorf("input_template: %w", err)
		}
	case cfg.Template != "":
		r.template, err = render.NewTemplate("template", cfg.Template, opts)
		if err != nil {
			return nil, fmt.Errorf("template: %w", err)
		}
	}
	return r, nil
}

// Render builds the body of m. Pure: the same message gives the same body.
//
//   - By default the body is the EventBridge event itself, as an API
//     destination sends it: FindingEvent for one finding, DigestEvent
//     (the findings in one event's detail.findings) for a digest.
//   - With an input transformer, that event goes through it exactly as
//     EventBridge applies InputPathsMap and InputTemplate;
//     <aws.events.rule-name> is the route's name.
//   - With a Go template, the template executes on TemplateData.
//
// The content type is JSON when the body is valid JSON, else plain text.
func (r *Renderer) Render(m *notify.Message) (Body, error) {
	event, err := r.event(m)
	if err != nil {
		return Body{}, err
	}
	switch {
	case r.transformer != nil:
		out, err := r.transformer.Render(event, render.Vars{RuleName: m.Route})
		if err != nil {
			return Body{}, fmt.Errorf("input_template: %w", err)
		}
		return newBody(out), nil
	case r.template != nil:
		out, err := r.template.Execute(r.templateData(m, event))
		if err != nil {
			return Body{}, err
		}
		return newBody(out), nil
	}
	return Body{ContentType: ContentTypeJSON, Data: event}, nil
}

func (r *Renderer) event(m *notify.Message) ([]byte, error) {
	if m.Digest != nil {
		return DigestEvent(m, r.opts, MaxDigestEventBytes)
	}
	return FindingEvent(m)
}

func (r *Renderer) templateData(m *notify.Message, event []byte) TemplateData {
	data := TemplateData{
		Kind: m.Kind, Route: m.Route, Destination: m.Destination, Key: m.Key,
		Previous: m.Previous, Event: string(event),
	}
	if m.Digest != nil {
		d := render.NewDigestView(m.Digest.Findings, r.opts)
		data.Digest, data.GroupKey, data.Total = &d, m.Digest.GroupKey, max(m.Digest.Total, d.Total)
		return data
	}
	v := render.NewView(m.Finding, r.opts).WithEvent(viewEvent(m.Kind))
	data.Finding = &v
	return data
}

func newBody(out []byte) Body {
	if json.Valid(out) {
		return Body{ContentType: ContentTypeJSON, Data: out}
	}
	return Body{ContentType: ContentTypeText, Data: out}
}

// viewEvent maps a message kind to the view's heading.
func viewEvent(k notify.Kind) render.Event {
	switch k {
	case notify.KindResolved:
		return render.EventResolved
	case notify.KindReopened:
		return render.EventReopened
	case notify.KindReminder:
		return render.EventReminder
	}
	return render.EventNew
}
