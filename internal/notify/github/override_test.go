package github

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Override templates of the golden files and tests.
const (
	bodyTemplate = `## {{ .View.Severity.Emoji }} {{ markdownEscape .View.Title }}

| {{ t "account" }} | {{ t "region" }} |
|---|---|
| {{ markdownEscape .View.AccountID }} | {{ markdownEscape .View.Region }} |

{{ markdownEscape .View.Description }}

[Security Hub]({{ markdownURL .View.ConsoleURL }})`
	issueTemplate = `{"title": {{ printf "[%s] %s" .View.Severity.Label .View.Title | jsonString }},
 "body": {{ printf "%s\n\n%s" (markdownEscape .View.Description) (.Route | markdownEscape) | jsonString }},
 "labels": ["triage", {{ .View.AccountID | printf "account:%s" | truncate 50 | jsonString }}]}`
	digestTemplate = `{{ with .Digest }}## {{ .Title }}
{{ .Summary }}
{{ range .Top }}
- {{ .Severity.Emoji }} {{ markdownEscape .Title }}{{ end }}

{{ .MoreText }}{{ else }}{{ markdownEscape .View.Title }}{{ end }}`
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
		{"text", "new-guardduty", render.Override{Template: bodyTemplate}},
		{"json", "new-rds1", render.Override{Template: issueTemplate, Format: render.FormatJSON}},
		{"json-transformer", "new-rds1", render.Override{Format: render.FormatJSON,
			InputPaths:    map[string]string{"title": "$.detail.findings[0].Title"},
			InputTemplate: `{"title": "Security Hub: <title>"}`}},
		{"digest", "digest", render.Override{Template: digestTemplate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := BuildRequest(sampleNamed(t, tt.sample), overrideConfig(tt.override), renderOptions(render.English))
			if err != nil {
				t.Fatal(err)
			}
			notifytest.Golden(t, filepath.Join("testdata", "golden", "override-"+tt.name+".md"), []byte(describe(req)))
		})
	}
}

// TestOverrideKeepsComments: an override writes new issues; comments keep
// the built-in text.
func TestOverrideKeepsComments(t *testing.T) {
	for _, name := range []string{"reminder", "resolved", "reopened"} {
		m := sampleNamed(t, name)
		want, err := BuildRequest(m, testConfig(""), renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		got, err := BuildRequest(m, overrideConfig(render.Override{Template: bodyTemplate}), renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		if describe(got) != describe(want) {
			t.Errorf("%s: the override changed a comment", name)
		}
	}
}

// TestOverrideDigestFallback: a template that never reads .Digest leaves
// digests to the built-in body.
func TestOverrideDigestFallback(t *testing.T) {
	m := sampleNamed(t, "digest")
	want, err := BuildRequest(m, testConfig(""), renderOptions(render.Japanese))
	if err != nil {
		t.Fatal(err)
	}
	got, err := BuildRequest(m, overrideConfig(render.Override{Template: bodyTemplate}), renderOptions(render.Japanese))
	if err != nil {
		t.Fatal(err)
	}
	if describe(got) != describe(want) {
		t.Errorf("the override changed the built-in digest:\n%s", describe(got))
	}
}

func TestOverrideJSONErrors(t *testing.T) {
	m := sampleNamed(t, "new-rds1")
	tests := []struct{ name, template, want string }{
		{"unknown key", `{"title": "x", "assignees": ["a"]}`, `github: github: message: output: must be an object with title, body and/or labels: json: unknown field "assignees"`},
		{"empty", `{}`, "has none of title, body and labels"},
		{"blank label", `{"labels": [" "]}`, "labels[0]: is blank"},
		{"array", `["x"]`, "must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildRequest(m, overrideConfig(render.Override{Template: tt.template, Format: render.FormatJSON}), renderOptions(render.English))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("BuildRequest() = %v, want an error containing %q", err, tt.want)
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
		{"format", func(c *Config) { c.Message = render.Override{Template: "x", Format: "xml"} }, "message.format:"},
		{"html", func(c *Config) { c.Message = render.Override{Template: "<p>x</p>", Format: render.FormatHTML} }, "message.format: html"},
		{"text with body_template", func(c *Config) { c.Message, c.BodyTemplate = render.Override{Template: "x"}, "y" }, "message: cannot be used with body_template"},
		{"json with title_template", func(c *Config) {
			c.Message, c.TitleTemplate = render.Override{Template: "{}", Format: render.FormatJSON}, "y"
		}, "message: cannot be used with title_template"},
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
// the issue within GitHub's limits, with the delivery marker last and no
// @mention or #reference coming from the finding.
func TestOverrideHostileText(t *testing.T) {
	texts := []string{
		strings.Repeat(`"}]\ @octocat #1 <!-- x --> [a](javascript:alert(1)) `, 3000),
		"invalid \xff\xfe utf-8 \u202e bidi", `@everyone fixes #12 owner/repo#3`,
	}
	for _, o := range []render.Override{{Template: bodyTemplate}, {Template: issueTemplate, Format: render.FormatJSON}, {Template: `{{ .Finding.Title }}`}} {
		for _, s := range texts {
			m := sampleNamed(t, "new-rds1")
			f := *m.Finding
			f.Title, f.Description, f.AccountID = s, s, s
			m.Finding = &f
			req, err := BuildRequest(m, overrideConfig(o), renderOptions(render.Japanese))
			if err != nil {
				t.Fatalf("%.30q: %v", s, err)
			}
			body, title := req.Issue.GetBody(), req.Issue.GetTitle()
			if render.UTF16Len(body) > MaxBody || render.UTF16Len(title) > MaxTitle || title == "" {
				t.Errorf("title of %d and body of %d units", render.UTF16Len(title), render.UTF16Len(body))
			}
			if !strings.HasSuffix(body, req.Marker) {
				t.Error("the delivery marker is not last")
			}
			if o.Template != "{{ .Finding.Title }}" { // that one sends the finding's text unescaped, as asked
				if m := mention.FindString(body); m != "" {
					t.Errorf("body mentions someone: %q", m)
				}
				if strings.Contains(body, `\#12`) {
					t.Error("body holds a live issue reference")
				}
			}
			if len(req.Issue.GetLabels()) > maxLabels {
				t.Errorf("%d labels", len(req.Issue.GetLabels()))
			}
		}
	}
}
