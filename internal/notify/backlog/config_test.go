package backlog

import (
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	neg := int64(-1)
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string // "" for valid
	}{
		{"full config", func(c *Config) {}, ""},
		{"backlog.com space", func(c *Config) { c.Space = "https://example.backlog.com/" }, ""},
		{"backlogtool.com space", func(c *Config) { c.Space = "https://example.backlogtool.com" }, ""},
		{"loopback http for tests", func(c *Config) { c.Space = "http://127.0.0.1:8080" }, ""},
		{"localhost http for tests", func(c *Config) { c.Space = "http://localhost:8080" }, ""},
		{"IPv6 loopback http for tests", func(c *Config) { c.Space = "http://[::1]:8080" }, ""},
		{"plain http to a private address", func(c *Config) { c.Space = "http://10.0.0.5:8080" }, "space: must use https"},
		{"missing space", func(c *Config) { c.Space = "" }, "space: is required"},
		{"space without scheme", func(c *Config) { c.Space = "example.backlog.jp" }, "space: must be the space's address"},
		{"plain http", func(c *Config) { c.Space = "http://example.backlog.jp" }, "space: must use https"},
		{"space with key in query", func(c *Config) { c.Space = "https://example.backlog.jp?apiKey=" + testAPIKey }, "space: must not have a query"},
		{"space with user", func(c *Config) { c.Space = "https://u:" + testAPIKey + "@example.backlog.jp" }, "space: must not contain a user name"},
		{"space with API path", func(c *Config) { c.Space = "https://example.backlog.jp/api/v2/issues" }, "space: give the space's address only"},
		{"missing api key", func(c *Config) { c.APIKey = "" }, "api_key: is required"},
		{"api key with a space", func(c *Config) { c.APIKey = testAPIKey + " x" }, "api_key: must not contain spaces"},
		{"missing project", func(c *Config) { c.ProjectID = 0 }, "project_id: is required"},
		{"missing issue type", func(c *Config) { c.IssueTypeID = 0 }, "issue_type_id: is required"},
		{"unknown priority", func(c *Config) { c.PriorityID = 1 }, "priority_id: 1 is not a Backlog priority"},
		{"fixed priority", func(c *Config) { c.PriorityID = PriorityLow }, ""},
		{"priority and map", func(c *Config) {
			c.PriorityID = 3
			c.Priorities = map[string]int64{"HIGH": 2}
		}, "priorities: cannot be combined with priority_id"},
		{"priority map, any case", func(c *Config) { c.Priorities = map[string]int64{"high": 3, "LOW": 3} }, ""},
		{"priority map bad label", func(c *Config) { c.Priorities = map[string]int64{"SEVERE": 2} }, "priorities.SEVERE: not a severity label"},
		{"priority map repeats a label", func(c *Config) { c.Priorities = map[string]int64{"HIGH": 2, "high": 3} }, "priorities.high: repeats priorities.HIGH"},
		{"priority map bad id", func(c *Config) { c.Priorities = map[string]int64{"HIGH": 9} }, "priorities.HIGH: 9 is not a Backlog priority"},
		{"negative parent", func(c *Config) { c.ParentIssueID = -1 }, "parent_issue_id: -1 must not be negative"},
		{"negative assignee", func(c *Config) { c.AssigneeID = -5 }, "assignee_id: -5 must not be negative"},
		{"zero category", func(c *Config) { c.CategoryIDs = []int64{1, 0} }, "category_ids[1]: 0 is not a positive ID"},
		{"negative notified user", func(c *Config) { c.NotifiedUserIDs = []int64{-2} }, "notified_user_ids[0]: -2 is not a positive ID"},
		{"custom field name", func(c *Config) { c.CustomFields = map[string]CustomValue{"severity": {"x"}} }, "custom_fields.severity: the key must be the custom field's numeric ID"},
		{"custom field empty", func(c *Config) { c.CustomFields = map[string]CustomValue{"7": {}} }, "custom_fields.7: has no value"},
		{"language", func(c *Config) { c.Language = "fr" }, `language: language "fr": must be "ja" or "en"`},
		{"text format", func(c *Config) { c.TextFormat = "html" }, `text_format: "html" must be "backlog" or "markdown"`},
		{"markdown", func(c *Config) { c.TextFormat = "markdown" }, ""},
		{"negative status", func(c *Config) { c.ResolvedStatusID = -4 }, "resolved_status_id: -4 must not be negative"},
		{"negative reopen status", func(c *Config) { c.ReopenedStatusID = -1 }, "reopened_status_id: -1 must not be negative"},
		{"negative resolution", func(c *Config) { c.ResolutionID = &neg }, "resolution_id: -1 must not be negative"},
		{"broken summary template", func(c *Config) { c.SummaryTemplate = "{{ .Title" }, "summary_template: render: template"},
		{"broken description template", func(c *Config) { c.DescriptionTemplate = "{{ end }}" }, "description_template: render: template"},
		{"broken comment template", func(c *Config) { c.CommentTemplate = "{{ nosuchfunc }}" }, "comment_template: render: template"},
		{"several problems at once", func(c *Config) {
			c.ProjectID = 0
			c.IssueTypeID = 0
		}, "project_id: is required and must be a positive ID, got 0\nissue_type_id: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig("https://example.backlog.jp")
			tt.modify(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("no error; want %q", tt.want)
			case err != nil && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), testAPIKey) {
				t.Errorf("the API key is in the error: %v", err)
			}
		})
	}
}

