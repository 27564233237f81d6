package pagerduty

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(c *Config)
		wantErr string // "" for valid
	}{
		{"complete", func(c *Config) {}, ""},
		{"EU region", func(c *Config) { c.URL = EUURL }, ""},
		{"EU host only", func(c *Config) { c.URL = "https://events.eu.pagerduty.com" }, ""},
		{"local test server", func(c *Config) { c.URL = "http://127.0.0.1:8080/v2/enqueue" }, ""},
		{"ruleset key", func(c *Config) { c.RoutingKey = "R0123456789ABCDEFGHIJKLMNOPQRSTU" }, ""},
		{"severities", func(c *Config) { c.Severities = map[string]string{"medium": "error", "LOW": "warning"} }, ""},
		{"labels", func(c *Config) { c.Component, c.Group, c.Class = "securityhub", "prod", "compliance" }, ""},
		{"summary template", func(c *Config) { c.SummaryTemplate = "{{ .Severity.Name }}: {{ .Title }}" }, ""},
		{"language", func(c *Config) { c.Language = "ja" }, ""},

		{"no key", func(c *Config) { c.RoutingKey = "" }, "routing_key: is required"},
		{"short key", func(c *Config) { c.RoutingKey = "abc123" }, "routing_key: is 6 characters; an Events API v2 integration key has 32"},
		{"key with space", func(c *Config) { c.RoutingKey = testRoutingKey[:31] + " " }, "routing_key: must be letters and digits only"},
		{"http elsewhere", func(c *Config) { c.URL = "http://events.pagerduty.com/v2/enqueue" }, "url: must use https"},
		{"other path", func(c *Config) { c.URL = "https://events.pagerduty.com/v2/change/enqueue" }, `url: path "/v2/change/enqueue" is not`},
		{"query", func(c *Config) { c.URL = "https://events.pagerduty.com/v2/enqueue?x=1" }, "url: must not have a query"},
		{"credentials", func(c *Config) { c.URL = "https://u:p@events.pagerduty.com" }, "url: must not contain"},
		{"not a URL", func(c *Config) { c.URL = "events.pagerduty.com" }, `url: "events.pagerduty.com" must be an absolute https URL`},
		{"unknown label", func(c *Config) { c.Severities = map[string]string{"SEVERE": "critical"} }, "severities.SEVERE: not a severity label"},
		{"unknown severity", func(c *Config) { c.Severities = map[string]string{"HIGH": "high"} }, `severities.HIGH: "high" is not a PagerDuty severity`},
		{"label twice", func(c *Config) { c.Severities = map[string]string{"HIGH": "error", "high": "critical"} }, "repeats"},
		{"blank component", func(c *Config) { c.Component = "  " }, "component: is blank"},
		{"two-line group", func(c *Config) { c.Group = "a\nb" }, "group: must be one line"},
		{"long class", func(c *Config) { c.Class = strings.Repeat("c", 256) }, "class: is longer than 255"},
		{"bad template", func(c *Config) { c.SummaryTemplate = "{{ .Title" }, "summary_template:"},
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
			if strings.Contains(err.Error(), c.RoutingKey) && c.RoutingKey != "" {
				t.Errorf("the routing key is in the error: %v", err)
			}
		})
	}
}

func TestTypedStrictDecoding(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	factory := notify.Typed(New)
	_, err := factory("pd", notifytest.Settings(`{"routing_key":"`+testRoutingKey+`","severity":{"HIGH":"error"}}`), env)
	if err == nil || !strings.Contains(err.Error(), `unknown field "severity"`) {
		t.Errorf("unknown setting: %v", err)
	}
	n, err := factory("pd", notifytest.Settings(`{"routing_key":"`+testRoutingKey+`","url":"https://events.eu.pagerduty.com",
		"severities":{"MEDIUM":"error"},"component":"c","group":"g","class":"k","language":"ja"}`), env)
	if err != nil || n == nil {
		t.Fatalf("full settings: %v", err)
	}
}

func TestSeverityFor(t *testing.T) {
	custom := testConfig("")
	custom.Severities = map[string]string{"low": "warning"}
	tests := []struct {
		cfg        *Config
		label      string
		normalized int
		want       string
	}{
		{testConfig(""), "CRITICAL", 90, "critical"},
		{testConfig(""), "HIGH", 70, "error"},
		{testConfig(""), "medium", 40, "warning"},
		{testConfig(""), "LOW", 1, "info"},
		{testConfig(""), "INFORMATIONAL", 0, "info"},
		{testConfig(""), "", 95, "critical"},
		{testConfig(""), "", 75, "error"},
		{testConfig(""), "", 50, "warning"},
		{testConfig(""), "", 10, "info"},
		{testConfig(""), "", 0, "warning"},
		{testConfig(""), "SEVERE", 0, "warning"},
		{custom, "LOW", 1, "warning"},
		{custom, "HIGH", 70, "error"},
	}
	for _, tt := range tests {
		if got := tt.cfg.severityFor(tt.label, tt.normalized); got != tt.want {
			t.Errorf("severityFor(%q, %d) = %q, want %q", tt.label, tt.normalized, got, tt.want)
		}
	}
}

func TestDedupKey(t *testing.T) {
	long := "arn:aws:securityhub:us-east-1:111111111111:subscription/" + strings.Repeat("x", 300)
	tests := []struct {
		name, key, want string
	}{
		{"finding id kept", "arn:aws:securityhub:eu-west-1:111111111111:subscription/x/finding/1", "arn:aws:securityhub:eu-west-1:111111111111:subscription/x/finding/1"},
		{"exactly 255", strings.Repeat("k", 255), strings.Repeat("k", 255)},
		{"256 hashed", strings.Repeat("k", 256), "sha256:…"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DedupKey(tt.key)
			if tt.name == "256 hashed" {
				if !strings.HasPrefix(got, "sha256:") || len(got) != 71 {
					t.Errorf("DedupKey = %q; want sha256: and 64 hex digits", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("DedupKey = %q, want %q", got, tt.want)
			}
		})
	}
	if a, b := DedupKey(long), DedupKey(long); a != b || len(a) > MaxDedupKey || a == DedupKey(long+"y") {
		t.Errorf("hashing is not deterministic and distinct: %q %q", a, b)
	}
	for _, odd := range []string{"id\x00with-nul", "bad \xff utf-8", "line\nbreak"} {
		if got := DedupKey(odd); !strings.HasPrefix(got, "sha256:") {
			t.Errorf("DedupKey(%q) = %q; want it hashed", odd, got)
		}
	}
}
