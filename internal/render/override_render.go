package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// MaxOverrideOutput is the most an override may write for one message, in
// bytes (1 MiB, the largest EventBridge event). A template that writes more,
// say a runaway range, fails with an error instead of growing without end.
const MaxOverrideOutput = 1 << 20

// ErrSingleFinding is wrapped by Renderer.Render when an override that
// renders single findings only is given a digest: an input transformer, or
// a template that never reads .Digest. For such a digest the destination
// keeps its built-in digest body (check Renderer.Applies first).
var ErrSingleFinding = errors.New("the override renders single findings only; digests keep the built-in digest body")

// Data is one message as an override sees it. Destinations fill it from the
// message they deliver:
//
//	render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
//		Route: m.Route, Destination: m.Destination}
//
// A Go template sees these fields by the same names ({{ .View.Title }},
// {{ .Kind }}), except Event, which it sees decoded into a map so that index
// and sprig's dig work: {{ dig "detail" "actionName" "" .Event }},
// {{ index .Event "detail-type" }}. An input transformer sees the event JSON.
//
// Render completes what the caller leaves out: View is built from Finding
// (with the Renderer's Options, its Event taken from Kind) when View.Finding
// is nil; Language is the Renderer's language when empty; Event is the
// envelope EventBridge would have sent for the finding (finding.Wrap of its
// Raw JSON) when empty, as for findings read by GetFindings or from a file.
// For a digest, Event is the event of its first finding: the one the caller
// passes, else the envelope of Digest.Top[0], the first finding the digest
// lists.
//
// Data is a plain value; Render does not modify it.
type Data struct {
	// Finding is the finding of a single-finding message; nil for a digest.
	Finding *finding.Finding
	// View is Finding made display-ready (see View).
	View View
	// Digest is the summary of a digest message; nil for a single finding.
	// When set, the message is a digest.
	Digest *DigestView
	// Event is the EventBridge event JSON the finding arrived in
	// (notify.Message.Event).
	Event json.RawMessage
	// Kind says why the message is sent: "new", "reminder", "resolved",
	// "reopened" or "test".
	Kind string
	// Route is the name of the route that matched; also what an input
	// transformer's <aws.events.rule-name> gives.
	Route string
	// Destination is the configured name of the destination.
	Destination string
	// Language is the language of the message, "ja" or "en"; empty means
	// the Renderer's. The catalog functions (t, severityName) always speak
	// the language the Renderer was compiled with.
	Language Language
}

// templateData is the dot of an override template: Data with the event
// decoded.
type templateData struct {
	Finding     *finding.Finding
	View        View
	Digest      *DigestView
	Event       map[string]any
	Kind        string
	Route       string
	Destination string
	Language    Language
}

// Renderer renders a destination's override, built by Override.Compile. It
// is immutable: Render is safe to call from many goroutines at once. A nil
// *Renderer stands for the zero Override: Applies reports false.
type Renderer struct {
	name        string
	format      string
	opts        Options // with defaults
	template    *Template
	text        string // the template's text, for error columns
	digest      bool   // the template reads .Digest, so it renders digests
	transformer *Transformer
}

// Name returns the name the Renderer was compiled with.
func (r *Renderer) Name() string {
	if r == nil {
		return ""
	}
	return r.name
}

// Format returns the output format: FormatText, FormatJSON or FormatHTML.
func (r *Renderer) Format() string {
	if r == nil {
		return ""
	}
	return r.format
}

// Applies reports whether Render renders d: false for a nil Renderer (no
// override: use the built-in template), and for a digest when the override
// is an input transformer or a template that never reads .Digest (use the
// built-in digest body). Safe on a nil Renderer.
func (r *Renderer) Applies(d Data) bool {
	return r != nil && (d.Digest == nil || r.digest)
}

