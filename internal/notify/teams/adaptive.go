package teams

// The Adaptive Card message a Workflows trigger or an Incoming Webhook
// takes, as "Send Adaptive Cards using an Incoming Webhook" documents it
// (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using):
// "The type field must be message. The attachments array contains a set of
// card objects. The contentType field must be set to Adaptive Card type.
// The content object is the card formatted in JSON." The flows Teams makes
// from the template "Post to a channel when a webhook request is received"
// post each attachment's content as a card.

// adaptiveMessage is the request body.
type adaptiveMessage struct {
	Type        string               `json:"type"`
	Attachments []adaptiveAttachment `json:"attachments"`
}

type adaptiveAttachment struct {
	ContentType string `json:"contentType"`
	// ContentURL is always null, as documented.
	ContentURL *string      `json:"contentUrl"`
	Content    adaptiveCard `json:"content"`
}

// adaptiveCard is an Adaptive Card (https://adaptivecards.io/explorer/AdaptiveCard.html).
type adaptiveCard struct {
	Schema       string          `json:"$schema"`
	Type         string          `json:"type"`
	Version      string          `json:"version"`
	FallbackText string          `json:"fallbackText,omitempty"`
	MSTeams      *msTeams        `json:"msteams,omitempty"`
	Body         []cardElement   `json:"body"`
	Actions      []openURLAction `json:"actions,omitempty"`
}

// msTeams holds Teams' own card properties; width "Full" uses the whole
// width of the channel, so ARNs and descriptions wrap less.
type msTeams struct {
	Width string `json:"width"`
}

// cardElement is one element of a card body: a TextBlock, a FactSet, a
// Container, a ColumnSet or a Column; only the fields its type uses are
// set.
type cardElement struct {
	Type      string        `json:"type"`
	Text      string        `json:"text,omitempty"`
	Wrap      bool          `json:"wrap,omitempty"`
	Size      string        `json:"size,omitempty"`
	Weight    string        `json:"weight,omitempty"`
	Color     string        `json:"color,omitempty"`
	IsSubtle  bool          `json:"isSubtle,omitempty"`
	Spacing   string        `json:"spacing,omitempty"`
	Separator bool          `json:"separator,omitempty"`
	Style     string        `json:"style,omitempty"`
	Bleed     bool          `json:"bleed,omitempty"`
	Width     string        `json:"width,omitempty"`
	Facts     []cardFact    `json:"facts,omitempty"`
	Items     []cardElement `json:"items,omitempty"`
	Columns   []cardElement `json:"columns,omitempty"`
}

type cardFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type openURLAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// textColor is the TextBlock colour of a tone.
func (t tone) textColor() string {
	switch t {
	case toneAttention:
		return "Attention"
	case toneWarning:
		return "Warning"
	case toneGood:
		return "Good"
	case toneAccent:
		return "Accent"
	}
	return "Default"
}

// adaptive lays c out as an Adaptive Card message: a heading container in
// the tone's style, the intro, the facts, the sections, a digest's
// findings, the footer notes and the buttons.
func adaptive(c content) adaptiveMessage {
	head := []cardElement{textBlock(cardText(c.heading), func(e *cardElement) {
		e.Weight, e.Color = "Bolder", c.tone.textColor()
		if c.title == "" {
			e.Size = "Large" // a digest: the heading is the title
		}
	})}
	if c.title != "" {
		head = append(head, textBlock(cardText(c.title), func(e *cardElement) {
			e.Size, e.Weight, e.Spacing = "Large", "Bolder", "Small"
		}))
	}
	body := []cardElement{{Type: "Container", Style: string(c.tone), Bleed: true, Items: head}}
	if c.intro != "" {
		body = append(body, textBlock(cardText(c.intro), nil))
	}
	if len(c.facts) > 0 {
		facts := make([]cardFact, len(c.facts))
		for i, f := range c.facts {
			facts[i] = cardFact{Title: cardText(f.title), Value: cardText(f.value)}
		}
		body = append(body, cardElement{Type: "FactSet", Facts: facts})
	}
	for _, s := range c.sections {
		body = append(body,
			textBlock(cardText(s.heading), func(e *cardElement) { e.Weight, e.Spacing, e.Separator = "Bolder", "Medium", true }),
			textBlock(cardText(s.text), func(e *cardElement) { e.Spacing = "Small" }),
		)
	}
	if len(c.rows) > 0 {
		body = append(body, textBlock(cardText(c.rowsHeading), func(e *cardElement) {
			e.Weight, e.Spacing, e.Separator = "Bolder", "Medium", true
		}))
		for _, r := range c.rows {
			body = append(body, digestColumns(r))
		}
	}
	if c.more != "" {
		body = append(body, textBlock(cardText(c.more), func(e *cardElement) { e.IsSubtle = true }))
	}
	for i, n := range c.notes {
		body = append(body, textBlock(cardText(n), func(e *cardElement) {
			e.Size, e.IsSubtle, e.Spacing = "Small", true, "None"
			if i == 0 {
				e.Spacing, e.Separator = "Medium", true
			}
		}))
	}
	var actions []openURLAction
	for _, l := range c.links {
		actions = append(actions, openURLAction{Type: "Action.OpenUrl", Title: l.title, URL: l.url})
	}
	return adaptiveMessage{
		Type: "message",
		Attachments: []adaptiveAttachment{{
			ContentType: cardContentType,
			Content: adaptiveCard{
				Schema:       cardSchema,
				Type:         "AdaptiveCard",
				Version:      cardVersion,
				FallbackText: cardText(c.summary),
				MSTeams:      &msTeams{Width: "Full"},
				Body:         body,
				Actions:      actions,
			},
		}},
	}
}

// digestColumns is one digest entry: the severity emoji in a narrow
// column, then the linked title over the details line.
func digestColumns(r row) cardElement {
	title := markdownLink(cardText(r.title), r.url)
	text := []cardElement{textBlock(title, func(e *cardElement) { e.Weight = "Bolder" })}
	if r.details != "" {
		text = append(text, textBlock(cardText(r.details), func(e *cardElement) {
			e.Size, e.IsSubtle, e.Spacing = "Small", true, "None"
		}))
	}
	columns := []cardElement{{Type: "Column", Width: "stretch", Items: text}}
	if r.emoji != "" {
		columns = append([]cardElement{{Type: "Column", Width: "auto", Items: []cardElement{textBlock(r.emoji, nil)}}}, columns...)
	}
	return cardElement{Type: "ColumnSet", Spacing: "Small", Columns: columns}
}

// textBlock is a wrapping TextBlock of already escaped text; set adjusts
// it.
func textBlock(text string, set func(*cardElement)) cardElement {
	e := cardElement{Type: "TextBlock", Text: text, Wrap: true}
	if set != nil {
		set(&e)
	}
	return e
}
