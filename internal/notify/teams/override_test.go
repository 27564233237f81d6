package teams_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Override templates of the golden files and tests.
const (
	cardTemplate = `{
  "type": "AdaptiveCard", "version": "1.4",
  "body": [
    {"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": true,
     "text": {{ printf "%s %s" .View.Severity.Emoji .View.Title | markdownEscape | truncate 300 | jsonString }}},
    {"type": "FactSet", "facts": [
      {"title": {{ t "account" | jsonString }}, "value": {{ .View.AccountID | markdownEscape | truncate 100 | jsonString }}},
      {"title": {{ t "region" | jsonString }}, "value": {{ .View.Region | markdownEscape | truncate 100 | jsonString }}}]},
    {"type": "TextBlock", "wrap": true, "text": {{ .View.Description | markdownEscape | truncate 3000 | jsonString }}}
  ]{{ with .View.ConsoleURL }}{{ if lt (len .) 2000 }},
  "actions": [{"type": "Action.OpenUrl", "title": {{ t "open_in_security_hub" | jsonString }}, "url": {{ jsonString . }}}]{{ end }}{{ end }}
}`
	textTemplate = `**{{ markdownEscape .View.Title }}**

{{ markdownEscape .View.Details }}`
	digestTemplate = `{{ with .Digest }}**{{ markdownEscape .Title }}** ({{ .Summary }})
{{ range .Top }}
- {{ .Severity.Emoji }} {{ markdownEscape .Title }}{{ end }}

{{ .MoreText }}{{ else }}{{ markdownEscape .View.Title }}{{ end }}`
)

func compile(t testing.TB, o render.Override) *render.Renderer {
	t.Helper()
	r, err := o.Compile("teams-sec", render.Options{Language: render.English})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBuildOverrideGolden(t *testing.T) {
	tests := []struct {
		name     string
		format   teams.Format
		override render.Override
		message  func(t testing.TB) *notify.Message
	}{
		{"override-json-card", teams.FormatAdaptive, render.Override{Template: cardTemplate, Format: render.FormatJSON},
			func(t testing.TB) *notify.Message { return message(t, fixtureGuardDuty, notify.KindNew) }},
		{"override-text", teams.FormatAdaptive, render.Override{Template: textTemplate},
			func(t testing.TB) *notify.Message { return message(t, fixtureEC27Event, notify.KindNew) }},
		{"override-text-connector", teams.FormatConnector, render.Override{Template: textTemplate},
			func(t testing.TB) *notify.Message { return message(t, fixtureEC27Event, notify.KindResolved) }},
		{"override-digest", teams.FormatAdaptive, render.Override{Template: digestTemplate}, digestMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := teams.Build(tt.message(t), tt.format, render.Options{Language: render.English}, compile(t, tt.override))
			if err != nil {
				t.Fatal(err)
			}
			checkOverrideBody(t, body, tt.format)
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			notifytest.Golden(t, "testdata/golden/"+tt.name+".en.json", pretty.Bytes())
		})
	}
}

