package render

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"
)

// Template is a compiled Go template with sprig's functions (less env,
// expandenv and getHostByName, which would read secrets from the environment
// or reach the network) and hubrelay's helpers:
//
//	severityColor LABEL    "#RRGGBB" for a severity label
//	severityEmoji LABEL    the severity's emoji
//	severityName LABEL     the severity's name in the template's language
//	consoleURL X           Security Hub console link of a finding or view
//	remediationURL X       remediation link of a finding or view
//	localTime T            a time in the configured zone, formatted per language
//	t KEY [ARGS...]        a catalog message ({{ t "and_more" 3 }}); unknown keys fail
//	truncate N S           S cut to N characters with a visible marker
//	slackEscape S          S escaped for Slack mrkdwn (&, <, >)
//	markdownEscape S       S escaped for Markdown
//	markdownURL U          an http(s) URL made safe as a Markdown link target
//	jsonString S           S as a JSON string literal, quotes included
//	oneLine S              S on one line, whitespace collapsed
//
// Build templates with NewTemplate (text and JSON payloads) or
// NewHTMLTemplate (HTML, contextually auto-escaped) when the configuration
// loads. Execute is safe to call from many goroutines at once.
type Template struct {
	name string
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewTemplate parses a text/template for plain text, Markdown or JSON
// payloads. Nothing is escaped automatically: use slackEscape, markdownEscape
// or jsonString where untrusted text goes. opts sets the language, time zone
// and console region the helpers use. A parse error names the template and
// the line.
func NewTemplate(name, text string, opts Options) (*Template, error) {
	o := opts.withDefaults()
	funcs := texttemplate.FuncMap(sprig.TxtFuncMap())
	removeUnsafe(funcs)
	for k, v := range helperFuncs(o) {
		funcs[k] = v
	}
	t, err := texttemplate.New(name).Option("missingkey=error").Funcs(funcs).Parse(RepairUTF8(text))
	if err != nil {
		return nil, fmt.Errorf("render: template %q: %w", name, err)
	}
	return &Template{name: name, text: t}, nil
}

// NewHTMLTemplate parses an html/template: every value is escaped for the
// HTML context it lands in, so finding text can never add markup or script.
// Otherwise it is NewTemplate.
func NewHTMLTemplate(name, text string, opts Options) (*Template, error) {
	o := opts.withDefaults()
	funcs := htmltemplate.FuncMap(sprig.HtmlFuncMap())
	removeUnsafe(funcs)
	for k, v := range helperFuncs(o) {
		funcs[k] = v
	}
	t, err := htmltemplate.New(name).Option("missingkey=error").Funcs(funcs).Parse(RepairUTF8(text))
	if err != nil {
		return nil, fmt.Errorf("render: template %q: %w", name, err)
	}
	return &Template{name: name, html: t}, nil
}

// removeUnsafe deletes the sprig functions that read the process environment
// or reach the network.
func removeUnsafe[M ~map[string]any](funcs M) {
	for _, name := range [...]string{"env", "expandenv", "getHostByName"} {
		delete(funcs, name)
	}
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// Execute runs the template on data (usually a View or a DigestView) and
// returns the output with any invalid UTF-8 replaced by U+FFFD. An execution
// error names the template, line and column.
func (t *Template) Execute(data any) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if t.html != nil {
		err = t.html.Execute(&buf, data)
	} else {
		err = t.text.Execute(&buf, data)
	}
	if err != nil {
		return nil, fmt.Errorf("render: template %q: %w", t.name, err)
	}
	out := buf.Bytes()
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\ufffd"))
	}
	return out, nil
}
