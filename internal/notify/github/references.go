package github

import "strings"

// zeroWidthSpace separates characters GitHub would otherwise read as a
// reference, without changing what a reader sees.
const zeroWidthSpace = "\u200b"

// defuseReferences stops GitHub from turning escaped finding text into
// issue references. render.MarkdownEscape writes a finding's "#" as "\#"
// and already breaks "@user" and "@org/team" mentions; but GitHub links
// "#12" and "owner/repo#12" after the Markdown is rendered, so an
// escaped "\#12" still becomes a link to issue 12 and leaves a "mentioned
// this" event in that issue's timeline, in any repository the finding
// names. A zero-width space after every escaped "#" that is followed by a
// letter or digit prevents that. Markup the templates write themselves
// (headings are "## " at the start of a line, never escaped) is left
// alone. Pure.
func defuseReferences(markdown string) string {
	if !strings.Contains(markdown, `\#`) {
		return markdown
	}
	var b strings.Builder
	b.Grow(len(markdown) + 16)
	for i := 0; i < len(markdown); i++ {
		c := markdown[i]
		b.WriteByte(c)
		if c == '#' && i > 0 && markdown[i-1] == '\\' && i+1 < len(markdown) && isASCIIAlnum(rune(markdown[i+1])) {
			b.WriteString(zeroWidthSpace)
		}
	}
	return b.String()
}
