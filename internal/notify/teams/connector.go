package teams

import (
	"strings"
)

// The legacy Office 365 connector card an Incoming Webhook takes with
// format: connector, as the "Legacy actionable message card reference"
// documents it (https://learn.microsoft.com/en-us/outlook/actionable-messages/message-card-reference)
// and "Create and send messages" shows it for Teams
// (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using):
// @type MessageCard, @context, a themeColor, a summary (an Incoming
// Webhook answers "Summary or Text is required." without one), sections
// with facts, and OpenUri actions.

// messageCard is the request body.
type messageCard struct {
	Type            string          `json:"@type"`
	Context         string          `json:"@context"`
	ThemeColor      string          `json:"themeColor,omitempty"`
	Summary         string          `json:"summary"`
	Title           string          `json:"title,omitempty"`
	Sections        []cardSection   `json:"sections,omitempty"`
	PotentialAction []openURIAction `json:"potentialAction,omitempty"`
}

type cardSection struct {
	ActivityTitle    string          `json:"activityTitle,omitempty"`
	ActivitySubtitle string          `json:"activitySubtitle,omitempty"`
	Title            string          `json:"title,omitempty"`
	Facts            []connectorFact `json:"facts,omitempty"`
	Text             string          `json:"text,omitempty"`
	StartGroup       bool            `json:"startGroup,omitempty"`
	// Markdown is true: every text is escaped for it.
	Markdown bool `json:"markdown"`
}

type connectorFact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// openURIAction is a button opening a URL in the browser.
type openURIAction struct {
	Type    string      `json:"@type"`
	Name    string      `json:"name"`
	Targets []uriTarget `json:"targets"`
}

type uriTarget struct {
	OS  string `json:"os"`
	URI string `json:"uri"`
}

// connector lays c out as a MessageCard: the heading as its title, a
// first section with the finding's title, intro and facts, a section for
// each paragraph and digest entry, the footer notes, and the buttons.
func connector(c content) messageCard {
	card := messageCard{
		Type:       "MessageCard",
		Context:    messageCardContext,
		ThemeColor: strings.TrimPrefix(c.color, "#"),
		// The summary shows in notifications; it is escaped like every
		// other field in case a client reads it as Markdown.
		Summary: connectorText(c.summary),
		Title:   connectorText(c.heading),
	}
	first := cardSection{ActivityTitle: connectorText(c.title), ActivitySubtitle: connectorText(c.intro), Markdown: true}
	for _, f := range c.facts {
		first.Facts = append(first.Facts, connectorFact{Name: connectorText(f.title), Value: connectorText(f.value)})
	}
	card.Sections = append(card.Sections, first)
	for _, s := range c.sections {
		card.Sections = append(card.Sections, cardSection{Title: connectorText(s.heading), Text: connectorText(s.text), StartGroup: true, Markdown: true})
	}
	if len(c.rows) > 0 {
		card.Sections = append(card.Sections, cardSection{Title: connectorText(c.rowsHeading), StartGroup: true, Markdown: true})
		for _, r := range c.rows {
			title := markdownLink(connectorText(r.title), r.url)
			if r.emoji != "" {
				title = r.emoji + " " + title
			}
			card.Sections = append(card.Sections, cardSection{ActivityTitle: title, Text: connectorText(r.details), Markdown: true})
		}
	}
	if c.more != "" {
		card.Sections = append(card.Sections, cardSection{Text: connectorText(c.more), Markdown: true})
	}
	if len(c.notes) > 0 {
		notes := make([]string, len(c.notes))
		for i, n := range c.notes {
			notes[i] = connectorText(n)
		}
		card.Sections = append(card.Sections, cardSection{Text: strings.Join(notes, "\n\n"), StartGroup: true, Markdown: true})
	}
	for _, l := range c.links {
		card.PotentialAction = append(card.PotentialAction, openURIAction{
			Type: "OpenUri", Name: l.title, Targets: []uriTarget{{OS: "default", URI: l.url}},
		})
	}
	return card
}
