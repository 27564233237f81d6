package backlog

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// EscapeNotation escapes text for Backlog notation (Backlog記法) so it shows
// as written and cannot form markup: a backslash, the escape character of
// Backlog notation, goes before
//
//   - a doubled bracket, single quote or percent sign ("[[" and "]]"
//     links, two or three single quotes for bold and italic, "%%"
//     strike-through),
//   - "{" opening a {code} or {quote} block or its end,
//   - "&" starting a command or character reference (&color(…), &br;,
//     &amp;) and "#" before a letter (#image(…), #thumbnail(…),
//     #contents),
//   - the first character of a line when it starts a heading, list,
//     quote or table (*, -, +, >, |),
//   - and a backslash that precedes punctuation, so the input's own
//     backslashes cannot escape the escapes.
//
// Everything else is left as it is, so ordinary text (don't, 100%, C:\temp)
// reads unchanged. Invalid UTF-8 becomes U+FFFD. Pure and safe for
// concurrent use. (render has MarkdownEscape for Backlog's Markdown; this
// is its Backlog notation counterpart.)
func EscapeNotation(s string) string {
	s = render.RepairUTF8(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	lineStart := true
	// Every decision is about ASCII bytes, which never occur inside a
	// multi-byte UTF-8 sequence, so the text is walked byte by byte.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsNotationEscape(s, i, lineStart) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		switch c {
		case '\n', '\r':
			lineStart = true
		case ' ', '\t':
		default:
			lineStart = false
		}
	}
	return b.String()
}

// needsNotationEscape reports whether the byte at s[i] starts Backlog
// markup. lineStart is true while only blanks precede it on its line.
func needsNotationEscape(s string, i int, lineStart bool) bool {
	c := s[i]
	prev, next := byte(0), byte(0)
	if i > 0 {
		prev = s[i-1]
	}
	if i+1 < len(s) {
		next = s[i+1]
	}
	switch c {
	case '*', '-', '+', '>', '|':
		return lineStart
	case '[', ']', '\'', '%':
		return prev == c || next == c
	case '{':
		rest := strings.ToLower(s[i+1 : min(len(s), i+8)])
		return strings.HasPrefix(rest, "code") || strings.HasPrefix(rest, "quote") ||
			strings.HasPrefix(rest, "/code") || strings.HasPrefix(rest, "/quote")
	case '&':
		return startsCommand(s[i+1:])
	case '#':
		return isASCIILetter(next)
	case '\\':
		return isASCIIPunct(next)
	}
	return false
}

// startsCommand reports whether s, what follows an "&", spells a Backlog
// command or a character reference: letters, then "(" or ";" (&color(…),
// &br;, &amp;).
func startsCommand(s string) bool {
	n := 0
	for n < len(s) && isASCIILetter(s[n]) {
		n++
	}
	return n > 0 && n < len(s) && (s[n] == '(' || s[n] == ';')
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isASCIIPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isASCIILetter(c) && !('0' <= c && c <= '9')
}

// notationLinkURL makes an http(s) URL safe inside a Backlog notation link
// [[label>url]]: characters that could end the link or the label
// ("[", "]", ">", "|", quotes, backslashes, spaces, control characters) are
// percent-encoded. Anything that is not an absolute http(s) URL becomes "".
func notationLinkURL(s string) string {
	// MarkdownURL already checks the URL and percent-encodes "()[]<>`\"
	// and blanks; ">" and "|" also matter here.
	s = render.MarkdownURL(s)
	if !strings.ContainsAny(s, "|'\"{}") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '|', '\'', '"', '{', '}':
			b.WriteString("%" + strings.ToUpper(hexByte(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
