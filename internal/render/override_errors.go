package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// errOutputTooLarge stops a template that writes more than MaxOverrideOutput.
var errOutputTooLarge = fmt.Errorf("output is larger than %d bytes", MaxOverrideOutput)

// limitedBuffer collects template output up to max bytes.
type limitedBuffer struct {
	buf []byte
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if len(b.buf)+len(p) > b.max {
		return 0, errOutputTooLarge
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// failingWriter fails every write; it lets html/template escape a template
// without running more than the template's first action.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("trial execution") }

// isHTMLEscapeError reports whether err is html/template refusing to escape
// the template (as opposed to an execution error with the trial data).
func isHTMLEscapeError(err error) bool {
	var escape *htmltemplate.Error
	return errors.As(err, &escape)
}

// templateLocation matches the location text/template and html/template put
// in front of their errors: "template: NAME:3: …", "template: NAME:3:14: …",
// "html/template:NAME:3:14: …".
var templateLocation = regexp.MustCompile(`(?s)^(?:html/)?template: ?(.*?):(\d+):(?:(\d+):)? ?(.*)$`)

// templateError rewrites a text/template or html/template error of the
// template name so it names the configuration field and the line (and
// column, in characters from 1) of the template:
// "message.template: line 3, column 5: at <.Nope>: can't evaluate field …".
func templateError(name, text string, err error) error {
	msg := err.Error()
	m := templateLocation.FindStringSubmatch(msg)
	if m == nil || m[1] != name {
		rest := strings.TrimPrefix(strings.TrimPrefix(msg, "html/template:"), "template:")
		rest = strings.TrimPrefix(strings.TrimSpace(rest), name+": ")
		return &overrideError{field: overrideField + ".template", msg: cleanTemplateMessage(name, rest), err: err}
	}
	line, _ := strconv.Atoi(m[2])
	e := &overrideError{field: overrideField + ".template", line: line, msg: cleanTemplateMessage(name, m[4]), err: err}
	if m[3] != "" {
		offset, _ := strconv.Atoi(m[3])
		e.column = characterColumn(text, line, offset)
	}
	return e
}

// characterColumn turns the 0-based byte offset text/template reports within
// a line of text into a 1-based column counted in characters.
func characterColumn(text string, line, offset int) int {
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(text, '\n')
		if nl < 0 {
			break
		}
		text = text[nl+1:]
	}
	if offset > len(text) {
		offset = len(text)
	}
	return utf8.RuneCountInString(text[:offset]) + 1
}

// cleanTemplateMessage drops what repeats the template's name and the
// internal type of the template's dot.
func cleanTemplateMessage(name, msg string) string {
	msg = strings.TrimPrefix(msg, "executing "+strconv.Quote(name)+" ")
	return strings.ReplaceAll(msg, "render.templateData", "render.Data")
}

// overrideError is an error in an override's field, at a line and column of
// its text when known.
type overrideError struct {
	field        string
	line, column int
	msg          string
	err          error
}

func (e *overrideError) Error() string {
	switch {
	case e.line > 0 && e.column > 0:
		return fmt.Sprintf("%s: line %d, column %d: %s", e.field, e.line, e.column, e.msg)
	case e.line > 0:
		return fmt.Sprintf("%s: line %d: %s", e.field, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.field, e.msg)
}

// Unwrap returns the text/template or html/template error.
func (e *overrideError) Unwrap() error { return e.err }

// checkJSON reports where out stops being valid JSON.
func checkJSON(out []byte) error {
	if json.Valid(out) {
		return nil
	}
	var v json.RawMessage
	err := json.Unmarshal(out, &v)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line, col := position(string(out), max(0, int(syntax.Offset)-1))
		return fmt.Errorf("output is not valid JSON: line %d, column %d: %w", line, col, err)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return errors.New("output is not valid JSON: it is empty")
	}
	return fmt.Errorf("output is not valid JSON: %w", err)
}
