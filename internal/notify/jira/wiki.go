package jira

import (
	"fmt"
	"strings"
	"unicode"
)

// zeroWidthSpace separates characters that Jira would otherwise read as
// markup, without showing anything.
const zeroWidthSpace = "\u200b"

// wikiAlwaysEscaped are the characters of Jira's text formatting notation
// that EscapeWiki escapes wherever they appear: links and mentions ([ ]),
// tables (|), macros and monospace ({ }), images (!), lists and headings
// (#), emoticons (( )), citations (?) and mentions (@). Jira reads a
// backslash before any of them as "this character, literally".
const wikiAlwaysEscaped = "#|{}[]()!@?"

// wikiPhraseMarks are the phrase formatting characters (*strong*,
// _emphasis_, -deleted-, +inserted+, ^superscript^, ~subscript~). Jira only
// reads them as markup next to a non-word character, so between two letters
// or digits (eu-west-1, aws_foundational) they are left as they are.
const wikiPhraseMarks = "*_-+^~"

// EscapeWiki makes s literal text in Jira's wiki markup (the text formatting
// notation of Jira Server and Data Center, and of REST API v2): it cannot
// form links, images, mentions, macros ({code}, {color}, {noformat}),
// tables, lists, headings, quotes, emoticons or phrase formatting. Markup
// characters get the backslash Jira documents as their escape; a literal
// backslash is followed by a zero-width space, since two backslashes are
// Jira's line break; a line that starts like a heading or quote ("h1. ",
// "bq. ") starts with a zero-width space. Line breaks are kept, invalid
// UTF-8 becomes U+FFFD. Pure and safe for concurrent use.
func EscapeWiki(s string) string {
	runes := []rune(strings.ToValidUTF8(s, "\ufffd"))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range runes {
		if (i == 0 || runes[i-1] == '\n') && startsBlockMarkup(runes[i:]) {
			b.WriteString(zeroWidthSpace)
		}
		switch {
		case r == '\\':
			b.WriteString(`\` + zeroWidthSpace)
		case strings.ContainsRune(wikiAlwaysEscaped, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case strings.ContainsRune(wikiPhraseMarks, r) && !(i > 0 && i+1 < len(runes) && isWordRune(runes[i-1]) && isWordRune(runes[i+1])):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// startsBlockMarkup reports whether a line starting with rs would be a
// heading (h1. … h6.) or a block quote (bq.).
func startsBlockMarkup(rs []rune) bool {
	if len(rs) < 3 {
		return false
	}
	if (rs[0] == 'h' || rs[0] == 'H') && rs[1] >= '1' && rs[1] <= '6' && rs[2] == '.' {
		return true
	}
	return (rs[0] == 'b' || rs[0] == 'B') && (rs[1] == 'q' || rs[1] == 'Q') && rs[2] == '.'
}

// wikiURL makes an http(s) URL safe inside a wiki link, [label|url]:
// characters that end the link or start other markup are percent-encoded.
func wikiURL(u string) string {
	var b strings.Builder
	b.Grow(len(u))
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("[]|{}!^~*\\\"<>`", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// neutralizeNoformat keeps text from closing the {noformat} block it is
// shown in: a zero-width space goes inside every "{noformat", in any case.
func neutralizeNoformat(text string) string {
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "{noformat") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, "{noformat")
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i+1])
		b.WriteString(zeroWidthSpace)
		text, lower = text[i+1:], lower[i+1:]
	}
}

// toWiki encodes blocks as wiki markup, blocks separated by a blank line.
func toWiki(blocks []block) string {
	var parts []string
	for _, bl := range blocks {
		if s := wikiBlock(bl); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

func wikiBlock(bl block) string {
	switch bl.kind {
	case blockHeading:
		text := wikiInline(oneLineSpans(bl.spans))
		if text == "" {
			return ""
		}
		return fmt.Sprintf("h%d. %s", min(max(bl.level, 1), 6), text)
	case blockParagraph:
		return wikiInline(bl.spans)
	case blockBullets, blockNumbered:
		marker := "* "
		if bl.kind == blockNumbered {
			marker = "# "
		}
		var lines []string
		for _, item := range bl.items {
			if text := wikiInline(oneLineSpans(item)); text != "" {
				lines = append(lines, marker+text)
			}
		}
		return strings.Join(lines, "\n")
	case blockCode:
		if bl.code == "" {
			return ""
		}
		return "{noformat}\n" + neutralizeNoformat(bl.code) + "\n{noformat}"
	}
	return ""
}

// wikiInline encodes spans: escaped text, *strong* text, [label|url] links
// and line breaks (a line break in a paragraph is a new line). Leading,
// trailing and repeated line breaks are dropped, since an empty line would
// end the paragraph.
func wikiInline(spans []span) string {
	var b strings.Builder
	pendingBreak := false
	for _, s := range spans {
		if s.br {
			pendingBreak = b.Len() > 0
			continue
		}
		for i, part := range strings.Split(s.text, "\n") {
			if i > 0 {
				pendingBreak = b.Len() > 0
			}
			if part == "" {
				continue
			}
			if pendingBreak {
				b.WriteByte('\n')
				pendingBreak = false
			}
			b.WriteString(wikiSpan(s, part))
		}
	}
	return b.String()
}

func wikiSpan(s span, text string) string {
	switch {
	case s.href != "" && text == s.href:
		return "[" + wikiURL(s.href) + "]"
	case s.href != "":
		return "[" + EscapeWiki(text) + "|" + wikiURL(s.href) + "]"
	case s.strong && strings.TrimSpace(text) != "":
		return "*" + EscapeWiki(strings.TrimSpace(text)) + "*"
	}
	return EscapeWiki(text)
}
