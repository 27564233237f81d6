package teams

import (
	"encoding/json"
	"testing"
)

// FuzzCardOverride feeds arbitrary json override output to the card
// check: it never panics, and a card it accepts is sent in a valid
// envelope within PayloadBudget.
func FuzzCardOverride(f *testing.F) {
	for _, seed := range []string{
		`{"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "x"}]}`,
		`{"type": "AdaptiveCard", "version": "1.5"}`, `{"type": "message"}`, `[]`, `"x"`, `{"type": "AdaptiveCard", "version": "1.4", "body": {}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return // Render refuses invalid JSON first
		}
		body, err := cardOverride(data)
		if err != nil {
			return
		}
		var msg struct {
			Type        string `json:"type"`
			Attachments []struct {
				Content struct{ Type, Version string } `json:"content"`
			} `json:"attachments"`
		}
		if len(body) > PayloadBudget || json.Unmarshal(body, &msg) != nil || msg.Type != "message" ||
			len(msg.Attachments) != 1 || msg.Attachments[0].Content.Type != "AdaptiveCard" {
			t.Fatalf("accepted card gives a bad body: %.200s", body)
		}
	})
}
