package teams_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify/teams"
)

// checkBody fails the test when body is not a payload Teams takes (see
// validateBody).
func checkBody(t testing.TB, body []byte, format teams.Format) {
	t.Helper()
	if err := validateBody(body, format); err != nil {
		t.Fatalf("invalid payload: %v\n%s", err, body)
	}
}

// validateBody checks body the way Teams reads it: valid UTF-8 JSON within
// the size budget, the documented envelope and required fields of the
// format, only element types and actions Teams renders, and every text
// that Teams reads as Markdown escaped so that finding text can add no
// link (other than the console links of digest entries), emphasis, code,
// list or HTML.
func validateBody(body []byte, format teams.Format) error {
	if !utf8.Valid(body) {
		return errors.New("body is not valid UTF-8")
	}
	if !json.Valid(body) {
		return errors.New("body is not valid JSON")
	}
	if len(body) > teams.PayloadBudget {
		return fmt.Errorf("body is %d bytes, over the budget of %d", len(body), teams.PayloadBudget)
	}
	var texts []string
	var err error
	if format == teams.FormatConnector {
		texts, err = validateMessageCard(body)
	} else {
		texts, err = validateAdaptiveMessage(body)
	}
	if err != nil {
		return err
	}
	for _, text := range texts {
		if err := checkEscaped(text, format == teams.FormatConnector); err != nil {
			return fmt.Errorf("text %q: %w", text, err)
		}
	}
	return nil
}

// adaptiveEnvelope is the documented Adaptive Card message, decoded with
// the fields' presence kept.
type adaptiveEnvelope struct {
	Type        string `json:"type"`
	Attachments []struct {
		ContentType string `json:"contentType"`
		Content     struct {
			Schema       string            `json:"$schema"`
			Type         string            `json:"type"`
			Version      string            `json:"version"`
			FallbackText string            `json:"fallbackText"`
			Body         []json.RawMessage `json:"body"`
			Actions      []struct {
				Type  string `json:"type"`
				Title string `json:"title"`
				URL   string `json:"url"`
			} `json:"actions"`
		} `json:"content"`
	} `json:"attachments"`
}

