package backlog

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// newMessage is a new-finding message about f.
func newMessage(f *finding.Finding) *notify.Message {
	return &notify.Message{Kind: notify.KindNew, Route: "r", Destination: "d", Key: "k", Finding: f}
}

func build(t *testing.T, cfg *Config, m *notify.Message) Request {
	t.Helper()
	req, err := BuildRequest(m, cfg, renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestBuildSummaryLimit(t *testing.T) {
	tests := []struct {
		name  string
		title string
	}{
		{"long ASCII title", strings.Repeat("Ensure the thing is configured. ", 20)},
		{"long Japanese title", strings.Repeat("セキュリティグループの設定を確認してください。", 20)},
		{"emoji count twice", strings.Repeat("🔥", 300)},
		{"newlines in the title", "first line\nsecond line\r\nthird"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fixture(t, fxEC28).Finding
			f.Title = tt.title
			summary := build(t, testConfig("https://example.backlog.jp"), newMessage(f)).Form.Get("summary")
			if n := render.UTF16Len(summary); n > MaxSummary || n == 0 {
				t.Errorf("summary is %d UTF-16 units, want 1..%d: %q", n, MaxSummary, summary)
			}
			if strings.ContainsAny(summary, "\r\n") {
				t.Errorf("summary has a line break: %q", summary)
			}
			if !utf8.ValidString(summary) {
				t.Errorf("summary is not valid UTF-8: %q", summary)
			}
			if render.UTF16Len(tt.title) > MaxSummary && !strings.HasSuffix(summary, "(truncated)") {
				t.Errorf("a cut summary does not say so: %q", summary)
			}
		})
	}
}

func TestBuildHugeDescription(t *testing.T) {
	f := fixture(t, fxEC28).Finding
	f.Description = strings.Repeat("A very long description line. ", 100_000/30*4) // ~400 KB
	f.Remediation.Text = strings.Repeat("remediate ", 20_000)
	for _, format := range []TextFormat{FormatBacklog, FormatMarkdown} {
		t.Run(string(format), func(t *testing.T) {
			cfg := testConfig("https://example.backlog.jp")
			cfg.TextFormat = string(format)
			description := build(t, cfg, newMessage(f)).Form.Get("description")
			if n := render.UTF16Len(description); n > MaxDescription {
				t.Errorf("description is %d UTF-16 units, want at most %d", n, MaxDescription)
			}
			for _, want := range []string{f.ID, "(truncated)", "https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation", "\n\nhubrelay: " + notify.Marker("k")} {
				if !strings.Contains(description, want) {
					t.Errorf("description lost %q", want)
				}
			}
		})
	}
	m := newMessage(f)
	m.Kind, m.Previous = notify.KindReminder, &previousIssue
	cfg := testConfig("https://example.backlog.jp")
	cfg.CommentTemplate = "{{ .Description }}{{ .Description }}{{ .Description }}"
	content := build(t, cfg, m).Form.Get("content")
	text, marked := strings.CutSuffix(content, "\n\nhubrelay: "+notify.Marker(m.Key))
	if n := render.UTF16Len(content); n > MaxComment || !marked || !strings.HasSuffix(text, "(truncated)") {
		t.Errorf("comment is %d UTF-16 units (limit %d) and ends %q", n, MaxComment, content[max(0, len(content)-60):])
	}
}

func TestBuildPrevious(t *testing.T) {
	f := fixture(t, fxEC28).Finding
	tests := []struct {
		name       string
		kind       notify.Kind
		prev       *notify.Receipt
		wantAction Action
		wantPath   string
		wantErr    string
	}{
		{"new, no previous", notify.KindNew, nil, ActionCreateIssue, "/api/v2/issues", ""},
		{"previous without ID", notify.KindNew, &notify.Receipt{URL: "https://x"}, ActionCreateIssue, "/api/v2/issues", ""},
		{"new with previous", notify.KindNew, &previousIssue, ActionAddComment, "/api/v2/issues/SEC-12/comments", ""},
		{"test with previous", notify.KindTest, &previousIssue, ActionAddComment, "/api/v2/issues/SEC-12/comments", ""},
		{"numeric issue ID", notify.KindReminder, &notify.Receipt{ID: "4711"}, ActionAddComment, "/api/v2/issues/4711/comments", ""},
		{"resolved", notify.KindResolved, &previousIssue, ActionUpdateIssue, "/api/v2/issues/SEC-12", ""},
		{"resolved, no issue", notify.KindResolved, nil, ActionNone, "", ""},
		{"reopened", notify.KindReopened, &previousIssue, ActionUpdateIssue, "/api/v2/issues/SEC-12", ""},
		{"reopened, no issue", notify.KindReopened, nil, ActionCreateIssue, "/api/v2/issues", ""},
		{"Slack receipt", notify.KindReminder, &notify.Receipt{ID: "1767323045.000100"}, "", "", `"1767323045.000100" is not a Backlog issue key`},
		{"path in the key", notify.KindReminder, &notify.Receipt{ID: "SEC-1/../../admin"}, "", "", "is not a Backlog issue key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMessage(f)
			m.Kind, m.Previous = tt.kind, tt.prev
			req, err := BuildRequest(m, testConfig("https://example.backlog.jp"), renderOptions(render.English))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Action != tt.wantAction || req.Path != tt.wantPath {
				t.Errorf("got %s %s, want %s %s", req.Action, req.Path, tt.wantAction, tt.wantPath)
			}
		})
	}
}

