package jira

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	valid := func() *Config { return testConfig("https://example.atlassian.net") }
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string // "" for valid
	}{
		{"full cloud config", func(*Config) {}, ""},
		{"data center with PAT", func(c *Config) { *c = *serverConfig("https://jira.example.com/jira") }, ""},
		{"local test server over http", func(c *Config) { c.URL = "http://127.0.0.1:8080" }, ""},
		{"no url", func(c *Config) { c.URL = "" }, "url: is required"},
		{"not a url", func(c *Config) { c.URL = "example.atlassian.net" }, "url: must be the Jira site's address"},
		{"plain http", func(c *Config) { c.URL = "http://jira.example.com" }, "url: must use https"},
		{"credentials in url", func(c *Config) { c.URL = "https://bot:pw@example.atlassian.net" }, "url: must not contain a user name"},
		{"api path in url", func(c *Config) { c.URL = "https://example.atlassian.net/rest/api/3" }, "without /rest/api"},
		{"browse path in url", func(c *Config) { c.URL = "https://example.atlassian.net/browse/SEC-1" }, "without /browse/"},
		{"query in url", func(c *Config) { c.URL = "https://example.atlassian.net/?x=1" }, "url: must not have a query"},
		{"api version 4", func(c *Config) { c.APIVersion = 4 }, "api_version: 4 must be 3"},
		{"no auth", func(c *Config) { c.Email, c.APIToken = "", "" }, "api_token: is required with email"},
		{"email without token", func(c *Config) { c.APIToken = "" }, "api_token: is required with email"},
		{"token without email", func(c *Config) { c.Email = "" }, "email: is required with api_token"},
		{"both auths", func(c *Config) { c.PersonalAccessToken = testPAT }, "personal_access_token: cannot be combined"},
		{"token with a space", func(c *Config) { c.APIToken = "abc def" }, "api_token: must not contain spaces"},
		{"email with a colon", func(c *Config) { c.Email = "a:b@example.com" }, "email: must not contain ':'"},
		{"no project", func(c *Config) { c.ProjectKey = "" }, "project_key: is required"},
		{"issue key as project", func(c *Config) { c.ProjectKey = "SEC-1" }, `project_key: "SEC-1" is not a project key`},
		{"no issue type", func(c *Config) { c.IssueType = " " }, "issue_type: is required"},
		{"priority name and map", func(c *Config) { c.Priority.Name = "High" }, "priority: is both a name and a map"},
		{"priority for an unknown severity", func(c *Config) { c.Priority.BySeverity["URGENT"] = "High" }, "priority.URGENT: not a severity label"},
		{"priority repeated in another case", func(c *Config) { c.Priority.BySeverity["high"] = "High" }, "repeats priority"},
		{"blank priority name", func(c *Config) { c.Priority.BySeverity["LOW"] = "" }, "priority.LOW: is required"},
		{"label without characters", func(c *Config) { c.Labels = []string{"ok", " \t "} }, "labels[1]:"},
		{"blank component", func(c *Config) { c.Components = []string{""} }, "components[0]: is required"},
		{"system field as custom field", func(c *Config) { c.CustomFields = map[string]any{"summary": "x"} }, "custom_fields.summary: the key must be a custom field ID"},
		{"custom field without value", func(c *Config) { c.CustomFields = map[string]any{"customfield_1": nil} }, "custom_fields.customfield_1: has no value"},
		{"custom field that is not JSON", func(c *Config) { c.CustomFields = map[string]any{"customfield_1": map[any]any{1: 2}} }, "cannot be sent as JSON"},
		{"blank transition", func(c *Config) { c.ResolveTransition = "  " }, "resolve_transition: is blank"},
		{"language", func(c *Config) { c.Language = "de" }, "language:"},
		{"broken summary template", func(c *Config) { c.SummaryTemplate = "{{ .Title" }, "summary_template:"},
		{"broken description template", func(c *Config) { c.DescriptionTemplate = "{{ end }}" }, "description_template:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.change(cfg)
			err := cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Validate() = nil, want %q", tt.wantErr)
			case err != nil && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.wantErr)
			}
			for _, secret := range []string{testAPIToken, testPAT, "abc def"} {
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("the error quotes a token: %v", err)
				}
			}
		})
	}
}

func TestConfigAPIVersion(t *testing.T) {
	tests := []struct {
		url     string
		setting int
		want    int
	}{
		{"https://example.atlassian.net", 0, 3},
		{"https://EXAMPLE.Atlassian.NET.", 0, 3},
		{"https://jira.example.com", 0, 2},
		{"https://atlassian.net.example.com", 0, 2},
		{"https://example.atlassian.net", 2, 2},
		{"https://jira.example.com", 3, 3},
	}
	for _, tt := range tests {
		cfg := &Config{URL: tt.url, APIVersion: tt.setting}
		if got := cfg.apiVersion(); got != tt.want {
			t.Errorf("%s with api_version %d: %d, want %d", tt.url, tt.setting, got, tt.want)
		}
	}
}

func TestSanitizeLabel(t *testing.T) {
	tests := map[string]string{
		"security-hub":           "security-hub",
		"aws findings":           "aws_findings",
		"  lead and\ttrail\n ":   "lead_and_trail",
		"a\x00b":                 "ab",
		"\xff":                   "\ufffd",
		"_":                      "",
		strings.Repeat("x", 300): strings.Repeat("x", 255),
	}
	for in, want := range tests {
		if got := sanitizeLabel(in); got != want {
			t.Errorf("sanitizeLabel(%q) = %q, want %q", in, got, want)
		}
	}
	cfg := &Config{Labels: []string{"a b", "a_b", "c"}}
	if got := strings.Join(cfg.labels(), ","); got != "a_b,c" {
		t.Errorf("labels() = %s, want a_b,c (duplicates dropped)", got)
	}
}