func TestConfigDecodeStrict(t *testing.T) {
	tests := []struct {
		name, settings, want string
	}{
		{"unknown setting", `{"space": "https://x.backlog.jp", "apikey": "k"}`, `settings:1:`},
		{"string project id", `{"project_id": "12345"}`, `settings:1:`},
		{"custom field object", `{"custom_fields": {"7": {"a": 1}}}`, `custom field value: want a text, a number or a list of them`},
		{"custom field null", `{"custom_fields": {"7": null}}`, `custom field value: has no value`},
		{"custom field bool in list", `{"custom_fields": {"7": [1, true]}}`, `custom field value [1]: want a text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			err := notifytest.Settings(tt.settings).Decode(&c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestConfigDecodeYAML decodes settings as the config file holds them, with
// the YAML library and strictness the config package uses.
func TestConfigDecodeYAML(t *testing.T) {
	const settings = `
space: https://example.backlog.jp
api_key: ` + testAPIKey + `
project_id: 12345
issue_type_id: 67890
priorities: {CRITICAL: 2, HIGH: 2, MEDIUM: 3}
parent_issue_id: 111
category_ids: [21, 22]
notified_user_ids: [31]
custom_fields:
  41: Security Hub
  42: [5, 6]
  43: 1.5
resolution_id: 0
language: ja
text_format: backlog
`
	var c Config
	if err := yaml.UnmarshalWithOptions([]byte(settings), &c, yaml.Strict()); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.ResolutionID == nil || *c.ResolutionID != 0 {
		t.Errorf("resolution_id 0 was lost: %v", c.ResolutionID)
	}
	got := customFieldParams(c.CustomFields)
	want := [][2]string{{"customField_41", "Security Hub"}, {"customField_42", "5"}, {"customField_42", "6"}, {"customField_43", "1.5"}}
	if !slices.Equal(got, want) {
		t.Errorf("custom fields %q, want %q", got, want)
	}
	for _, bad := range []string{"space: x\napikey: y\n", "custom_fields: {7: true}\n", "custom_fields: {7: [a, {b: c}]}\n"} {
		var c Config
		if err := yaml.UnmarshalWithOptions([]byte(bad), &c, yaml.Strict()); err == nil {
			t.Errorf("%q decoded without error", bad)
		}
	}
	var null Config
	if err := yaml.UnmarshalWithOptions([]byte("custom_fields: {7: null}\n"), &null, yaml.Strict()); err != nil {
		t.Fatal(err)
	}
	if err := null.validateCustomFields(); err == nil || !strings.Contains(err.Error(), "custom_fields.7: has no value") {
		t.Errorf("a null custom field: %v", err)
	}
}

func TestPriorityFor(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		labels map[string]int64
	}{
		{"defaults", Config{}, map[string]int64{
			"CRITICAL": 2, "HIGH": 2, "MEDIUM": 3, "LOW": 4, "INFORMATIONAL": 4, "": 3, "weird": 3, "high": 2,
		}},
		{"fixed", Config{PriorityID: 4}, map[string]int64{"CRITICAL": 4, "LOW": 4, "": 4}},
		{"overrides", Config{Priorities: map[string]int64{"medium": 2, "INFORMATIONAL": 3}}, map[string]int64{
			"CRITICAL": 2, "MEDIUM": 2, "LOW": 4, "INFORMATIONAL": 3,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for label, want := range tt.labels {
				if got := tt.cfg.priorityFor(label); got != want {
					t.Errorf("priorityFor(%q) = %d, want %d", label, got, want)
				}
			}
		})
	}
}

func TestStatusDefaults(t *testing.T) {
	var c Config
	if c.resolvedStatus() != StatusClosed || c.reopenedStatus() != StatusOpen {
		t.Errorf("defaults: resolved %d reopened %d, want 4 and 1", c.resolvedStatus(), c.reopenedStatus())
	}
	c.ResolvedStatusID, c.ReopenedStatusID = 3, 2
	if c.resolvedStatus() != 3 || c.reopenedStatus() != 2 {
		t.Errorf("configured: resolved %d reopened %d, want 3 and 2", c.resolvedStatus(), c.reopenedStatus())
	}
}
