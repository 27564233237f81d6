package slack

import (
	"encoding/json"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzOverrideJSON feeds arbitrary json override output to the Slack
// merge: it never panics, and what it accepts is a valid payload within
// Slack's block count, whose channel stays the configured one.
func FuzzOverrideJSON(f *testing.F) {
	for _, seed := range []string{
		`{"text": "hi"}`, `[{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]`,
		`{"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h"}}], "text": "t"}`,
		`{"channel": "C1"}`, `[]`, `{}`, `"x"`, `[{"type": "context", "elements": [1]}]`,
		`{"text": null, "blocks": null}`, `[{"type": "section", "fields": [{"text": "a"}]}]`,
	} {
		f.Add([]byte(seed))
	}
	cfg, opts := botConfig(), render.Options{Language: render.English}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return // Render refuses invalid JSON before the merge
		}
		m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: hostileFinding("x")}
		p := BuildPayload(m, cfg, opts)
		if err := applyJSONOverride(p, data); err != nil {
			return
		}
		js, err := p.Marshal()
		if err != nil || !json.Valid(js) {
			t.Fatalf("accepted output gives an invalid payload: %v", err)
		}
		if len(p.Blocks) > maxBlocks || p.Channel != "sec-alerts" || p.Text == "" && len(p.Blocks) == 0 {
			t.Fatalf("payload: %d blocks, channel %q, text %q", len(p.Blocks), p.Channel, p.Text)
		}
	})
}
