package teams

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Teams renders a subset of Markdown in Adaptive Card TextBlocks and fact
// titles and values (bold, italic, lists, links; no HTML) and in every text
// field of a MessageCard (which also takes some HTML)
// (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format;
// "Since all fields are processed as Markdown, be sure to escape Markdown
// special characters", https://learn.microsoft.com/en-us/outlook/actionable-messages/message-card-reference).
// Text from a finding is escaped so that it shows as written and cannot
// add a link, emphasis, a list or (in a MessageCard) HTML.

// cardText escapes plain text for an Adaptive Card TextBlock or fact:
// Markdown characters get a backslash (render.MarkdownEscape), and each
// line becomes a paragraph, since a single line break is no break in
// Markdown ("If you require newlines elsewhere in the TextBlock, use
// \n\n").
func cardText(s string) string {
	return paragraphs(render.MarkdownEscape(trimLines(s)))
}

// connectorText escapes plain text for a MessageCard field: as cardText,
// and "&", "<" and ">" become character references first, so that no HTML
// tag can form whether Teams reads the field as Markdown or as HTML.
func connectorText(s string) string {
	return paragraphs(render.MarkdownEscape(htmlEntities.Replace(trimLines(s))))
}

// htmlEntities replaces the characters that start HTML markup.
var htmlEntities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// markdownLink is a Markdown link whose text is already escaped; it is
// the text alone when url cannot be linked safely (render.MarkdownURL
// keeps only http(s) URLs and percent-encodes what could end the link).
func markdownLink(escapedText, url string) string {
	if u := render.MarkdownURL(url); u != "" {
		return "[" + escapedText + "](" + u + ")"
	}
	return escapedText
}

// trimLines drops blank lines and the white space around each line:
// leading spaces would make a Markdown code block, which Teams does not
// show.
func trimLines(s string) string {
	if !strings.ContainsAny(s, "\n\r\t ") {
		return s
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// paragraphs turns each line break into a paragraph break.
func paragraphs(s string) string {
	return strings.ReplaceAll(s, "\n", "\n\n")
}
