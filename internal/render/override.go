package render

import (
	"errors"
	"fmt"
	"strings"
)

// The output formats of an Override.
const (
	FormatText = "text" // plain text, Markdown or anything else; output as written (the default)
	FormatJSON = "json" // the output must be valid JSON (Slack blocks, a Teams card, a webhook body)
	FormatHTML = "html" // the template is an html/template: finding text is escaped for HTML
)

// overrideField is the configuration key destinations keep an Override
// under; errors name the fields below it ("message.template: line 3: …").
const overrideField = "message"

// Override is a destination's replacement for the body of its built-in
// message: either a Go template (text/template, or html/template with
// format html, with sprig and hubrelay's functions, see Template) or an
// EventBridge input transformer (input_paths and input_template, exactly as
// EventBridge defines InputPathsMap and InputTemplate, see NewTransformer).
// The zero Override means "use the built-in template".
//
// Destinations keep it in their Config as a named field, never inline
// (goccy/go-yaml and encoding/json do not agree on inlining):
//
//	Message render.Override `json:"message"`
//
// so the configuration reads
//
//	slack:   {token: ..., channel: ..., message: {template: "...", format: json}}
//	backlog: {..., message: {input_paths: {...}, input_template: "..."}}
//
// A template sees Data. An input transformer sees the EventBridge event of
// the finding, as EventBridge would hand it to an API destination, and so
// renders single-finding messages only. A template renders digests too, with
// Data.Digest set, when it reads .Digest anywhere; a template that never
// does was written for single findings. For a digest the override does not
// render, the destination uses its built-in digest body (Renderer.Applies
// tells which).
//
// Format says what the output is: "text" (the default) is passed on as
// written; with "json" the output is checked to be valid JSON; with "html"
// the template is an html/template that escapes every value for the HTML
// context it lands in. An input transformer may be "text" or "json" (its
// template must then be JSON), not "html": EventBridge does not escape for
// HTML.
//
// A template or input_template that is only whitespace counts as unset.
// Override is a plain value, decoded from the configuration; call Validate
// when the configuration loads and Compile once per destination.
type Override struct {
	// Template is a Go template producing the message body.
	Template string `json:"template" yaml:"template"`
	// InputPaths is EventBridge's InputPathsMap: variable name → JSON path
	// into the event (at most 100).
	InputPaths map[string]string `json:"input_paths" yaml:"input_paths"`
	// InputTemplate is EventBridge's InputTemplate, with <name> placeholders
	// for InputPaths variables and the predefined <aws.events.…> variables.
	InputTemplate string `json:"input_template" yaml:"input_template"`
	// Format is "text" (default), "json" or "html".
	Format string `json:"format" yaml:"format"`
}

// IsZero reports whether the override is unset, so the destination uses its
// built-in template. Pure; safe for concurrent use.
func (o Override) IsZero() bool {
	return !o.hasTemplate() && !o.hasTransformer() && o.Format == ""
}

// hasTemplate reports whether a Go template is set.
func (o Override) hasTemplate() bool { return strings.TrimSpace(o.Template) != "" }

// hasTransformer reports whether any part of an input transformer is set.
func (o Override) hasTransformer() bool {
	return len(o.InputPaths) > 0 || strings.TrimSpace(o.InputTemplate) != ""
}

// format returns the effective format, or an error naming the field.
func (o Override) format() (string, error) {
	switch o.Format {
	case "", FormatText:
		return FormatText, nil
	case FormatJSON, FormatHTML:
		return o.Format, nil
	}
	return "", fmt.Errorf("%s.format: %q is not one of %q, %q, %q", overrideField, RepairUTF8(o.Format), FormatText, FormatJSON, FormatHTML)
}

