package teams

import (
	"net/url"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// content is what a card shows, in plain text, before it is escaped and
// laid out as an Adaptive Card (adaptive.go) or a MessageCard
// (connector.go). Every text is already cut to the detail level it was
// built for.
type content struct {
	lang    render.Language
	tone    tone
	color   string // "#RRGGBB", for a MessageCard's themeColor
	heading string // why the card is sent, with its emoji
	title   string
	intro   string
	facts   []fact
	// sections are headed paragraphs: description, remediation.
	sections []section
	// rowsHeading and rows list a digest's findings; more says how many
	// are not listed.
	rowsHeading string
	rows        []row
	more        string
	links       []link
	// notes are small lines at the end: finding ID, route, group, and
	// that the card was shortened.
	notes []string
	// summary is a one-line text for notifications (a MessageCard's
	// summary, an Adaptive Card's fallbackText).
	summary string
}

type fact struct{ title, value string }

type section struct{ heading, text string }

// row is one finding of a digest.
type row struct {
	emoji, title, url, details string
}

// link is a button that opens a URL.
type link struct{ title, url string }

// tone is the colour of a card's heading: an Adaptive Card container style
// and text colour.
type tone string

// The tones, from the Adaptive Card container styles.
const (
	toneAttention tone = "attention"
	toneWarning   tone = "warning"
	toneGood      tone = "good"
	toneAccent    tone = "accent"
	toneEmphasis  tone = "emphasis"
)

// severityTone maps a severity label to the tone of its heading: red for
// critical and high, amber for medium, blue for low, grey otherwise.
func severityTone(label string) tone {
	switch label {
	case render.SeverityCritical, render.SeverityHigh:
		return toneAttention
	case render.SeverityMedium:
		return toneWarning
	case render.SeverityLow:
		return toneAccent
	}
	return toneEmphasis
}

// resolvedColor is the MessageCard theme colour of a resolved finding: a
// green with at least 3:1 contrast on white, like render's severity
// palette.
const resolvedColor = "#2B8A3E"

// Emoji that mark a card's kind where the severity emoji would not say
// enough.
const (
	emojiResolved = "✅"
	emojiReopened = "🔁"
	emojiReminder = "⏰"
	emojiUpdate   = "🔄"
	emojiTest     = "🧪"
	emojiDigest   = "📋"
)

// eventOf maps a message kind to the render event that picks its heading.
func eventOf(k notify.Kind) render.Event {
	switch k {
	case notify.KindResolved:
		return render.EventResolved
	case notify.KindReopened:
		return render.EventReopened
	case notify.KindReminder:
		return render.EventReminder
	}
	return render.EventNew
}

// clipLine makes s one line of at most n characters, marking a cut with
// render's localized "(truncated)".
func clipLine(s string, n int, lang render.Language) string {
	return render.Truncate(render.SingleLine(s), n, lang)
}

// clipText cuts a multi-line text to at most n characters, marking a cut.
func clipText(s string, n int, lang render.Language) string {
	return render.Truncate(strings.TrimSpace(s), n, lang)
}

// linkable returns u when a card may link to it: an absolute http(s) URL
// with a host, at most maxLen bytes long; "" otherwise.
func linkable(u string, maxLen int) string {
	if u == "" || len(u) > maxLen || strings.ContainsAny(u, " \t\r\n\"<>\\`") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return u
}

// labelled is "label: value", for footer notes.
func labelled(label, value string) string {
	return label + ": " + value
}

// addFact appends a fact when its value is not empty.
func (c *content) addFact(title, value string) {
	if value != "" {
		c.facts = append(c.facts, fact{title: title, value: value})
	}
}

// addLink appends a button when its URL may be opened.
func (c *content) addLink(title, u string) {
	if u = linkable(u, maxLinkLength); u != "" {
		c.links = append(c.links, link{title: title, url: u})
	}
}

// addNote appends a footer note when it is not empty.
func (c *content) addNote(note string) {
	if note != "" {
		c.notes = append(c.notes, note)
	}
}
