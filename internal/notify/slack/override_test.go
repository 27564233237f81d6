package slack

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Override templates of the golden files and tests.
const (
	textTemplate = `{{ .View.Severity.Emoji }} *{{ slackEscape .View.Title }}*
{{ slackEscape .View.Details }}
{{ with .View.ConsoleURL }}<{{ . }}|{{ t "open_in_security_hub" }}>{{ end }}`
	overrideObjectJSON = `{
  "text": {{ printf "%s %s" .View.Severity.Emoji .View.Title | slackEscape | truncate 300 | jsonString }},
  "blocks": [
    {"type": "header", "text": {"type": "plain_text", "text": {{ .View.Heading | truncate 150 | jsonString }}}},
    {"type": "section", "text": {"type": "mrkdwn", "verbatim": true,
      "text": {{ printf "*%s* %s\n%s"  (slackEscape .View.Severity.Text) (slackEscape .View.Title) (slackEscape .View.Description) | truncate 3000 | jsonString }}}},
    {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": true, "text": {{ printf "%s · %s" .Route (.Kind | upper) | truncate 300 | slackEscape | jsonString }}}]}
  ]
}`
	overrideArrayJSON = `[{"type": "section", "text": {"type": "mrkdwn", "verbatim": true, "text": {{ printf "%s %s" .View.Severity.Emoji (slackEscape .View.Title) | truncate 2900 | jsonString }}}}]`
	overrideDigest    = `{{ with .Digest }}📋 *{{ slackEscape .Title }}* ({{ .Summary }})
{{ range .Top }}• {{ .Severity.Emoji }} {{ slackEscape .Title }}
{{ end }}{{ .MoreText }}{{ else }}{{ slackEscape .View.Title }}{{ end }}`
)

// compileOverride compiles o as New does for cfg.
func compileOverride(t testing.TB, o render.Override, cfg *Config, opts render.Options) *render.Renderer {
	t.Helper()
	r, err := o.Compile("slack-sec", messageOptions(cfg, opts))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBuildOverrideGolden(t *testing.T) {
	seedLike := render.Override{Format: render.FormatJSON,
		InputPaths:    map[string]string{"title": "$.detail.findings[0].Title", "sev": "$.detail.findings[0].Severity.Label"},
		InputTemplate: `{"text": "<sev>: <title>"}`}
	tests := []struct {
		name     string
		override render.Override
		message  func(t testing.TB) *notify.Message
	}{
		{"override-text", render.Override{Template: textTemplate}, single(notify.KindNew, fixtureEC27Event, "system-a-alerts", nil)},
		{"override-json-object", render.Override{Template: overrideObjectJSON, Format: render.FormatJSON}, single(notify.KindNew, fixtureGuardDuty, "account-a-guardduty", nil)},
		{"override-json-blocks", render.Override{Template: overrideArrayJSON, Format: render.FormatJSON}, single(notify.KindResolved, fixtureGuardDuty, "account-a-guardduty", thread)},
		{"override-input-transformer", seedLike, single(notify.KindNew, fixtureRDS1Critical, "custom-actions", nil)},
		{"override-digest", render.Override{Template: overrideDigest}, digestOf(9, nil, fixtureEC27Event, fixtureGuardDuty, fixtureRDS1Critical)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, opts := botConfig(), goldenOptions(render.English)
			p, err := Build(tt.message(t), cfg, opts, compileOverride(t, tt.override, cfg, opts))
			if err != nil {
				t.Fatal(err)
			}
			if p.Channel != "sec-alerts" && p.Channel != thread.Channel {
				t.Errorf("channel %q: the override must not move the message", p.Channel)
			}
			notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".en.json"), p)
		})
	}
}

// TestBuildOverrideDigestFallback: a template that never reads .Digest
// leaves digests to the built-in digest, and so does an input transformer.
func TestBuildOverrideDigestFallback(t *testing.T) {
	cfg, opts := botConfig(), goldenOptions(render.Japanese)
	m := digestOf(9, nil, fixtureEC27Event, fixtureGuardDuty)(t)
	for _, o := range []render.Override{
		{Template: textTemplate},
		{InputPaths: map[string]string{"t": "$.detail.findings[0].Title"}, InputTemplate: `{"text": <t>}`, Format: render.FormatJSON},
	} {
		p, err := Build(m, cfg, opts, compileOverride(t, o, cfg, opts))
		if err != nil {
			t.Fatal(err)
		}
		if want := BuildPayload(m, cfg, opts); !reflect.DeepEqual(p, want) {
			t.Errorf("override %+v changed the built-in digest", o)
		}
	}
}