// Validate reports the first problem of the override, naming the field:
// exactly one of template and input_template must be set (input_paths needs
// input_template), format must be text, json or html, the template must
// parse and the input transformer must compile under EventBridge's rules.
// The zero Override is valid. The configuration loader calls it; it is pure
// and safe for concurrent use.
//
//	message.template: line 3: unexpected "}" in operand
//	message.input_paths: key "a.b": '.' is not allowed (…)
//	message.format: "xml" is not one of "text", "json", "html"
func (o Override) Validate() error {
	_, err := o.Compile(overrideField, Options{})
	return err
}

// Compile checks the override as Validate does and builds its Renderer.
// name names the Go template in execution errors and the Renderer in its
// errors (usually the destination's name); opts sets the language, time
// zone and console region of the helpers and of the View that Render builds.
// It returns a nil Renderer and no error when the override IsZero.
//
// Call it once when the configuration loads; the Renderer is immutable and
// safe for concurrent use.
func (o Override) Compile(name string, opts Options) (*Renderer, error) {
	if o.IsZero() {
		return nil, nil
	}
	format, err := o.format()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = overrideField
	}
	r := &Renderer{name: RepairUTF8(name), format: format, opts: opts.withDefaults()}
	switch {
	case o.hasTemplate() && o.hasTransformer():
		return nil, fmt.Errorf("%s: template and input_paths/input_template are both set; use a Go template or an input transformer, not both", overrideField)
	case o.hasTemplate():
		r.template, err = compileOverrideTemplate(r.name, o.Template, format, r.opts)
		if err == nil {
			r.text = RepairUTF8(o.Template)
			r.digest = readsField(r.template, "Digest")
		}
	case !o.hasTransformer():
		return nil, fmt.Errorf("%s: format is set but template and input_template are not; set one, or remove format to keep the built-in message", overrideField)
	case strings.TrimSpace(o.InputTemplate) == "":
		return nil, fmt.Errorf("%s.input_template: is required with %s.input_paths", overrideField, overrideField)
	default:
		r.transformer, err = compileOverrideTransformer(o.InputPaths, o.InputTemplate, format)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// compileOverrideTemplate parses a Go template for format and makes
// html/template report escaping problems now rather than at the first
// message.
func compileOverrideTemplate(name, text, format string, opts Options) (*Template, error) {
	newTemplate := NewTemplate
	if format == FormatHTML {
		newTemplate = NewHTMLTemplate
	}
	t, err := newTemplate(name, text, opts)
	if err != nil {
		return nil, templateError(name, RepairUTF8(text), errors.Unwrap(err))
	}
	if t.html != nil {
		// html/template escapes a template on its first execution. A writer
		// that fails at once stops execution right after escaping, so only an
		// escaping error (*html/template.Error) is left to report.
		err := t.html.Execute(failingWriter{}, templateData{})
		if isHTMLEscapeError(err) {
			return nil, templateError(name, RepairUTF8(text), err)
		}
	}
	return t, nil
}

// compileOverrideTransformer compiles an input transformer for format, with
// NewTransformer's errors renamed to the configuration's fields.
func compileOverrideTransformer(paths map[string]string, template, format string) (*Transformer, error) {
	if format == FormatHTML {
		return nil, fmt.Errorf("%s.format: html is for template only: an input transformer inserts values without HTML escaping", overrideField)
	}
	tr, err := NewTransformer(paths, template)
	if err != nil {
		msg := err.Error()
		if rest, ok := strings.CutPrefix(msg, "InputPathsMap: "); ok {
			return nil, fmt.Errorf("%s.input_paths: %s", overrideField, rest)
		}
		if rest, ok := strings.CutPrefix(msg, "InputTemplate: "); ok {
			return nil, fmt.Errorf("%s.input_template: %s", overrideField, rest)
		}
		return nil, fmt.Errorf("%s: %w", overrideField, err)
	}
	if format == FormatJSON && !tr.JSON() {
		return nil, fmt.Errorf("%s.format: json, but %s.input_template is not a JSON template (EventBridge would send it as text)", overrideField, overrideField)
	}
	return tr, nil
}
