package jira

import (
	"net/url"
	"strings"
	"unicode"
)

// The content of an issue description or comment is built once as a small
// document model (blocks of spans) and then encoded for the API version in
// use: as an Atlassian Document Format document (REST API v3, toADF) or as
// wiki markup (REST API v2, toWiki). Text in the model is plain, unescaped
// and never read as markup; each encoder makes it literal in its format.

// blockKind says what a block is.
type blockKind int

const (
	blockHeading   blockKind = iota // spans, level
	blockParagraph                  // spans, possibly with line breaks
	blockBullets                    // items, each a line of spans
	blockNumbered                   // items, numbered from 1
	blockCode                       // code: preformatted text
)

// block is one block of content.
type block struct {
	kind  blockKind
	level int      // heading level, 1–6
	spans []span   // heading and paragraph content
	items [][]span // list items
	code  string   // code block text
}

// span is a run of inline content: text (strong or plain), a link, or a
// line break.
type span struct {
	text   string
	strong bool
	href   string // a link when set: an absolute http(s) URL
	br     bool   // a line break; text is empty
}

func plain(s string) span          { return span{text: s} }
func strong(s string) span         { return span{text: s, strong: true} }
func link(label, href string) span { return span{text: label, href: href} }

func heading(level int, spans ...span) block {
	return block{kind: blockHeading, level: level, spans: spans}
}
func paragraph(spans ...span) block { return block{kind: blockParagraph, spans: spans} }
func code(text string) block        { return block{kind: blockCode, code: text} }

// field is a list item "Label: value".
func field(label, value string) []span {
	return []span{strong(label), plain(": " + value)}
}

// empty reports whether the spans hold no visible content.
func empty(spans []span) bool {
	for _, s := range spans {
		if !s.br && strings.TrimSpace(s.text) != "" {
			return false
		}
	}
	return true
}

// textBlocks turns plain text into paragraphs: blank lines separate
// paragraphs, single line breaks are kept, and http(s) URLs become links
// whose text is the URL itself (what a reader sees is where the link goes).
// Text with nothing visible gives no block.
func textBlocks(text string) []block {
	var out []block
	for _, para := range splitParagraphs(text) {
		var spans []span
		for i, line := range para {
			if i > 0 {
				spans = append(spans, span{br: true})
			}
			spans = append(spans, linkify(line)...)
		}
		if !empty(spans) {
			out = append(out, paragraph(spans...))
		}
	}
	return out
}

// splitParagraphs splits text into paragraphs of lines. Lines holding only
// white space end a paragraph; trailing white space of each line is dropped.
func splitParagraphs(text string) [][]string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var paras [][]string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}

// linkify splits one line into text and the http(s) URLs in it. A URL
// starts with "http://" or "https://" at the start of the line or after a
// character that cannot be part of a word, and runs to the next white
// space; closing punctuation at its end stays text.
func linkify(line string) []span {
	var out []span
	rest := line
	for rest != "" {
		i := urlStart(rest)
		if i < 0 {
			break
		}
		end := i + urlEnd(rest[i:])
		candidate := rest[i:end]
		if href := safeLink(candidate); href != "" && href == candidate {
			if i > 0 {
				out = append(out, plain(rest[:i]))
			}
			out = append(out, link(candidate, candidate))
		} else {
			out = append(out, plain(rest[:end]))
		}
		rest = rest[end:]
	}
	if rest != "" {
		out = append(out, plain(rest))
	}
	return mergeText(out)
}

// urlStart returns the index of the first "http://" or "https://" in s that
// is not inside a word, or -1.
func urlStart(s string) int {
	from := 0
	for {
		i := indexScheme(s[from:])
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || !isWordByte(s[i-1]) {
			return i
		}
		from = i + 1
	}
}

func indexScheme(s string) int {
	h := strings.Index(s, "http://")
	hs := strings.Index(s, "https://")
	switch {
	case h < 0:
		return hs
	case hs < 0:
		return h
	}
	return min(h, hs)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// urlEnd returns the length of the URL at the start of s: up to the next
// white space, less closing punctuation that ends a sentence or encloses
// the URL.
func urlEnd(s string) int {
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		end = len(s)
	}
	for end > 0 {
		c := s[end-1]
		if strings.IndexByte(".,;:!?'\"", c) >= 0 ||
			(c == ')' && strings.Count(s[:end], "(") < strings.Count(s[:end], ")")) ||
			(c == ']' && strings.Count(s[:end], "[") < strings.Count(s[:end], "]")) ||
			c == '>' || c == '}' {
			end--
			continue
		}
		break
	}
	return end
}

// maxLinkURL is the longest URL made into a link; a longer one stays text.
const maxLinkURL = 2000

// safeLink returns s when it is an absolute http or https URL with a host
// that holds no white space, control characters, quotes, angle brackets,
// backslashes or backticks, and is at most maxLinkURL bytes; "" otherwise.
// Only such URLs become links, so a finding can never add a javascript: or
// data: link, nor one that breaks out of its markup.
func safeLink(s string) string {
	if s == "" || len(s) > maxLinkURL {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\`", c) >= 0 {
			return ""
		}
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return ""
	}
	return s
}

// mergeText joins adjacent plain text spans.
func mergeText(spans []span) []span {
	out := spans[:0:0]
	for _, s := range spans {
		if n := len(out); n > 0 && isPlain(out[n-1]) && isPlain(s) {
			out[n-1].text += s.text
			continue
		}
		if !s.br && s.text == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func isPlain(s span) bool { return !s.br && !s.strong && s.href == "" }