// TestBuildOverrideDigestFallback: a template that never reads .Digest
// leaves digests to the built-in card.
func TestBuildOverrideDigestFallback(t *testing.T) {
	opts := render.Options{Language: render.Japanese}
	m := digestMessage(t)
	want, err := teams.BuildPayload(m, teams.FormatAdaptive, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.Override{Template: textTemplate}.Compile("teams-sec", opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := teams.Build(m, teams.FormatAdaptive, opts, r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("a template without .Digest changed the built-in digest card")
	}
}

func TestBuildOverrideCardChecks(t *testing.T) {
	m := message(t, fixtureGuardDuty, notify.KindNew)
	tests := []struct{ name, template, want string }{
		{"not a card", `{"type": "message", "attachments": []}`, `message: output: type: must be "AdaptiveCard"`},
		{"no version", `{"type": "AdaptiveCard", "body": []}`, "message: output: version: must be an Adaptive Card version"},
		{"bad version", `{"type": "AdaptiveCard", "version": "2", "body": []}`, "version: must be"},
		{"body not an array", `{"type": "AdaptiveCard", "version": "1.4", "body": {}}`, "body: must be an array"},
		{"array", `[{"type": "TextBlock", "text": "x"}]`, "must be an Adaptive Card object"},
		{"too large", `{"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "{{ repeat 30000 "a" }}"}]}`, "Teams takes messages up to 28672 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := teams.Build(m, teams.FormatAdaptive, render.Options{}, compile(t, render.Override{Template: tt.template, Format: render.FormatJSON}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestBuildOverrideLongTextIsCut(t *testing.T) {
	m := message(t, fixtureGuardDuty, notify.KindNew)
	for _, format := range formats {
		body, err := teams.Build(m, format, render.Options{Language: render.Japanese}, compile(t, render.Override{Template: `{{ repeat 40000 "長" }}`}))
		if err != nil {
			t.Fatal(err)
		}
		if len(body) > teams.PayloadBudget || !json.Valid(body) {
			t.Errorf("%s: body of %d bytes", format, len(body))
		}
		if !strings.Contains(string(body), "(truncated)") && !strings.Contains(string(body), "省略") {
			t.Errorf("%s: the cut is not marked", format)
		}
	}
}

func TestOverrideConfigErrors(t *testing.T) {
	r := notify.NewRegistry()
	r.Register("teams", notify.Typed(teams.New))
	const url = `"workflow_url": "https://example.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=abc"`
	tests := []struct{ name, settings, want string }{
		{"template syntax", `{` + url + `, "message": {"template": "{{ .View.Title "}}`, "teams: message.template: line 1"},
		{"html", `{` + url + `, "message": {"input_template": "x", "format": "html"}}`, "teams: message.format: html is for template only"},
		{"json with connector", `{"webhook_url": "https://example.webhook.office.com/webhookb2/x", "format": "connector", "message": {"template": "{}", "format": "json"}}`, "teams: message.format: json is an Adaptive Card"},
		{"valid", `{` + url + `, "message": {"template": "{{ .View.Title }}"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Check("teams", notifytest.Settings(tt.settings))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check: %v; want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestOverrideHostileText: hostile finding text through overrides keeps
// the body valid and within Teams' limit.
func TestOverrideHostileText(t *testing.T) {
	long := strings.Repeat(`"}]\ <at>x</at> [a](https://evil.example) `, 3000)
	texts := []string{long}
	for _, h := range hostileTexts {
		texts = append(texts, h.text)
	}
	for _, o := range []render.Override{
		{Template: cardTemplate, Format: render.FormatJSON},
		{Template: textTemplate},
		{Template: digestTemplate},
		{Template: `{{ .Finding.Title }} {{ .Finding.Description }}`},
	} {
		r := compile(t, o)
		for _, format := range formats {
			if format == teams.FormatConnector && o.Format == render.FormatJSON {
				continue
			}
			for _, s := range texts {
				f := hostileFinding(s)
				for _, m := range everyShape(f, s, f, hostileFinding(s+"2")) {
					body, err := teams.Build(m, format, render.Options{Language: render.English}, r)
					if err != nil {
						t.Fatalf("%.40q: %v", s, err)
					}
					checkOverrideBody(t, body, format)
				}
			}
		}
	}
}

// checkOverrideBody checks what Teams requires of a body whose card text
// the user wrote: valid UTF-8 JSON within the budget, the message envelope
// with one Adaptive Card of a version, or a MessageCard with a summary.
func checkOverrideBody(t testing.TB, body []byte, format teams.Format) {
	t.Helper()
	if !json.Valid(body) || len(body) > teams.PayloadBudget {
		t.Fatalf("invalid body of %d bytes", len(body))
	}
	if format == teams.FormatConnector {
		var card struct {
			Type    string `json:"@type"`
			Summary string `json:"summary"`
		}
		if err := json.Unmarshal(body, &card); err != nil || card.Type != "MessageCard" || card.Summary == "" {
			t.Fatalf("not a MessageCard with a summary: %v\n%.300s", err, body)
		}
		return
	}
	var msg struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  *string         `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil || msg.Type != "message" || len(msg.Attachments) != 1 {
		t.Fatalf("not a message with one attachment: %v\n%.300s", err, body)
	}
	a := msg.Attachments[0]
	var card struct{ Type, Version string }
	if err := json.Unmarshal(a.Content, &card); err != nil || a.ContentType != "application/vnd.microsoft.card.adaptive" ||
		a.ContentURL != nil || card.Type != "AdaptiveCard" || card.Version == "" {
		t.Fatalf("not an Adaptive Card attachment: %v\n%.300s", err, body)
	}
}
