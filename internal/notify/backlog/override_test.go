package backlog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// seed000Override is seed 000's input transformer, byte for byte as
// published (testdata/override, see testdata/SOURCES.md).
func seed000Override(t testing.TB) render.Override {
	t.Helper()
	paths, err := os.ReadFile(filepath.Join("testdata", "override", "seed000-input-paths.json"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := os.ReadFile(filepath.Join("testdata", "override", "seed000-input-template.txt"))
	if err != nil {
		t.Fatal(err)
	}
	o := render.Override{InputTemplate: string(tmpl), Format: render.FormatJSON}
	if err := json.Unmarshal(paths, &o.InputPaths); err != nil {
		t.Fatal(err)
	}
	return o
}

// Override templates of the golden files and tests.
const (
	descriptionTemplate = `{{ .View.Intro }}

| {{ t "severity" }} | {{ t "account" }} | {{ t "region" }} |
|---|---|---|
| {{ markdownEscape .View.Severity.Text }} | {{ markdownEscape .View.AccountID }} | {{ markdownEscape .View.Region }} |

{{ markdownEscape .View.Description }}

[Security Hub]({{ markdownURL .View.ConsoleURL }})`
	formTemplate = `{"summary": {{ printf "[%s] %s" .View.Severity.Label .View.Title | jsonString }},
 "description": {{ markdownEscape .View.Description | jsonString }},
 "priorityId": {{ if eq .View.Severity.Label "CRITICAL" }}2{{ else }}3{{ end }},
 "dueDate": "2026-01-31",
 "categoryId[]": [7, 8]}`
	digestTemplate = `{{ with .Digest }}{{ .Title }}: {{ .Summary }}
{{ range .Top }}- {{ markdownEscape .Title }}
{{ end }}{{ .MoreText }}{{ else }}{{ markdownEscape .View.Title }}{{ end }}`
)

func overrideConfig(o render.Override) *Config {
	cfg := testConfig("https://example.backlog.jp")
	cfg.TextFormat = string(FormatMarkdown)
	cfg.Message = o
	return cfg
}

func TestOverrideGolden(t *testing.T) {
	all := samples(t)
	pick := func(name string) *notify.Message {
		for _, s := range all {
			if s.name == name {
				return s.msg
			}
		}
		t.Fatalf("no sample %s", name)
		return nil
	}
	tests := []struct {
		name, sample string
		override     render.Override
	}{
		{"seed000", "new-ec2.8", seed000Override(t)},
		{"text", "new-guardduty", render.Override{Template: descriptionTemplate}},
		{"text-comment", "reminder", render.Override{Template: descriptionTemplate}},
		{"json", "new-ec2.8", render.Override{Template: formTemplate, Format: render.FormatJSON}},
		{"digest", "digest", render.Override{Template: digestTemplate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := BuildRequest(pick(tt.sample), overrideConfig(tt.override), renderOptions(render.Japanese))
			if err != nil {
				t.Fatal(err)
			}
			notifytest.Golden(t, filepath.Join("testdata", "golden", "override-"+tt.name+".txt"), []byte(describe(req)))
		})
	}
}

// TestOverrideSeed000 checks seed 000's transformer, pasted unchanged: its
// placeholder IDs give way to the configuration's, its priority and text
// are sent as EventBridge would render them, and the configuration fills
// the fields it omits.
func TestOverrideSeed000(t *testing.T) {
	item := fixture(t, fxEC28)
	m := &notify.Message{Kind: notify.KindNew, Route: "seed000", Key: "k", Finding: item.Finding, Event: item.Event}
	o := seed000Override(t)
	req, err := BuildRequest(m, overrideConfig(o), renderOptions(render.Japanese))
	if err != nil {
		t.Fatal(err)
	}
	r, err := o.Compile("x", render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(render.Data{Finding: item.Finding, Event: item.Event, Route: "seed000"})
	if err != nil {
		t.Fatal(err)
	}
	var eventBridge map[string]string
	if err := json.Unmarshal(out, &eventBridge); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"projectId": "12345", "issueTypeId": "67890", "parentIssueId": "111", "priorityId": "3",
		"summary": eventBridge["summary"], "description": eventBridge["description"] + "\n\nhubrelay: " + notify.Marker("k"),
	}
	for k, v := range want {
		if got := req.Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := req.Form["categoryId[]"]; len(got) != 2 {
		t.Errorf("categoryId[] = %q: the configuration's categories must fill what the override omits", got)
	}
	t.Run("without parent in the configuration", func(t *testing.T) {
		cfg := overrideConfig(o)
		cfg.ParentIssueID = 0
		req, err := BuildRequest(m, cfg, renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := req.Form["parentIssueId"]; ok {
			t.Errorf("a placeholder parentIssueId was sent: %q", req.Form["parentIssueId"])
		}
	})
	t.Run("comments keep the built-in text", func(t *testing.T) {
		prev := previousIssue
		reminder := *m
		reminder.Kind, reminder.Previous = notify.KindReminder, &prev
		got, err := BuildRequest(&reminder, overrideConfig(o), renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		want, err := BuildRequest(&reminder, overrideConfig(render.Override{}), renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		if describe(got) != describe(want) {
			t.Errorf("a json override changed a comment:\n%s", describe(got))
		}
	})
}

func TestOverrideJSONErrors(t *testing.T) {
	item := fixture(t, fxGuardDuty)
	m := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Finding: item.Finding, Event: item.Event}
	tests := []struct{ name, template, want string }{
		{"array", `[1]`, "backlog: message: output: must be a JSON object of Add Issue form fields"},
		{"unknown field", `{"statusId": 2}`, `"statusId": is not an Add Issue form field`},
		{"object value", `{"summary": {"a": 1}}`, "summary: must be a string, a number or a boolean"},
		{"list for one value", `{"summary": ["a"]}`, "summary: takes one value, not a list"},
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

// TestOverrideDigestFallback: a template that never reads .Digest and an
// input transformer leave digests to the built-in text.
func TestOverrideDigestFallback(t *testing.T) {
	var digest *notify.Message
	for _, s := range samples(t) {
		if s.name == "digest" {
			digest = s.msg
		}
	}
	want, err := BuildRequest(digest, overrideConfig(render.Override{}), renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []render.Override{{Template: descriptionTemplate}, seed000Override(t)} {
		got, err := BuildRequest(digest, overrideConfig(o), renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		if describe(got) != describe(want) {
			t.Errorf("override changed the built-in digest:\n%s", describe(got))
		}
	}
}

func TestOverrideConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"template syntax", func(c *Config) { c.Message = render.Override{Template: "{{ .View.Title "} }, "message.template: line 1"},
		{"html", func(c *Config) { c.Message = render.Override{Template: "<p>x</p>", Format: render.FormatHTML} }, "message.format: html is not a Backlog text format"},
		{"text with description_template", func(c *Config) {
			c.Message, c.DescriptionTemplate = render.Override{Template: "x"}, "y"
		}, "message: cannot be used with description_template"},
		{"text with comment_template", func(c *Config) {
			c.Message, c.CommentTemplate = render.Override{Template: "x"}, "y"
		}, "message: cannot be used with comment_template"},
		{"json with summary_template", func(c *Config) {
			c.Message, c.SummaryTemplate = render.Override{Template: "{}", Format: render.FormatJSON}, "y"
		}, "message: cannot be used with summary_template"},
		{"bad input path", func(c *Config) {
			c.Message = render.Override{InputPaths: map[string]string{"a.b": "$.id"}, InputTemplate: "<a.b>"}
		}, "message.input_paths:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("https://example.backlog.jp")
			tt.edit(cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	ok := testConfig("https://example.backlog.jp")
	ok.Message, ok.CommentTemplate = render.Override{Template: "{}", Format: render.FormatJSON}, "comment"
	if err := ok.Validate(); err != nil {
		t.Errorf("json override with comment_template: %v", err)
	}
}

// TestOverrideHostileText: hostile finding text through overrides keeps
// every field within Backlog's limits and the request well formed.
func TestOverrideHostileText(t *testing.T) {
	texts := []string{
		strings.Repeat(`"}]\ <script>alert(1)</script> [[x>https://evil.example]] `, 3000),
		"invalid \xff\xfe utf-8 \u202e bidi", `<br />", "projectId": "1`,
	}
	for _, o := range []render.Override{seed000Override(t), {Template: descriptionTemplate}, {Template: formTemplate, Format: render.FormatJSON}} {
		for _, s := range texts {
			f := fixture(t, fxEC28)
			f.Finding.Title, f.Finding.Description = s, s
			m := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Finding: f.Finding}
			req, err := BuildRequest(m, overrideConfig(o), renderOptions(render.Japanese))
			if err != nil {
				t.Fatalf("%.30q: %v", s, err)
			}
			if req.Form.Get("projectId") != "12345" {
				t.Errorf("finding text changed projectId to %q", req.Form.Get("projectId"))
			}
			if n := render.UTF16Len(req.Form.Get("summary")); n == 0 || n > MaxSummary {
				t.Errorf("summary of %d units", n)
			}
			if n := render.UTF16Len(req.Form.Get("description")); n > MaxDescription {
				t.Errorf("description of %d units", n)
			}
		}
	}
}