// validateAdaptiveMessage checks the envelope of "Send Adaptive Cards
// using an Incoming Webhook" and returns the card's Markdown texts.
func validateAdaptiveMessage(body []byte) ([]string, error) {
	var env adaptiveEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	// contentUrl must be present and null; decode it apart, since a null
	// and an absent field decode alike.
	var raw struct {
		Attachments []map[string]json.RawMessage `json:"attachments"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	switch {
	case env.Type != "message":
		return nil, fmt.Errorf("type is %q, want message", env.Type)
	case len(env.Attachments) != 1:
		return nil, fmt.Errorf("%d attachments, want 1", len(env.Attachments))
	}
	a := env.Attachments[0]
	card := a.Content
	switch {
	case a.ContentType != "application/vnd.microsoft.card.adaptive":
		return nil, fmt.Errorf("attachments[0].contentType is %q", a.ContentType)
	case string(raw.Attachments[0]["contentUrl"]) != "null":
		return nil, errors.New("attachments[0].contentUrl is not null")
	case card.Type != "AdaptiveCard":
		return nil, fmt.Errorf("content.type is %q, want AdaptiveCard", card.Type)
	case card.Schema != "http://adaptivecards.io/schemas/adaptive-card.json":
		return nil, fmt.Errorf("content.$schema is %q", card.Schema)
	case card.Version != "1.4":
		return nil, fmt.Errorf("content.version is %q, want 1.4 (the highest Workflows render)", card.Version)
	case len(card.Body) == 0:
		return nil, errors.New("content.body is empty")
	}
	texts := []string{card.FallbackText}
	for i, raw := range card.Body {
		found, err := elementTexts(raw, fmt.Sprintf("body[%d]", i), 0)
		if err != nil {
			return nil, err
		}
		texts = append(texts, found...)
	}
	for i, act := range card.Actions {
		if act.Type != "Action.OpenUrl" {
			return nil, fmt.Errorf("actions[%d].type is %q; webhooks support Action.OpenUrl", i, act.Type)
		}
		if act.Title == "" {
			return nil, fmt.Errorf("actions[%d] has no title", i)
		}
		if err := checkLink(act.URL); err != nil {
			return nil, fmt.Errorf("actions[%d].url: %w", i, err)
		}
	}
	return texts, nil
}

// cardElement is any card body element.
type cardElement struct {
	Type    string            `json:"type"`
	Text    *string           `json:"text"`
	Facts   []json.RawMessage `json:"facts"`
	Items   []json.RawMessage `json:"items"`
	Columns []json.RawMessage `json:"columns"`
}

// elementTexts checks one body element and returns its Markdown texts.
func elementTexts(raw json.RawMessage, path string, depth int) ([]string, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%s: nested too deep", path)
	}
	var e cardElement
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var texts []string
	nested := func(children []json.RawMessage, field string) error {
		if len(children) == 0 {
			return fmt.Errorf("%s: %s %s is empty", path, e.Type, field)
		}
		for i, c := range children {
			found, err := elementTexts(c, fmt.Sprintf("%s.%s[%d]", path, field, i), depth+1)
			if err != nil {
				return err
			}
			texts = append(texts, found...)
		}
		return nil
	}
	switch e.Type {
	case "TextBlock":
		if e.Text == nil || strings.TrimSpace(*e.Text) == "" {
			return nil, fmt.Errorf("%s: TextBlock without text", path)
		}
		texts = append(texts, *e.Text)
	case "FactSet":
		if len(e.Facts) == 0 {
			return nil, fmt.Errorf("%s: FactSet without facts", path)
		}
		for i, raw := range e.Facts {
			var f struct {
				Title *string `json:"title"`
				Value *string `json:"value"`
			}
			if err := json.Unmarshal(raw, &f); err != nil || f.Title == nil || f.Value == nil || *f.Value == "" {
				return nil, fmt.Errorf("%s.facts[%d]: a fact needs a title and a value", path, i)
			}
			texts = append(texts, *f.Title, *f.Value)
		}
	case "Container", "Column":
		if err := nested(e.Items, "items"); err != nil {
			return nil, err
		}
	case "ColumnSet":
		if err := nested(e.Columns, "columns"); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: element type %q is not one this destination sends", path, e.Type)
	}
	return texts, nil
}

// validateMessageCard checks a MessageCard and returns its Markdown texts.
func validateMessageCard(body []byte) ([]string, error) {
	var card struct {
		Type       string `json:"@type"`
		Context    string `json:"@context"`
		ThemeColor string `json:"themeColor"`
		Summary    string `json:"summary"`
		Title      string `json:"title"`
		Sections   []struct {
			ActivityTitle    string `json:"activityTitle"`
			ActivitySubtitle string `json:"activitySubtitle"`
			Title            string `json:"title"`
			Text             string `json:"text"`
			Markdown         *bool  `json:"markdown"`
			Facts            []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"facts"`
		} `json:"sections"`
		PotentialAction []struct {
			Type    string `json:"@type"`
			Name    string `json:"name"`
			Targets []struct {
				OS  string `json:"os"`
				URI string `json:"uri"`
			} `json:"targets"`
		} `json:"potentialAction"`
	}
	if err := json.Unmarshal(body, &card); err != nil {
		return nil, err
	}
	switch {
	case card.Type != "MessageCard":
		return nil, fmt.Errorf("@type is %q, want MessageCard", card.Type)
	case card.Context != "http://schema.org/extensions":
		return nil, fmt.Errorf("@context is %q", card.Context)
	case strings.TrimSpace(card.Summary) == "":
		return nil, errors.New("summary is empty (Teams answers \"Summary or Text is required.\")")
	case !hexColor.MatchString(card.ThemeColor):
		return nil, fmt.Errorf("themeColor %q is not six hex digits", card.ThemeColor)
	case len(card.Sections) == 0:
		return nil, errors.New("no sections")
	}
	texts := []string{card.Summary, card.Title}
	for i, s := range card.Sections {
		if s.Markdown == nil || !*s.Markdown {
			return nil, fmt.Errorf("sections[%d].markdown is not true; its text is escaped for Markdown", i)
		}
		texts = append(texts, s.ActivityTitle, s.ActivitySubtitle, s.Title, s.Text)
		for _, f := range s.Facts {
			if f.Value == "" {
				return nil, fmt.Errorf("sections[%d] has a fact without value", i)
			}
			texts = append(texts, f.Name, f.Value)
		}
	}
	for i, a := range card.PotentialAction {
		if a.Type != "OpenUri" || a.Name == "" || len(a.Targets) != 1 || a.Targets[0].OS != "default" {
			return nil, fmt.Errorf("potentialAction[%d] is not an OpenUri with one default target", i)
		}
		if err := checkLink(a.Targets[0].URI); err != nil {
			return nil, fmt.Errorf("potentialAction[%d]: %w", i, err)
		}
	}
	return texts, nil
}