func TestBuildStatusSettings(t *testing.T) {
	fixed := int64(0)
	cfg := testConfig("https://example.backlog.jp")
	cfg.ResolvedStatusID, cfg.ReopenedStatusID, cfg.ResolutionID = 3, 2, &fixed
	m := newMessage(fixture(t, fxEC28).Finding)
	m.Previous = &previousIssue

	m.Kind = notify.KindResolved
	form := build(t, cfg, m).Form
	if form.Get("statusId") != "3" || form.Get("resolutionId") != "0" {
		t.Errorf("resolved: statusId %q resolutionId %q, want 3 and 0", form.Get("statusId"), form.Get("resolutionId"))
	}
	m.Kind = notify.KindReopened
	form = build(t, cfg, m).Form
	if form.Get("statusId") != "2" || form.Has("resolutionId") {
		t.Errorf("reopened: statusId %q resolutionId %q, want 2 and none", form.Get("statusId"), form.Get("resolutionId"))
	}
	if !strings.Contains(form.Get("comment"), "detected again") {
		t.Errorf("reopened comment does not say why:\n%s", form.Get("comment"))
	}
}

func TestBuildTemplates(t *testing.T) {
	cfg := testConfig("https://example.backlog.jp")
	cfg.SummaryTemplate = `{{ .AccountID }} {{ .ControlID }}: {{ .Title }}`
	cfg.DescriptionTemplate = "{{ t \"severity\" }}: {{ .Severity.Label }}\n{{ markdownEscape .Description }}\n"
	cfg.CommentTemplate = `{{ .Heading }} ({{ .Event }})`
	cfg.Language = "ja"
	m := newMessage(fixture(t, fxEC28).Finding)
	req, err := BuildRequest(m, cfg, renderOptions(render.English)) // the config's language wins
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.Form.Get("summary"), "123456789012 EC2.8: EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got := req.Form.Get("description"); !strings.HasPrefix(got, "重要度: HIGH\nThis control checks") || strings.HasSuffix(got, "\n") {
		t.Errorf("description %q", got)
	}
	m.Kind, m.Previous = notify.KindReminder, &previousIssue
	req, err = BuildRequest(m, cfg, renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.Form.Get("content"), "リマインダー: 未対応の Security Hub の検出結果 (reminder)\n\nhubrelay: "+notify.Marker(m.Key); got != want {
		t.Errorf("comment %q, want %q", got, want)
	}
	cfg.SummaryTemplate = `{{ .NoSuchField }}`
	if _, err := BuildRequest(newMessage(fixture(t, fxEC28).Finding), cfg, render.Options{}); err == nil || !strings.Contains(err.Error(), "summary:") {
		t.Errorf("a failing template: %v", err)
	}
}

func TestBuildKindsAndDigest(t *testing.T) {
	cfg := testConfig("https://example.backlog.jp")
	test := newMessage(fixture(t, fxEC27).Finding)
	test.Kind = notify.KindTest
	if s := build(t, cfg, test).Form.Get("summary"); !strings.HasPrefix(s, "[hubrelay test] ") {
		t.Errorf("test summary %q", s)
	}
	low := fixture(t, fxGuardDuty).Finding
	low.Severity.Label = "LOW"
	digest := &notify.Message{Kind: notify.KindNew, Route: "r", Destination: "d", Key: "k",
		Digest: &notify.Digest{Findings: []*finding.Finding{fixture(t, fxEC27).Finding, low}, Total: 2}}
	form := build(t, cfg, digest).Form
	if form.Get("priorityId") != "4" {
		t.Errorf("a LOW/INFORMATIONAL digest has priority %q, want 4", form.Get("priorityId"))
	}
	if s := form.Get("summary"); s != "Security Hub digest: 2 findings (Low: 1 / Informational: 1)" {
		t.Errorf("digest summary %q", s)
	}
	if d := form.Get("description"); strings.Contains(d, "more") {
		t.Errorf("an untruncated digest says more:\n%s", d)
	}
}

func TestBuilderDropsAPIKey(t *testing.T) {
	b, err := NewBuilder(testConfig("https://example.backlog.jp"), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.cfg.APIKey != "" {
		t.Error("the builder keeps the API key")
	}
	if _, err := NewBuilder(nil, render.Options{}); err == nil {
		t.Error("a nil config built")
	}
	bad := testConfig("https://example.backlog.jp")
	bad.ProjectID = 0
	if _, err := NewBuilder(bad, render.Options{}); err == nil || !strings.Contains(err.Error(), "project_id") {
		t.Errorf("an invalid config: %v", err)
	}
}

func TestBuildInvalidMessage(t *testing.T) {
	_, err := BuildRequest(&notify.Message{Kind: "bogus"}, testConfig("https://example.backlog.jp"), render.Options{})
	if err == nil || !strings.Contains(err.Error(), "kind") {
		t.Errorf("an invalid message: %v", err)
	}
}
