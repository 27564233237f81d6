package backlog

import (
	"strconv"

	"github.com/hubrelay/hubrelay/internal/render"
)

// markup writes the few constructs the built-in texts use in one of
// Backlog's text formatting rules. Labels passed to it come from the
// message catalog; everything from a finding goes through text.
type markup interface {
	// text escapes untrusted text so it shows as written.
	text(s string) string
	// link is a link to url labelled label, or "" when url is not an
	// absolute http(s) URL.
	link(label, url string) string
	// item is one bullet list line holding s (already escaped).
	item(s string) string
	// numbered is the n-th (1-based) line of a numbered list holding s.
	numbered(n int, s string) string
}

func markupFor(f TextFormat) markup {
	if f == FormatMarkdown {
		return markdownMarkup{}
	}
	return notationMarkup{}
}

// notationMarkup is Backlog notation.
type notationMarkup struct{}

func (notationMarkup) text(s string) string { return EscapeNotation(s) }

// maxLinkURL is the longest link the texts carry. A longer one (a console
// link to a finding with a huge ID) opens nowhere useful and would crowd
// out the text around it; 2,000 characters is the long-standing safe URL
// length, which render also uses for digest links.
const maxLinkURL = render.MaxConsoleURLLength

func (notationMarkup) link(label, url string) string {
	u := notationLinkURL(url)
	if u == "" || len(u) > maxLinkURL {
		return ""
	}
	return "[[" + EscapeNotation(label) + ">" + u + "]]"
}

func (notationMarkup) item(s string) string { return "- " + s }

// numbered uses "+", Backlog notation's numbered list, which numbers the
// items itself.
func (notationMarkup) numbered(_ int, s string) string { return "+ " + s }

// markdownMarkup is Backlog's Markdown.
type markdownMarkup struct{}

func (markdownMarkup) text(s string) string { return render.MarkdownEscape(s) }

func (markdownMarkup) link(label, url string) string {
	u := render.MarkdownURL(url)
	if u == "" || len(u) > maxLinkURL {
		return ""
	}
	return "[" + render.MarkdownEscape(label) + "](" + u + ")"
}

func (markdownMarkup) item(s string) string { return "- " + s }

func (markdownMarkup) numbered(n int, s string) string { return strconv.Itoa(n) + ". " + s }