// checkLink checks a button URL: absolute http(s) with a host.
func checkLink(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

var (
	// listMarker starts a Markdown list item.
	listMarker = regexp.MustCompile(`^(?:[-+*]|[0-9]+[.)])(?:[ \t]|$)`)
	// hexColor is a MessageCard themeColor.
	hexColor = regexp.MustCompile(`^[0-9A-F]{6}$`)
)

// consoleHost matches the hosts the cards link to from text: the Security Hub
// console of each partition.
var consoleHost = regexp.MustCompile(`^(?:[a-z0-9-]+\.)?console\.(?:aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)$`)

// checkEscaped reports Markdown in text that finding text could have
// made: an unescaped emphasis, code or HTML character, a line starting a
// list, or a link other than a console link of ours. In a MessageCard
// (connector), "<" and ">" must not appear at all: they are written as
// character references.
func checkEscaped(text string, connector bool) error {
	if connector && strings.ContainsAny(text, "<>") {
		return errors.New("raw < or > in a MessageCard")
	}
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if listMarker.MatchString(trimmed) {
			return fmt.Errorf("line %q starts a list", line)
		}
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "    ") {
			return fmt.Errorf("line %q starts a heading or code", line)
		}
	}
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		switch r := runes[i]; r {
		case '\\':
			i++ // the escaped character
		case '*', '_', '`', '<', '>', ']', '~':
			return fmt.Errorf("unescaped %q at %d", r, i)
		case '[':
			end, err := consoleLink(runes, i)
			if err != nil {
				return fmt.Errorf("at %d: %w", i, err)
			}
			i = end
		}
	}
	return nil
}

// consoleLink checks the link starting at runes[start] ("[text](url)"):
// its text escaped, its URL a console URL. It returns the index of its
// closing parenthesis.
func consoleLink(runes []rune, start int) (int, error) {
	i := start + 1
	for ; i < len(runes); i++ {
		if runes[i] == '\\' {
			i++
			continue
		}
		if runes[i] == '[' || runes[i] == '*' || runes[i] == '_' || runes[i] == '`' {
			return 0, fmt.Errorf("unescaped %q inside link text", runes[i])
		}
		if runes[i] == ']' {
			break
		}
	}
	if i+1 >= len(runes) || runes[i+1] != '(' {
		return 0, errors.New("unescaped [ that is not one of our links")
	}
	closing := -1
	for j := i + 2; j < len(runes); j++ {
		if runes[j] == ')' {
			closing = j
			break
		}
	}
	if closing < 0 {
		return 0, errors.New("link without closing parenthesis")
	}
	u, err := url.Parse(string(runes[i+2 : closing]))
	if err != nil || u.Scheme != "https" || !consoleHost.MatchString(u.Host) {
		return 0, fmt.Errorf("link to %q, which is not the Security Hub console", string(runes[i+2:closing]))
	}
	return closing, nil
}
