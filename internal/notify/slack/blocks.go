package slack

import (
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Block Kit building blocks. Every mrkdwn object is verbatim: Slack then
// does not turn bare URLs, #channel names or @mentions in the text into
// links or mentions; only the explicit <url|text> links this package
// writes are links
// (https://api.slack.com/reference/block-kit/composition-objects#text).

// mrkdwn returns a verbatim mrkdwn text object; text must be escaped.
func mrkdwn(text string) *goslack.TextBlockObject {
	return &goslack.TextBlockObject{Type: goslack.MarkdownType, Text: text, Verbatim: true}
}

// plain returns a plain_text object with emoji shortcodes enabled.
func plain(text string) *goslack.TextBlockObject {
	emoji := true
	return &goslack.TextBlockObject{Type: goslack.PlainTextType, Text: text, Emoji: &emoji}
}

// header returns a header block showing raw (plain text, cut to 150).
func header(raw string) goslack.Block {
	return goslack.NewHeaderBlock(plain(esc(raw, maxHeaderText)))
}

// section returns a section block of escaped mrkdwn text.
func section(text string) goslack.Block {
	return goslack.NewSectionBlock(mrkdwn(text), nil, nil)
}

// fieldsSection returns a section of at most 10 two-column fields, or nil
// when there are none.
func fieldsSection(fields []string) goslack.Block {
	if len(fields) == 0 {
		return nil
	}
	if len(fields) > maxFields {
		fields = fields[:maxFields]
	}
	objs := make([]*goslack.TextBlockObject, len(fields))
	for i, f := range fields {
		objs[i] = mrkdwn(f)
	}
	return goslack.NewSectionBlock(nil, objs, nil)
}

// contextBlock returns a context block of escaped mrkdwn elements (at most
// 10, empty ones left out), or nil when all are empty.
func contextBlock(elements ...string) goslack.Block {
	var mixed []goslack.MixedElement
	for _, e := range elements {
		if e != "" && len(mixed) < maxContextElements {
			mixed = append(mixed, mrkdwn(e))
		}
	}
	if len(mixed) == 0 {
		return nil
	}
	return goslack.NewContextBlock("", mixed...)
}

// button is a link button of an actions block.
type button struct {
	actionID, text, url string
	primary             bool
}

// actionsBlock returns an actions block of the buttons that have a usable
// URL (at most 3000 characters), or nil when none has.
func actionsBlock(buttons ...button) goslack.Block {
	var elements []goslack.BlockElement
	for _, b := range buttons {
		if b.url == "" || units(b.url) > maxButtonURL {
			continue
		}
		el := goslack.NewButtonBlockElement(b.actionID, "", plain(esc(b.text, maxButtonText))).WithURL(b.url)
		if b.primary {
			el = el.WithStyle(goslack.StylePrimary)
		}
		elements = append(elements, el)
	}
	if len(elements) == 0 {
		return nil
	}
	return goslack.NewActionBlock("", elements...)
}

// appendBlocks appends the blocks that are not nil.
func appendBlocks(blocks []goslack.Block, more ...goslack.Block) []goslack.Block {
	for _, b := range more {
		if b != nil {
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// labelled returns "*label*\nvalue" with the label escaped and value as
// given (already escaped).
func labelled(label, value string) string {
	return "*" + render.SlackEscape(label) + "*\n" + value
}

// field returns a labelled field whose raw value is escaped and cut, or ""
// when the value is empty.
func field(lang render.Language, key render.MessageKey, raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	return labelled(render.Translate(lang, key), esc(raw, fieldValueBudget))
}

// nonEmpty returns the strings that are not empty.
func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