// Render renders one message. The output is what the template or
// transformer wrote, with every invalid UTF-8 sequence replaced by U+FFFD.
// Output that is empty or only whitespace is an error, as is output over
// MaxOverrideOutput, and with format json output that is not valid JSON. An
// error names the Renderer and the field, and for a template the line and
// column (in characters) where execution failed:
//
//	render: slack-alerts: message.template: line 2, column 12: at <.View.Nope>: can't evaluate field Nope …
//	render: slack-alerts: message.template: output is not valid JSON: line 1, column 12: invalid character …
//
// It wraps ErrSingleFinding when given a digest that Applies refuses.
func (r *Renderer) Render(d Data) ([]byte, error) {
	if r == nil {
		return nil, errors.New("render: no override to render (the override is unset: use the built-in template)")
	}
	if !r.Applies(d) {
		return nil, fmt.Errorf("render: %s: %w", r.name, ErrSingleFinding)
	}
	var out []byte
	var err error
	if r.template != nil {
		out, err = r.renderTemplate(d)
	} else {
		out, err = r.renderTransformer(d)
	}
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\ufffd"))
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, fmt.Errorf("render: %s: %s: output is empty; a destination cannot send an empty message", r.name, r.field())
	}
	if r.format == FormatJSON {
		if err := checkJSON(out); err != nil {
			return nil, fmt.Errorf("render: %s: %s: %w", r.name, r.field(), err)
		}
	}
	return out, nil
}

// field is the configuration field the Renderer came from.
func (r *Renderer) field() string {
	if r.template != nil {
		return overrideField + ".template"
	}
	return overrideField + ".input_template"
}

// renderTemplate executes the Go template on d, writing at most
// MaxOverrideOutput bytes.
func (r *Renderer) renderTemplate(d Data) ([]byte, error) {
	data, err := r.templateData(d)
	if err != nil {
		return nil, err
	}
	buf := &limitedBuffer{max: MaxOverrideOutput}
	if r.template.html != nil {
		err = r.template.html.Execute(buf, data)
	} else {
		err = r.template.text.Execute(buf, data)
	}
	if errors.Is(err, errOutputTooLarge) {
		return nil, fmt.Errorf("render: %s: %s: %w", r.name, r.field(), err)
	}
	if err != nil {
		return nil, fmt.Errorf("render: %s: %w", r.name, templateError(r.name, r.text, err))
	}
	return buf.buf, nil
}

// templateData completes d for a template.
func (r *Renderer) templateData(d Data) (templateData, error) {
	data := templateData{
		Finding:     d.Finding,
		View:        d.View,
		Digest:      d.Digest,
		Kind:        d.Kind,
		Route:       d.Route,
		Destination: d.Destination,
		Language:    d.Language,
	}
	if data.Language == "" {
		data.Language = r.opts.Language
	}
	if data.View.Finding == nil && d.Finding != nil {
		data.View = NewView(d.Finding, r.opts).WithEvent(viewEvent(d.Kind))
	}
	event, _ := eventJSON(d)
	if event != nil {
		if err := json.Unmarshal(event, &data.Event); err != nil {
			return templateData{}, fmt.Errorf("render: %s: event: %w", r.name, err)
		}
	}
	return data, nil
}

// renderTransformer applies the input transformer to the finding's event.
func (r *Renderer) renderTransformer(d Data) ([]byte, error) {
	event, err := eventJSON(d)
	if event == nil {
		if err == nil {
			err = errors.New("the message has no event, and no finding with raw JSON to wrap in one")
		}
		return nil, fmt.Errorf("render: %s: %s: no EventBridge event to transform: %w", r.name, r.field(), err)
	}
	out, err := r.transformer.Render(event, Vars{RuleName: d.Route})
	if err != nil {
		return nil, fmt.Errorf("render: %s: %s: %w", r.name, r.field(), err)
	}
	if len(out) > MaxOverrideOutput {
		return nil, fmt.Errorf("render: %s: %s: %w", r.name, r.field(), errOutputTooLarge)
	}
	return out, nil
}

// eventJSON returns the event of d: the one given, else the envelope of the
// finding (for a digest, of its first listed finding). It returns nil when
// there is none, with Wrap's error when the finding's JSON could not be
// wrapped.
func eventJSON(d Data) ([]byte, error) {
	if len(bytes.TrimSpace(d.Event)) > 0 {
		return d.Event, nil
	}
	f := d.Finding
	if d.Digest != nil {
		f = nil
		if len(d.Digest.Top) > 0 {
			f = d.Digest.Top[0].Finding
		}
	}
	if f == nil || len(f.Raw) == 0 {
		return nil, nil
	}
	event, err := finding.Wrap(f.Raw)
	if err != nil {
		return nil, fmt.Errorf("finding %s: %w", RepairUTF8(f.ID), err)
	}
	return event, nil
}

// viewEvent maps a message kind to the event a View heads with; "test" and
// unknown kinds read as new.
func viewEvent(kind string) Event {
	switch e := Event(kind); e {
	case EventResolved, EventReopened, EventReminder:
		return e
	}
	return EventNew
}