// TestSettingsDecoding decodes the union-typed settings from JSON as the
// tests' settings do; the YAML forms are decoded by the config file's
// decoder through UnmarshalYAML (TestSettingsYAMLForms).
func TestSettingsDecoding(t *testing.T) {
	tests := []struct {
		settings  string
		issueType NameOrID
		priority  string
		wantErr   string
	}{
		{`{"issue_type": "Bug", "priority": "High"}`, "Bug", "High", ""},
		{`{"issue_type": 10004, "priority": {"CRITICAL": "Highest"}}`, "10004", "map[CRITICAL:Highest]", ""},
		{`{"issue_type": null, "priority": null}`, "", "", ""},
		{`{"issue_type": 1.5}`, "", "", "1.5 is not a numeric ID"},
		{`{"issue_type": -3}`, "", "", "-3 is not a numeric ID"},
		{`{"issue_type": true}`, "", "", "want a name or a numeric ID"},
		{`{"priority": 3}`, "", "", "want a priority name"},
		{`{"priority": {"HIGH": 2}}`, "", "", "want a priority name"},
	}
	for _, tt := range tests {
		t.Run(tt.settings, func(t *testing.T) {
			var cfg Config
			err := notifytest.Settings(tt.settings).Decode(&cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Decode = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.IssueType != tt.issueType {
				t.Errorf("issue_type %q, want %q", cfg.IssueType, tt.issueType)
			}
			got := cfg.Priority.Name
			if cfg.Priority.BySeverity != nil {
				got = formatMap(cfg.Priority.BySeverity)
			}
			if got != tt.priority {
				t.Errorf("priority %q, want %q", got, tt.priority)
			}
		})
	}
}

// TestSettingsYAMLForms calls UnmarshalYAML the way the config file's
// decoder does, with the values a YAML decoder produces.
func TestSettingsYAMLForms(t *testing.T) {
	decodeAs := func(v any) func(any) error {
		return func(dst any) error {
			*(dst.(*any)) = v
			return nil
		}
	}
	var n NameOrID
	for _, tt := range []struct {
		in   any
		want NameOrID
		ok   bool
	}{
		{"Bug", "Bug", true}, {uint64(10004), "10004", true}, {int64(7), "7", true}, {nil, "", true},
		{1.5, "", false}, {int64(-1), "", false}, {true, "", false},
	} {
		err := n.UnmarshalYAML(decodeAs(tt.in))
		if (err == nil) != tt.ok || (tt.ok && n != tt.want) {
			t.Errorf("NameOrID from %#v = %q, %v", tt.in, n, err)
		}
	}
	var p Priority
	if err := p.UnmarshalYAML(decodeAs("High")); err != nil || p.Name != "High" {
		t.Errorf("Priority from a string = %+v, %v", p, err)
	}
	if err := p.UnmarshalYAML(decodeAs(map[string]any{"HIGH": "High"})); err != nil || p.BySeverity["HIGH"] != "High" || p.Name != "" {
		t.Errorf("Priority from a map = %+v, %v", p, err)
	}
	if err := p.UnmarshalYAML(decodeAs(map[string]any{"HIGH": 2})); err == nil {
		t.Error("Priority from a map of numbers: no error")
	}
	if err := p.UnmarshalYAML(decodeAs([]any{"x"})); err == nil {
		t.Error("Priority from a list: no error")
	}
}

func formatMap(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+":"+v)
	}
	return "map[" + strings.Join(parts, " ") + "]"
}

func TestPriorityForSeverity(t *testing.T) {
	byMap := Priority{BySeverity: map[string]string{"critical": "Highest", "HIGH": " High "}}
	tests := []struct {
		p     Priority
		label string
		want  string
	}{
		{byMap, "CRITICAL", "Highest"},
		{byMap, "HIGH", "High"},
		{byMap, "LOW", ""}, // the project's default
		{Priority{Name: "Major"}, "LOW", "Major"},
		{Priority{}, "CRITICAL", ""},
	}
	for _, tt := range tests {
		if got := tt.p.forSeverity(tt.label); got != tt.want {
			t.Errorf("%+v.forSeverity(%s) = %q, want %q", tt.p, tt.label, got, tt.want)
		}
	}
}

func TestNewRefusesInvalidConfig(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	cfg := testConfig("https://example.atlassian.net")
	cfg.ProjectKey = ""
	if _, err := New("jira", cfg, env); err == nil || !strings.HasPrefix(err.Error(), "jira: project_key:") {
		t.Errorf("New = %v, want a project_key error", err)
	}
	if _, err := New("jira", nil, env); err == nil {
		t.Error("New(nil config) succeeded")
	}
	// CheckOnly: the factory validates and builds nothing.
	r := notify.NewRegistry()
	r.Register("jira", notify.Typed(New))
	err := r.Check("jira", notifytest.Settings(`{"url": "https://example.atlassian.net", "email": "a@example.com", "api_token": "secret-token-value", "project_key": "SEC"}`))
	if err == nil || !strings.Contains(err.Error(), "issue_type: is required") || strings.Contains(err.Error(), "secret-token-value") {
		t.Errorf("Check = %v, want an issue_type error without the token", err)
	}
}
