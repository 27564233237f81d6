package github

import (
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	off := false
	tests := []struct {
		name    string
		edit    func(c *Config)
		wantErr string // "" for valid
	}{
		{"complete", func(c *Config) {}, ""},
		{"github.com by default", func(c *Config) { c.BaseURL = "" }, ""},
		{"enterprise server", func(c *Config) { c.BaseURL = "https://ghe.example.com/api/v3/" }, ""},
		{"enterprise server without trailing slash", func(c *Config) { c.BaseURL = "https://ghe.example.com/api/v3" }, ""},
		{"GHE.com data residency", func(c *Config) { c.BaseURL = "https://api.octocorp.ghe.com/" }, ""},
		{"assignee with @", func(c *Config) { c.Assignees = []string{"@octocat"} }, ""},
		{"managed user login", func(c *Config) { c.Assignees = []string{"octocat_acme"} }, ""},
		{"severity labels", func(c *Config) { c.SeverityLabels = map[string]string{"critical": "P0", "LOW": ""} }, ""},
		{"auto labels off", func(c *Config) { c.AutoLabels = &off }, ""},
		{"templates", func(c *Config) {
			c.TitleTemplate = "{{ .Title }}"
			c.BodyTemplate = "{{ markdownEscape .Description }}"
			c.CommentTemplate = "{{ .Heading }}"
		}, ""},
		{"language", func(c *Config) { c.Language = "ja" }, ""},

		{"no owner", func(c *Config) { c.Owner = "" }, "owner: is required"},
		{"owner with slash", func(c *Config) { c.Owner = "a/b" }, `owner: "a/b" is not a GitHub login`},
		{"owner starting with hyphen", func(c *Config) { c.Owner = "-x" }, "cannot start"},
		{"no repo", func(c *Config) { c.Repo = "" }, "repo: is required"},
		{"owner/repo in repo", func(c *Config) { c.Repo = "example-org/security" }, "repo: \"example-org/security\" must be the name only"},
		{"repo with query", func(c *Config) { c.Repo = "x?y" }, "repo: \"x?y\" is not a repository name"},
		{"repo dot-dot", func(c *Config) { c.Repo = ".." }, "repo: \"..\" is not a repository name"},
		{"no token", func(c *Config) { c.Token = "" }, "token: is required"},
		{"token with newline", func(c *Config) { c.Token = testToken + "\n" }, "token: must be printable ASCII"},
		{"http base", func(c *Config) { c.BaseURL = "http://ghe.example.com/api/v3/" }, "base_url: must use https"},
		{"base without API path", func(c *Config) { c.BaseURL = "https://ghe.example.com" }, "https://ghe.example.com/api/v3/"},
		{"base with credentials", func(c *Config) { c.BaseURL = "https://u:p@ghe.example.com/api/v3/" }, "base_url: must not contain a user name"},
		{"base with query", func(c *Config) { c.BaseURL = "https://ghe.example.com/api/v3/?x=1" }, "base_url: must not have a query"},
		{"base not a URL", func(c *Config) { c.BaseURL = "ghe.example.com" }, "base_url: \"ghe.example.com\" must be an absolute https URL"},
		{"blank label", func(c *Config) { c.Labels = []string{"ok", " "} }, "labels[1]: is blank"},
		{"long label", func(c *Config) { c.Labels = []string{strings.Repeat("l", 51)} }, "labels[0]"},
		{"repeated label", func(c *Config) { c.Labels = []string{"Triage", "triage"} }, `labels[1]: "triage" repeats labels[0]`},
		{"unknown severity", func(c *Config) { c.SeverityLabels = map[string]string{"SEVERE": "x"} }, "severity_labels.SEVERE: not a severity label"},
		{"severity twice", func(c *Config) { c.SeverityLabels = map[string]string{"HIGH": "a", "high": "b"} }, "repeats"},
		{"severity label too long", func(c *Config) { c.SeverityLabels = map[string]string{"HIGH": strings.Repeat("h", 60)} }, "severity_labels.HIGH"},
		{"too many assignees", func(c *Config) { c.Assignees = slices.Repeat([]string{"a"}, 11) }, "assignees: 11 logins"},
		{"bad assignee", func(c *Config) { c.Assignees = []string{"octo cat"} }, "assignees[0]"},
		{"repeated assignee", func(c *Config) { c.Assignees = []string{"octocat", "@Octocat"} }, "assignees[1]"},
		{"bad template", func(c *Config) { c.BodyTemplate = "{{ .Title" }, "body_template:"},
		{"bad language", func(c *Config) { c.Language = "fr" }, "language:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig("")
			tt.edit(c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v; want an error containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the token is in the error: %v", err)
			}
		})
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	err := (&Config{Labels: []string{""}, Language: "de"}).Validate()
	for _, want := range []string{"owner:", "repo:", "token:", "labels[0]:", "language:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestTypedStrictDecoding(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	factory := notify.Typed(New)
	_, err := factory("gh", notifytest.Settings(`{"owner":"o","repo":"r","token":"t","label":["x"]}`), env)
	if err == nil || !strings.Contains(err.Error(), `unknown field "label"`) || !strings.Contains(err.Error(), "settings:1:") {
		t.Errorf("unknown setting: %v", err)
	}
	n, err := factory("gh", notifytest.Settings(`{
		"owner": "example-org", "repo": "security-findings", "token": "ghp_x",
		"base_url": "https://ghe.example.com/api/v3/",
		"labels": ["security-hub"], "auto_labels": false, "severity_labels": {"CRITICAL": "P0"},
		"assignees": ["octocat"], "language": "ja"}`), env)
	if err != nil || n == nil {
		t.Fatalf("full settings: %v", err)
	}
}

func TestIssueLabels(t *testing.T) {
	off := false
	tests := []struct {
		name     string
		edit     func(c *Config)
		severity string
		want     []string
	}{
		{"default", func(c *Config) {}, "HIGH", []string{"severity:high", "security-hub", "triage"}},
		{"lower-case label", func(c *Config) {}, "critical", []string{"severity:critical", "security-hub", "triage"}},
		{"unknown severity", func(c *Config) {}, "", []string{"security-hub", "triage"}},
		{"override", func(c *Config) { c.SeverityLabels = map[string]string{"high": "P1"} }, "HIGH", []string{"P1", "security-hub", "triage"}},
		{"override to none", func(c *Config) { c.SeverityLabels = map[string]string{"HIGH": ""} }, "HIGH", []string{"security-hub", "triage"}},
		{"off", func(c *Config) { c.AutoLabels = &off }, "HIGH", []string{"security-hub", "triage"}},
		{"no repeat", func(c *Config) { c.Labels = []string{"Severity:High", "x"} }, "HIGH", []string{"severity:high", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig("")
			tt.edit(c)
			if got := c.issueLabels(tt.severity); !slices.Equal(got, tt.want) {
				t.Errorf("issueLabels(%q) = %q, want %q", tt.severity, got, tt.want)
			}
		})
	}
}
