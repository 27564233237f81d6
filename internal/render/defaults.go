package render

import (
	"embed"
	"fmt"
	"strings"
)

// builtinFS holds the built-in templates, one file per Kind. It is read-only.
//
//go:embed templates/*.tmpl
var builtinFS embed.FS

// Kind names one built-in template. Finding kinds execute on a View, digest
// kinds on a DigestView.
type Kind string

// The built-in templates.
const (
	KindIssueTitle         Kind = "issue-title"         // ticket title (Backlog summary, Jira summary, GitHub title); one line
	KindBacklogDescription Kind = "backlog-description" // Backlog issue description (Markdown), after seed 000
	KindIssueMarkdown      Kind = "issue-markdown"      // Markdown issue body (GitHub, Markdown trackers)
	KindEmailSubject       Kind = "email-subject"       // e-mail subject for one finding; one line
	KindEmailText          Kind = "email-text"          // plain-text e-mail body for one finding
	KindEmailHTML          Kind = "email-html"          // HTML e-mail body for one finding
	KindDigestSubject      Kind = "digest-subject"      // e-mail subject for a digest; one line
	KindDigestText         Kind = "digest-text"         // plain-text digest
	KindDigestHTML         Kind = "digest-html"         // HTML digest
)

// Kinds returns every built-in kind.
func Kinds() []Kind {
	return []Kind{
		KindIssueTitle, KindBacklogDescription, KindIssueMarkdown,
		KindEmailSubject, KindEmailText, KindEmailHTML,
		KindDigestSubject, KindDigestText, KindDigestHTML,
	}
}

// HTML reports whether the kind is HTML, built with NewHTMLTemplate.
func (k Kind) HTML() bool { return k == KindEmailHTML || k == KindDigestHTML }

// Digest reports whether the kind executes on a DigestView (else a View).
func (k Kind) Digest() bool {
	return k == KindDigestSubject || k == KindDigestText || k == KindDigestHTML
}

// OneLine reports whether the kind's output is a single line (a subject or
// title). Callers still pass output of user overrides through SingleLine
// before putting it in a header.
func (k Kind) OneLine() bool {
	return k == KindIssueTitle || k == KindEmailSubject || k == KindDigestSubject
}

// Builtin returns the text of a built-in template. The same text serves both
// languages: every label comes from the message catalog through {{ t }}, so
// the language is the one of the Options the template is built with.
func Builtin(kind Kind) (string, error) {
	data, err := builtinFS.ReadFile("templates/" + string(kind) + ".tmpl")
	if err != nil {
		return "", fmt.Errorf("render: no built-in template %q", kind)
	}
	return string(data), nil
}

// LoadTemplate builds the template for kind: override when it is not blank
// (users replace any built-in with their own text), else the built-in one.
// HTML kinds are html/templates, the others text/templates. Call it when the
// configuration loads; the result is safe for concurrent use.
func LoadTemplate(kind Kind, override string, opts Options) (*Template, error) {
	text := override
	if strings.TrimSpace(override) == "" {
		builtin, err := Builtin(kind)
		if err != nil {
			return nil, err
		}
		text = builtin
	}
	name := string(kind)
	if kind.HTML() {
		return NewHTMLTemplate(name, text, opts)
	}
	return NewTemplate(name, text, opts)
}
