package webhook

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Overrides of each format, as a configuration would hold them.
const (
	// overrideJSON renders single findings and digests (it reads .Digest).
	overrideJSON = `{{- with .Digest -}}
{"title": {{ jsonString .Title }}, "summary": {{ jsonString .Summary }},
 "top": [{{ range $i, $v := .Top }}{{ if $i }}, {{ end }}{{ jsonString $v.Title }}{{ end }}],
 "more": {{ .More }}, "link": {{ jsonString .ConsoleURL }}}
{{- else -}}
{"title": {{ jsonString .View.Title }}, "severity": {{ jsonString .View.Severity.Label }},
 "account": {{ jsonString .View.AccountID }}, "kind": {{ jsonString $.Kind }},
 "route": {{ jsonString $.Route }}, "link": {{ jsonString .View.ConsoleURL }}}
{{- end -}}`
	// overrideText never reads .Digest: digests keep the built-in body.
	overrideText = `{{ .View.Severity.Emoji }} {{ .View.Heading }}
{{ .View.Title }}
{{ .View.Details }}
{{ .View.ConsoleURL }}
`
	overrideHTML = `<h1>{{ .View.Heading }}</h1>
<p><strong>{{ .View.Title }}</strong> ({{ .View.Severity.Text }})</p>
<p>{{ .View.Description }}</p>
<p><a href="{{ .View.ConsoleURL }}">Security Hub</a> <a href="{{ .View.RemediationURL }}">{{ .View.RemediationText }}</a></p>
`
	overrideTransformer = `{"title": "<title>", "account": "<account>", "rule": "<aws.events.rule-name>"}`
)

func overrideConfigs() map[string]*Config {
	hook := "https://example.com/hook"
	return map[string]*Config{
		"json": {URL: hook, Message: render.Override{Template: overrideJSON, Format: render.FormatJSON}},
		"text": {URL: hook, Message: render.Override{Template: overrideText}},
		"html": {URL: hook, Message: render.Override{Template: overrideHTML, Format: render.FormatHTML}},
		"transformer": {URL: hook, Message: render.Override{
			InputPaths:    map[string]string{"title": "$.detail.findings[0].Title", "account": "$.detail.findings[0].AwsAccountId"},
			InputTemplate: overrideTransformer, Format: render.FormatJSON,
		}},
	}
}

// TestOverrideGolden: an override of each format, for a finding and a
// digest, gives the body and Content-Type its format says.
func TestOverrideGolden(t *testing.T) {
	s := samples(t)
	single, digest := s[0], s[9]
	tests := []struct {
		config, sample, file, contentType string
		s                                 sample
	}{
		{"json", "single", "override-json-single.json", ContentTypeJSON, single},
		{"json", "digest", "override-json-digest.json", ContentTypeJSON, digest},
		{"text", "single", "override-text-single.txt", ContentTypeText, single},
		{"html", "single", "override-html-single.html", ContentTypeHTML, single},
		{"transformer", "single", "override-transformer-single.json", ContentTypeJSON, single},
		{"transformer", "digest", "override-transformer-digest.json", ContentTypeJSON, digest},
	}
	for _, tt := range tests {
		t.Run(tt.config+"/"+tt.sample, func(t *testing.T) {
			b := render1(t, overrideConfigs()[tt.config], render.English, tt.s)
			if b.ContentType != tt.contentType {
				t.Errorf("Content-Type %q, want %q", b.ContentType, tt.contentType)
			}
			notifytest.Golden(t, "testdata/golden/"+tt.file, indented(t, b))
		})
	}
}

// TestOverrideTopLevelKeys: the top-level template, input_paths and
// input_template are message.* with format text.
func TestOverrideTopLevelKeys(t *testing.T) {
	s := samples(t)[0]
	top := &Config{URL: "https://example.com/hook", Template: overrideJSON}
	msg := &Config{URL: "https://example.com/hook", Message: render.Override{Template: overrideJSON}}
	if a, b := render1(t, top, render.Japanese, s), render1(t, msg, render.Japanese, s); !bytes.Equal(a.Data, b.Data) || a.ContentType != b.ContentType {
		t.Errorf("top-level template:\n%s\nmessage.template:\n%s", a.Data, b.Data)
	}
}

// TestOverrideDigestFallback: a template that never reads .Digest leaves a
// digest's body the built-in digest event; a transformer transforms it.
func TestOverrideDigestFallback(t *testing.T) {
	digest := samples(t)[9]
	builtin := render1(t, &Config{URL: "https://example.com/hook"}, render.English, digest)
	for _, name := range []string{"text", "html"} {
		b := render1(t, overrideConfigs()[name], render.English, digest)
		if !bytes.Equal(b.Data, builtin.Data) || b.ContentType != ContentTypeJSON {
			t.Errorf("%s: digest body is not the built-in event:\n%.300s", name, b.Data)
		}
	}
	b := render1(t, overrideConfigs()["transformer"], render.English, digest)
	if !strings.Contains(string(b.Data), `"rule":"account-a-digest"`) {
		t.Errorf("transformer did not transform the digest event: %s", b.Data)
	}
}

