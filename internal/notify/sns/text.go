package sns

import (
	"strings"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Chatbot renders "client-markdown" in the chat platform's markdown; for
// Slack that is mrkdwn. These helpers write finding text so that it shows
// as written and can neither mention anyone nor forge a link: every "&",
// "<" and ">" of finding text is escaped (render.SlackEscape), and links
// come only from this package.

// esc escapes plain text and cuts it to at most n characters (escaped
// entities included), ending a cut with the language's marker.
func esc(s string, n int, lang render.Language) string {
	for limit := n; limit > 0; {
		e := render.SlackEscape(render.Truncate(s, limit, lang))
		count := utf8.RuneCountInString(e)
		if count <= n {
			return e
		}
		// Entities made the text longer: shrink the cut in proportion.
		limit = min(limit-1, limit*n/count)
	}
	return ""
}

// code writes s as an inline code span; a backquote inside would end the
// span early, so it becomes an apostrophe.
func code(s string, n int, lang render.Language) string {
	return "`" + strings.ReplaceAll(esc(s, n, lang), "`", "'") + "`"
}

// link writes a Slack link <url|text> to an http(s) URL, or the text alone
// when there is no usable URL. Characters that would end the link early or
// break it ("<", ">", "|", spaces and controls) are percent-encoded.
func link(u, text string, lang render.Language) string {
	label := esc(text, 200, lang)
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return label
	}
	var b strings.Builder
	b.Grow(len(u) + len(label) + 3)
	b.WriteByte('<')
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '|' {
			const hexDigits = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('|')
	b.WriteString(label)
	b.WriteByte('>')
	return b.String()
}

// bold writes a field label.
func bold(label string) string { return "*" + label + "*" }

// lines joins the non-empty parts with newlines, keeping one blank line
// where a part is "" between two non-empty ones (a paragraph break) and
// never two in a row.
func lines(parts ...string) string {
	var b strings.Builder
	blank := false
	for _, p := range parts {
		if p == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(p)
	}
	return b.String()
}

// fitRunes cuts s, already escaped mrkdwn, to at most n characters at the
// last line break before the limit, so no entity, link or code span is
// split ("" when the first line is too long), and reports whether it cut.
func fitRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	cut, count := 0, 0
	for i, r := range s {
		if count >= n {
			break
		}
		if r == '\n' {
			cut = i
		}
		count++
	}
	return strings.TrimRight(s[:cut], "\n"), true
}
