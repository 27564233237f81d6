package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RepairUTF8 replaces every invalid UTF-8 sequence in s with U+FFFD, so no
// invalid byte is ever passed on to a destination.
func RepairUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\ufffd")
}

// SlackEscape escapes text for Slack mrkdwn as Slack documents: "&" → "&amp;",
// "<" → "&lt;", ">" → "&gt;". Slack only recognises mentions (<!channel>,
// <!here>, <@U123>) and links (<https://…|text>) between angle brackets, so
// escaped text can neither ping anyone nor forge a link. Destinations must not
// set link_names, which would turn a bare "@channel" into a mention.
func SlackEscape(s string) string {
	s = RepairUTF8(s)
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarkdownEscape escapes text for CommonMark/GitHub Markdown so it shows as
// written and cannot form links, images, HTML, emphasis, code, tables,
// headings, lists, quotes or math: the inline markup characters
// \ ` * _ [ ] < > # | ~ $ get a backslash, as do list markers ("- ", "+ ",
// "1. ", "1) ") and break lines ("---", "===") at the start of a line, and a
// zero-width space after "@" stops an @user or @org/team mention. Line
// breaks are kept; the start of s counts as the start of a line.
func MarkdownEscape(s string) string {
	runes := []rune(RepairUTF8(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	atLineStart := true
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if atLineStart && r != ' ' && r != '\t' {
			atLineStart = false
			if (r == '-' || r == '+' || r == '=') && endsMarker(runes, i+1, r) {
				b.WriteByte('\\')
				b.WriteRune(r)
				continue
			}
			if j := digitsEnd(runes, i); j > i && j < len(runes) && (runes[j] == '.' || runes[j] == ')') && endsMarker(runes, j+1, 0) {
				b.WriteString(string(runes[i:j]))
				b.WriteByte('\\')
				b.WriteRune(runes[j])
				i = j
				continue
			}
		}
		switch {
		case strings.ContainsRune("\\`*_[]<>#|~$", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@' && i+1 < len(runes) && isWordRune(runes[i+1]) && (i == 0 || !isWordRune(runes[i-1])):
			b.WriteString("@\u200b")
		default:
			b.WriteRune(r)
		}
		if r == '\n' {
			atLineStart = true
		}
	}
	return b.String()
}

// endsMarker reports whether the line-start marker before i is followed by
// what makes it markup: a space, tab or line end, or (for "-", "+" and "=")
// the same character again, as in thematic breaks and setext underlines.
func endsMarker(runes []rune, i int, same rune) bool {
	if i >= len(runes) {
		return true
	}
	r := runes[i]
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || (same != 0 && r == same)
}

// digitsEnd returns the index after the run of ASCII digits starting at i.
func digitsEnd(runes []rune, i int) int {
	for i < len(runes) && runes[i] >= '0' && runes[i] <= '9' {
		i++
	}
	return i
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// JSONString returns s as a JSON string literal, quotes included, for
// building JSON payloads in text templates. "<", ">" and "&" are written as
// \u escapes and invalid UTF-8 becomes U+FFFD, so the result is valid JSON
// that is also safe inside HTML.
func JSONString(s string) string {
	b, _ := json.Marshal(s) // marshalling a string cannot fail
	return string(b)
}

// SingleLine collapses every run of whitespace (newlines included) into one
// space, drops control characters and trims the ends: for e-mail subjects,
// titles, table cells and other one-line fields.
func SingleLine(s string) string {
	s = RepairUTF8(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || isBidiControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Truncate shortens s to at most max characters (runes, never splitting one),
// ending it with a visible marker in lang ("… (truncated)", "…（省略されました）")
// when anything was cut. When max is too small for the marker, "…" alone marks
// the cut. Text that fits is returned unchanged (apart from invalid UTF-8,
// which is repaired).
func Truncate(s string, max int, lang Language) string {
	s = RepairUTF8(s)
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	marker := "…"
	if lang == Japanese {
		marker += Translate(lang, MsgTruncated)
	} else {
		marker += " " + Translate(lang, MsgTruncated)
	}
	if utf8.RuneCountInString(marker) >= max {
		marker = "…"
	}
	keep := max - utf8.RuneCountInString(marker)
	cut := 0
	for i := range s {
		if keep == 0 {
			cut = i
			break
		}
		keep--
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + marker
}

// cleanText makes finding text display-ready: invalid UTF-8 becomes U+FFFD,
// CRLF and CR become LF, control characters other than newline and tab are
// dropped, as are the bidirectional-override characters used to disguise text,
// and trailing whitespace is trimmed.
func cleanText(s string) string {
	s = RepairUTF8(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

// isBidiControl reports the Unicode bidirectional embedding, override and
// isolate characters (U+202A–U+202E, U+2066–U+2069).
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// MarkdownURL makes an http(s) link safe as a Markdown link destination,
// "[text](url)": characters that could end the destination or start other
// markup ("(", ")", "[", "]", "<", ">", "`", "\", spaces and control
// characters) are percent-encoded. Anything that is not an absolute http(s)
// URL becomes "", so a link can never run script.
func MarkdownURL(s string) string {
	s = safeURL(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("()[]<>`\\", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