// TestOverrideInvalid: New refuses a bad override, naming the setting.
func TestOverrideInvalid(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"message template", Config{URL: "https://example.com/h", Message: render.Override{Template: "{{ .View.Title"}}, "webhook: message.template: line 1: unclosed action"},
		{"top-level template", Config{URL: "https://example.com/h", Template: "{{ .View.Title"}, "webhook: template: line 1: unclosed action"},
		{"format", Config{URL: "https://example.com/h", Message: render.Override{Format: "json"}}, "webhook: message: format is set but template and input_template are not"},
		{"bad path", Config{URL: "https://example.com/h", Message: render.Override{InputPaths: map[string]string{"a.b": "$.id"}, InputTemplate: "<a.b>"}}, "webhook: message.input_paths:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New("webhook-test", &tt.cfg, env)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestOverrideRenderError: output an override cannot make is a permanent
// error naming the setting, sent nowhere.
func TestOverrideRenderError(t *testing.T) {
	r, err := NewRenderer("webhook-test", &Config{URL: "https://example.com/h", Message: render.Override{Template: `{"a": {{ .View.Title }}}`, Format: "json"}}, goldenOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Render(samples(t)[0].m)
	if err == nil || !strings.Contains(err.Error(), "message.template: output is not valid JSON") {
		t.Errorf("error %v", err)
	}
}

// TestOverrideHostile: hostile finding text (and a 100 KB description)
// through every override keeps the body valid: JSON stays JSON, HTML gains
// no markup and no javascript: link, text is UTF-8.
func TestOverrideHostile(t *testing.T) {
	base := samples(t)[0].m
	long := strings.Repeat("<b>x</b> ", 100<<10/9)
	for _, text := range hostileTexts {
		f := hostile(base.Finding, text, text+"\n"+long, text, text, "javascript:alert(1)")
		for _, m := range []*notify.Message{
			{Kind: notify.KindNew, Route: "r", Destination: "d", Key: "k", Finding: f},
			hostileMessage(f, nil, "r", 16),
		} {
			for name, cfg := range overrideConfigs() {
				r, err := NewRenderer("webhook-test", cfg, goldenOptions(render.Japanese))
				if err != nil {
					t.Fatal(err)
				}
				b, err := r.Render(m)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkHostileBody(t, name, b)
			}
		}
	}
}

func checkHostileBody(t *testing.T, name string, b Body) {
	t.Helper()
	if !utf8.Valid(b.Data) {
		t.Errorf("%s: body is not UTF-8", name)
	}
	switch b.ContentType {
	case ContentTypeJSON:
		if !json.Valid(b.Data) {
			t.Errorf("%s: body is not JSON: %.300s", name, b.Data)
		}
	case ContentTypeHTML:
		body := string(b.Data)
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") || strings.Contains(body, `href="javascript`) || strings.Count(body, "<a ") != 2 {
			t.Errorf("%s: finding text added markup: %.500s", name, body)
		}
	}
}

// FuzzOverride renders hostile finding text through the json, text, html
// and transformer overrides, as mode picks: the body must stay UTF-8, JSON
// when labelled JSON, and HTML without added markup.
//
//	go test -fuzz=FuzzOverride -fuzztime=60s ./internal/notify/webhook
func FuzzOverride(f *testing.F) {
	bases := []*finding.Finding{load(f, fixtureGuardDuty).Finding, load(f, fixtureOCSFConfig1).Finding, load(f, fixtureCIS113).Finding}
	for i, s := range hostileTexts {
		f.Add(s, strings.Repeat(s, 8), s, s, "https://evil.example/|"+s, s, uint8(i*37), uint8(i))
	}
	names := []string{"json", "text", "html", "transformer"}
	configs := overrideConfigs()
	renderers := map[string]*Renderer{}
	for _, name := range names {
		for _, lang := range languages {
			r, err := NewRenderer("webhook-test", configs[name], goldenOptions(lang))
			if err != nil {
				f.Fatal(err)
			}
			renderers[name+string(lang)] = r
		}
	}
	f.Fuzz(func(t *testing.T, title, description, resource, account, remediationURL, route string, flags, mode uint8) {
		fd := hostile(bases[int(flags>>5)%len(bases)], title, description, resource, account, remediationURL)
		m := hostileMessage(fd, bases[1:], route, flags)
		name := names[int(mode)%len(names)]
		b, err := renderers[name+string(languages[int(mode/4)%2])].Render(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkHostileBody(t, name, b)
	})
}