func TestBuildOverrideJSONShapes(t *testing.T) {
	cfg, opts := botConfig(), goldenOptions(render.English)
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(t)
	builtin := BuildPayload(m, cfg, opts)
	section := `{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}`
	tests := []struct {
		name, template, wantErr string
		check                   func(t *testing.T, p *Payload)
	}{
		{"text only", `{"text": "only text"}`, "", func(t *testing.T, p *Payload) {
			if p.Text != "only text" || len(p.Blocks) != 0 {
				t.Errorf("got text %q and %d blocks", p.Text, len(p.Blocks))
			}
			js, _ := p.Marshal()
			if strings.Contains(string(js), `"blocks"`) {
				t.Errorf("a text-only message sends blocks: %s", js)
			}
		}},
		{"blocks only keep the built-in text", `{"blocks": [` + section + `]}`, "", func(t *testing.T, p *Payload) {
			if p.Text != builtin.Text || len(p.Blocks) != 1 {
				t.Errorf("got text %q and %d blocks", p.Text, len(p.Blocks))
			}
		}},
		{"unknown block types pass as written", `[{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "x"}]}]}]`, "", func(t *testing.T, p *Payload) {
			js, _ := p.Marshal()
			if !strings.Contains(string(js), `"blocks":[{"type":"rich_text","elements":[{"type":"rich_text_section"`) {
				t.Errorf("block not sent as written: %s", js)
			}
		}},
		{"channel is ours", `{"channel": "C999", "text": "x"}`, `message: output: must be a blocks array or an object with "text" and/or "blocks"`, nil},
		{"neither", `{}`, `neither "text" nor "blocks"`, nil},
		{"string", `"x"`, "not a string", nil},
		{"too many blocks", `[{{ range $i, $_ := until 51 }}{{ if $i }},{{ end }}` + section + `{{ end }}]`, "blocks: 51 blocks, Slack allows 50", nil},
		{"long header", `[{"type": "header", "text": {"type": "plain_text", "text": "{{ repeat 151 "a" }}"}}]`, "blocks[0].text.text: 151 characters, Slack allows 150", nil},
		{"long section", `[` + section + `, {"type": "section", "text": {"type": "mrkdwn", "text": "{{ repeat 3001 "a" }}"}}]`, "blocks[1].text.text: 3001 characters, Slack allows 3000", nil},
		{"too many fields", `[{"type": "section", "fields": [{{ range $i, $_ := until 11 }}{{ if $i }},{{ end }}{"type": "mrkdwn", "text": "f"}{{ end }}]}]`, "blocks[0].fields: 11 fields, Slack allows 10", nil},
		{"block without type", `[{"text": {"type": "mrkdwn", "text": "x"}}]`, "blocks[0].type: is missing", nil},
		{"empty blocks", `{"blocks": []}`, "blocks: is empty", nil},
		{"empty context", `[{"type": "context", "elements": []}]`, "blocks[0].elements: 0 elements", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compileOverride(t, render.Override{Template: tt.template, Format: render.FormatJSON}, cfg, opts)
			p, err := Build(m, cfg, opts, r)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Build() = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestBuildOverrideTextIsCut(t *testing.T) {
	cfg, opts := botConfig(), goldenOptions(render.English)
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(t)
	r := compileOverride(t, render.Override{Template: `{{ repeat 5000 "🔥" }}`}, cfg, opts)
	p, err := Build(m, cfg, opts, r)
	if err != nil {
		t.Fatal(err)
	}
	checkPayload(t, p)
}

func TestBuildOverrideRenderError(t *testing.T) {
	cfg, opts := botConfig(), goldenOptions(render.English)
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(t)
	r := compileOverride(t, render.Override{Template: `{"text": "{{ .View.Title }}"}`, Format: render.FormatJSON}, cfg, opts)
	m.Finding.Title = `say "hi"`
	if _, err := Build(m, cfg, opts, r); err == nil || !strings.Contains(err.Error(), "slack: render: slack-sec: message.template: output is not valid JSON") {
		t.Fatalf("Build() = %v, want the render error", err)
	}
}

// TestOverrideConfigErrors: an invalid override is a configuration error
// naming message.….
func TestOverrideConfigErrors(t *testing.T) {
	r := notify.NewRegistry()
	r.Register("slack", notify.Typed(New))
	tests := []struct{ name, settings, want string }{
		{"template syntax", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"template": "{{ .View.Title "}}`, "slack: message.template: line 1"},
		{"format", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"template": "x", "format": "xml"}}`, "slack: message.format:"},
		{"both", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"template": "x", "input_template": "y"}}`, "slack: message: template and input_paths/input_template are both set"},
		{"paths without template", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"input_paths": {"a": "$.id"}}}`, "slack: message.input_template: is required"},
		{"unknown key", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"templat": "x"}}`, `unknown field "templat"`},
		{"valid", `{"token": "xoxb-1-2", "channel": "#sec", "message": {"template": "{{ .View.Title }}"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Check("slack", notifytest.Settings(tt.settings))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check: %v; want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestOverrideHostileText: hostile finding text through overrides that
// escape it keeps the payload valid, within Slack's limits and inert; an
// override that does not escape it still yields valid JSON within limits.
func TestOverrideHostileText(t *testing.T) {
	long := strings.Repeat("<!channel> \"quote\" \\ ", 5000)
	texts := append(append([]string{}, hostileTexts...), long)
	for _, o := range []render.Override{
		{Template: textTemplate},
		{Template: overrideObjectJSON, Format: render.FormatJSON},
		{Template: overrideArrayJSON, Format: render.FormatJSON},
		{Template: overrideDigest},
	} {
		for _, cfg := range hostileConfigs {
			opts := render.Options{Language: render.Japanese, Region: "us-east-1"}
			r := compileOverride(t, o, cfg, opts)
			for _, s := range texts {
				all := hostileMessages(s)
				msgs := []*notify.Message{all[0], all[3], all[len(all)-1]}
				if s == long {
					msgs = msgs[:2] // a digest of 5 MB titles only tests the view's cuts
				}
				for _, m := range msgs {
					p, err := Build(m, cfg, opts, r)
					if err != nil {
						t.Fatalf("%q: %v", shorten(s), err)
					}
					for _, problem := range payloadProblems(p) {
						if o.Template == textTemplate && strings.Contains(problem, "text has") {
							continue // the notification text is the override's, cut to 500
						}
						t.Fatalf("override %.20q, text %q: %s", o.Template, shorten(s), problem)
					}
				}
			}
		}
	}
	t.Run("unescaped", func(t *testing.T) {
		cfg, opts := botConfig(), render.Options{Language: render.English}
		r := compileOverride(t, render.Override{Template: `{{ .Finding.Title }} {{ .Finding.Description }}`}, cfg, opts)
		for _, s := range texts {
			p, err := Build(hostileMessages(s)[0], cfg, opts, r)
			if err != nil {
				t.Fatal(err)
			}
			js, err := p.Marshal()
			if err != nil || !json.Valid(js) {
				t.Fatalf("invalid payload: %v", err)
			}
			if n := units(p.Text); n > fallbackTextBudget {
				t.Errorf("text of %d units", n)
			}
			if len(p.Blocks) != 1 {
				t.Errorf("%d blocks", len(p.Blocks))
			}
		}
	})
}

// TestNotifyWithOverride: the Notifier posts the override's message, and
// an override that fails for a finding is a permanent error that sends
// nothing.
func TestNotifyWithOverride(t *testing.T) {
	srv := notifytest.NewServerFunc(t, slackAPI())
	env, _ := notifytest.NewEnv(t)
	n := botNotifier(t, srv.URL, env, `, "message": {"format": "json", "template": "{\"text\": {{ .View.Title | slackEscape | jsonString }}, \"fail\": {{ if eq .Kind \"reminder\" }}{{ .Nope }}{{ else }}0{{ end }}}"}`)
	m := single(notify.KindNew, fixtureGuardDuty, "account-a-guardduty", nil)(t)
	_, err := notifyOnce(t, n, m)
	if err == nil || !strings.Contains(err.Error(), `unknown field "fail"`) {
		t.Fatalf("Notify = %v, want the unknown key refused", err)
	}
	if retry, _ := notify.ShouldRetry(err); retry {
		t.Error("an override error must be permanent")
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests sent for a message that failed to render", len(srv.Requests()))
	}

	n = botNotifier(t, srv.URL, env, `, "message": {"template": "*{{ slackEscape .View.Title }}*"}`)
	if _, err := notifyOnce(t, n, m); err != nil {
		t.Fatal(err)
	}
	var body Payload
	var raw struct {
		Blocks []map[string]any `json:"blocks"`
	}
	post := srv.Requests()[0].Body
	if err := json.Unmarshal(post, &raw); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(post, &struct{ Text *string }{&body.Text})
	if want := "*" + m.Finding.Title + "*"; body.Text != want || len(raw.Blocks) != 1 {
		t.Errorf("posted text %q and %d blocks, want %q in one section", body.Text, len(raw.Blocks), want)
	}
}
