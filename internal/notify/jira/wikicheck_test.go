package jira

import (
	"regexp"
	"strings"
	"testing"
)

// wikiOwnLink matches the links the built-in wiki texts write: [url] or
// [label|url], the URL percent-encoded by wikiURL.
var wikiOwnLink = regexp.MustCompile(`\[(?:[^\[\]|\n]*\|)?https?://[^\s\[\]|{}!^~*\\"<>` + "`" + `]*\]`)

// wikiOwnStrong matches the strong labels and lines the built-in texts
// write.
var wikiOwnStrong = regexp.MustCompile(`(^|\n|\* |# )\*[^*\n\\]+\*(:|\n|$)`)

// wikiOwnHeading matches the headings the built-in texts write.
var wikiOwnHeading = regexp.MustCompile(`^h[23]\. `)

// checkWiki asserts that wiki markup holds no markup the built-in texts do
// not write themselves: outside the destination's own links, strong labels,
// headings, list markers and {noformat} blocks, every markup character is
// escaped and no backslash pair forms a line break.
func checkWiki(t testing.TB, text string) {
	t.Helper()
	for _, f := range foreignWikiMarkup(text) {
		t.Errorf("wiki markup from the finding: %q", f)
	}
}

// foreignWikiMarkup lists the markup of text the built-in texts do not write.
func foreignWikiMarkup(text string) []string {
	var out []string
	// {noformat} blocks hold anything but their end tag.
	for {
		start := strings.Index(text, "{noformat}\n")
		if start < 0 {
			break
		}
		end := strings.Index(text[start+11:], "\n{noformat}")
		if end < 0 {
			out = append(out, "unterminated {noformat}")
			break
		}
		inner := text[start+11 : start+11+end]
		if strings.Contains(strings.ToLower(inner), "{noformat") {
			out = append(out, "{noformat} inside a {noformat} block")
		}
		text = text[:start] + "CODE" + text[start+11+end+11:]
	}
	text = wikiOwnLink.ReplaceAllString(text, "LINK")
	text = wikiOwnStrong.ReplaceAllString(text, "${1}LABEL${2}")
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case wikiOwnHeading.MatchString(line):
			line = line[4:]
		case strings.HasPrefix(line, "* "), strings.HasPrefix(line, "# "):
			line = line[2:]
		}
		if startsBlockMarkup([]rune(line)) {
			out = append(out, "block markup at line start: "+line)
		}
		lines = append(lines, line)
	}
	text = strings.Join(lines, "\n")
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r == '\\' {
			if i+1 < len(runes) && runes[i+1] == '\\' {
				out = append(out, "a line break (\\\\) "+around(runes, i))
			}
			i++ // the escaped character, or the zero-width space after a literal backslash
			continue
		}
		if strings.ContainsRune(wikiAlwaysEscaped, r) {
			out = append(out, around(runes, i))
			continue
		}
		if strings.ContainsRune(wikiPhraseMarks, r) && !(i > 0 && i+1 < len(runes) && isWordRune(runes[i-1]) && isWordRune(runes[i+1])) {
			out = append(out, around(runes, i))
		}
	}
	return out
}

func around(runes []rune, i int) string {
	return string(runes[max(0, i-20):min(len(runes), i+20)])
}
