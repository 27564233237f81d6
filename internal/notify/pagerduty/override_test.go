package pagerduty

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Override templates of the golden files and tests.
const (
	summaryTemplate = `{{ .View.Severity.Emoji }} {{ .View.Title }} — {{ .View.AccountID }}/{{ .View.Region }} ({{ .Route }})`
	detailsTemplate = `{"runbook": "https://wiki.example.com/security/{{ .View.ControlID | default "general" | urlquery }}",
 "team": "platform-security",
 "title": {{ .View.Title | jsonString }}}`
	payloadTemplate = `{"summary": {{ printf "%s on %s" .View.Title .View.AccountID | jsonString }},
 "source": {{ printf "aws://%s/%s" .View.AccountID .View.Region | jsonString }},
 "severity": {{ if eq .View.Severity.Label "CRITICAL" "HIGH" }}"critical"{{ else }}"warning"{{ end }},
 "class": "security-hub",
 "custom_details": {"finding": {{ .Finding.ID | jsonString }}, "description": {{ .View.Description | truncate 2000 | jsonString }}}}`
	digestTemplate = `{{ with .Digest }}{{ .Title }}: {{ .Summary }}{{ else }}{{ .View.Title }}{{ end }}`
)

func overrideConfig(o render.Override) *Config {
	cfg := testConfig("")
	cfg.Message = o
	return cfg
}

func TestOverrideGolden(t *testing.T) {
	tests := []struct {
		name, sample string
		override     render.Override
	}{
		{"text", "new-guardduty", render.Override{Template: summaryTemplate}},
		{"json-details", "new-rds1", render.Override{Template: detailsTemplate, Format: render.FormatJSON}},
		{"json-payload", "new-rds1", render.Override{Template: payloadTemplate, Format: render.FormatJSON}},
		{"json-transformer", "new-guardduty", render.Override{Format: render.FormatJSON,
			InputPaths:    map[string]string{"type": "$.detail.findings[0].Types[0]", "id": "$.detail.findings[0].Id"},
			InputTemplate: `{"finding_type": <type>, "finding_id": <id>}`}},
		{"digest", "digest", render.Override{Template: digestTemplate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := BuildEvent(sampleNamed(t, tt.sample), overrideConfig(tt.override), renderOptions(render.English))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Marshal(ev); err != nil {
				t.Fatal(err)
			}
			notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", "override-"+tt.name+".json"), ev)
		})
	}
}

// TestOverrideLeavesResolveAndDigests: resolve events have no payload to
// override, and a template without .Digest leaves digests built in.
func TestOverrideLeavesResolveAndDigests(t *testing.T) {
	for _, name := range []string{"resolved", "digest"} {
		m := sampleNamed(t, name)
		want, err := BuildEvent(m, testConfig(""), renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		got, err := BuildEvent(m, overrideConfig(render.Override{Template: summaryTemplate}), renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the override changed the built-in event", name)
		}
	}
}

func TestOverrideTestPrefix(t *testing.T) {
	ev, err := BuildEvent(sampleNamed(t, "test"), overrideConfig(render.Override{Template: summaryTemplate}), renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ev.Payload.Summary, testPrefix) {
		t.Errorf("summary %q lost the test prefix", ev.Payload.Summary)
	}
}

func TestOverrideJSONErrors(t *testing.T) {
	m := sampleNamed(t, "new-rds1")
	tests := []struct{ name, template, want string }{
		{"array", `[1]`, "pagerduty: pagerduty: message: output: must be a JSON object"},
		{"payload without source", `{"summary": "x", "severity": "critical"}`, "source: is required in a whole payload"},
		{"bad severity", `{"summary": "x", "source": "y", "severity": "high"}`, `severity: "high" is not one of critical, error, warning, info`},
		{"unknown payload key", `{"summary": "x", "source": "y", "severity": "info", "routing_key": "z"}`, `"routing_key": is not a payload field`},
		{"summary not a string", `{"summary": 1, "source": "y", "severity": "info"}`, "summary: must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildEvent(m, overrideConfig(render.Override{Template: tt.template, Format: render.FormatJSON}), renderOptions(render.English))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("BuildEvent() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestOverrideConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"template syntax", func(c *Config) { c.Message = render.Override{Template: "{{ .View.Title "} }, "message.template: line 1"},
		{"format", func(c *Config) { c.Message = render.Override{Template: "x", Format: "yaml"} }, "message.format:"},
		{"html", func(c *Config) { c.Message = render.Override{Template: "<p>x</p>", Format: render.FormatHTML} }, "message.format: html"},
		{"text with summary_template", func(c *Config) { c.Message, c.SummaryTemplate = render.Override{Template: "x"}, "y" }, "message: cannot be used with summary_template"},
		{"json transformer that is not JSON", func(c *Config) {
			c.Message = render.Override{InputTemplate: "text <aws.events.rule-name>", Format: render.FormatJSON}
		}, "message.format: json, but message.input_template is not a JSON template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("")
			tt.edit(cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestOverrideHostileText: hostile finding text through overrides keeps
// the event valid JSON within PagerDuty's limits.
func TestOverrideHostileText(t *testing.T) {
	texts := []string{
		strings.Repeat(`"}]\ <script>x</script> `, 5000),
		"invalid \xff\xfe utf-8 \u202e bidi\nsecond line", `", "severity": "critical`,
	}
	for _, o := range []render.Override{
		{Template: summaryTemplate}, {Template: `{{ .Finding.Title }}{{ .Finding.Description }}`},
		{Template: detailsTemplate, Format: render.FormatJSON}, {Template: payloadTemplate, Format: render.FormatJSON},
	} {
		for _, s := range texts {
			m := sampleNamed(t, "new-rds1")
			f := *m.Finding
			f.Title, f.Description, f.AccountID = s, s, s
			m.Finding = &f
			ev, err := BuildEvent(m, overrideConfig(o), renderOptions(render.Japanese))
			if err != nil {
				t.Fatalf("%.30q: %v", s, err)
			}
			body, err := Marshal(ev)
			if err != nil || !json.Valid(body) || len(body) > MaxEventBytes {
				t.Fatalf("%.30q: event of %d bytes: %v", s, len(body), err)
			}
			p := ev.Payload
			if n := utf8.RuneCountInString(p.Summary); n == 0 || n > MaxSummary || strings.Contains(p.Summary, "\n") {
				t.Errorf("summary of %d characters: %.80q", n, p.Summary)
			}
			if n := utf8.RuneCountInString(p.Source); n == 0 || n > MaxSource {
				t.Errorf("source of %d characters", n)
			}
			if ev.RoutingKey != testRoutingKey {
				t.Error("the routing key changed")
			}
		}
	}
}
