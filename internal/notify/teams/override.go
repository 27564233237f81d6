package teams

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Build builds the request body for m as BuildPayload does, except that
// when msg (the destination's compiled `message:` override, nil when unset)
// applies to m, its output replaces the card:
//
//   - format json: the output is the Adaptive Card itself (the attachment's
//     "content": an object with "type": "AdaptiveCard" and a "version"
//     such as "1.4"); Build wraps it in the message envelope
//     ({"type": "message", "attachments": [...]}) and sends it as written.
//     Only with the adaptive format (see checkOverrideFormat).
//   - format text: the output is the text of one wrapping TextBlock of an
//     Adaptive Card (or the text of a MessageCard with format connector),
//     cut with render's "(truncated)" marker when the body would pass
//     PayloadBudget.
//
// A json card whose body passes PayloadBudget (Teams refuses messages over
// 28 KB) is an error, as is a card that is not an AdaptiveCard. A digest
// that msg does not apply to keeps the built-in digest card, and a notice
// always gets BuildNoticePayload's card (overrides render findings). Pure
// and safe
// for concurrent use; an error is permanent for that message.
func Build(m *notify.Message, format Format, opts render.Options, msg *render.Renderer) ([]byte, error) {
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	if msg == nil || m.Notice != nil {
		return BuildPayload(m, format, opts)
	}
	data := overrideData(m, opts)
	if !msg.Applies(data) {
		return BuildPayload(m, format, opts)
	}
	out, err := msg.Render(data)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	var body []byte
	if msg.Format() == render.FormatJSON {
		body, err = cardOverride(out)
	} else {
		body, err = textOverride(string(out), format, opts.Language, themeColor(data))
	}
	if err != nil {
		return nil, fmt.Errorf("teams: %s: message: output: %w", msg.Name(), err)
	}
	return body, nil
}

// overrideData is m as an override template sees it. A digest's view
// counts the whole group (m.Digest.Total) when the message lists only some
// of its findings.
func overrideData(m *notify.Message, opts render.Options) render.Data {
	d := render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: opts.Language}
	if m.Digest != nil {
		dv := render.NewDigestView(m.Digest.Findings, opts)
		if m.Digest.Total > dv.Total {
			dv.More += m.Digest.Total - dv.Total
			dv.Total = m.Digest.Total
			dv.Title = render.Translate(opts.Language, render.MsgDigestTitle, dv.Total)
			dv.MoreText = render.Translate(opts.Language, render.MsgAndMore, dv.More)
		}
		d.Digest = &dv
	}
	return d
}

// checkOverrideFormat reports an override the card format cannot send: a
// json override is an Adaptive Card, which a MessageCard destination does
// not post.
func checkOverrideFormat(o render.Override, format Format) error {
	if format == FormatConnector && o.Format == render.FormatJSON {
		return errors.New("message.format: json is an Adaptive Card, but format is connector (a MessageCard); use message format text, or remove format")
	}
	return nil
}

// cardVersionPattern is an Adaptive Card schema version: "1.0" … "1.9".
var cardVersionPattern = regexp.MustCompile(`^1\.[0-9]$`)

// cardOverride checks out as an Adaptive Card and wraps it in the message
// envelope.
func cardOverride(out []byte) ([]byte, error) {
	var card struct {
		Type    *string          `json:"type"`
		Version *string          `json:"version"`
		Body    *json.RawMessage `json:"body"`
	}
	trimmed := bytes.TrimSpace(out)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New(`must be an Adaptive Card object ({"type": "AdaptiveCard", "version": "1.4", "body": [...]})`)
	}
	if err := json.Unmarshal(trimmed, &card); err != nil {
		return nil, fmt.Errorf("must be an Adaptive Card object: %w", err)
	}
	switch {
	case card.Type == nil || *card.Type != "AdaptiveCard":
		return nil, errors.New(`type: must be "AdaptiveCard" (the card itself; hubrelay adds the message envelope)`)
	case card.Version == nil || !cardVersionPattern.MatchString(*card.Version):
		return nil, fmt.Errorf(`version: must be an Adaptive Card version such as %q (Teams workflows show cards up to 1.4)`, cardVersion)
	}
	if card.Body != nil {
		var elements []json.RawMessage
		if err := json.Unmarshal(*card.Body, &elements); err != nil {
			return nil, errors.New("body: must be an array of card elements")
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, trimmed); err != nil {
		return nil, fmt.Errorf("must be an Adaptive Card object: %w", err)
	}
	msg := struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  *string         `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}{Type: "message"}
	msg.Attachments = append(msg.Attachments, struct {
		ContentType string          `json:"contentType"`
		ContentURL  *string         `json:"contentUrl"`
		Content     json.RawMessage `json:"content"`
	}{ContentType: cardContentType, Content: compact.Bytes()})
	body, err := marshal(msg)
	if err != nil {
		return nil, err
	}
	if len(body) > PayloadBudget {
		return nil, fmt.Errorf("the card is %d bytes; Teams takes messages up to %d bytes (hubrelay sends at most %d): use truncate", len(body), MaxMessageBytes, PayloadBudget)
	}
	return body, nil
}

// textOverride makes text the card: one wrapping TextBlock of an Adaptive
// Card, or the text of a MessageCard; the text is cut until the body fits
// PayloadBudget.
func textOverride(text string, format Format, lang render.Language, color string) ([]byte, error) {
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	limit := utf8.RuneCountInString(text)
	for range 8 {
		body, err := marshal(textCard(render.Truncate(text, limit, lang), format, color))
		if err != nil {
			return nil, err
		}
		if len(body) <= PayloadBudget {
			return body, nil
		}
		// Shrink in proportion to the excess, with room for the marker.
		limit = limit*PayloadBudget/len(body) - 64
		if limit < 1 {
			break
		}
	}
	return nil, fmt.Errorf("the text does not fit in %d bytes", PayloadBudget)
}

// textCard is the card of a text override.
func textCard(text string, format Format, color string) any {
	if format == FormatConnector {
		summary := render.Truncate(render.SingleLine(text), 200, "")
		return messageCard{Type: "MessageCard", Context: messageCardContext, ThemeColor: color, Summary: summary,
			Sections: []cardSection{{Text: text, Markdown: true}}}
	}
	return adaptiveMessage{Type: "message", Attachments: []adaptiveAttachment{{
		ContentType: cardContentType,
		Content: adaptiveCard{Schema: cardSchema, Type: "AdaptiveCard", Version: cardVersion,
			MSTeams: &msTeams{Width: "Full"},
			Body:    []cardElement{{Type: "TextBlock", Text: text, Wrap: true}}},
	}}}
}

// themeColor is a MessageCard's colour for data: the finding's severity
// colour, or the most severe colour of a digest's findings.
func themeColor(data render.Data) string {
	label := ""
	switch {
	case data.Finding != nil:
		label = data.Finding.Severity.Label
	case data.Digest != nil && len(data.Digest.Top) > 0:
		label = data.Digest.Top[0].Severity.Label
	}
	return strings.TrimPrefix(render.SeverityColor(label), "#")
}

// marshal encodes v as JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode card: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
