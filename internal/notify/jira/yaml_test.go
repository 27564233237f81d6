package jira

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestSettingsFromYAML decodes settings with the YAML decoder the config
// file uses, strictly, as config.Settings.Decode does: the json tags name
// the keys, and NameOrID and Priority read their YAML forms.
func TestSettingsFromYAML(t *testing.T) {
	tests := []struct {
		name, src string
		want      map[string]string // field → JSON in the Create issue body
	}{
		{"cloud", `
url: https://example.atlassian.net
email: secbot@example.com
api_token: tok-1234567890
project_key: SEC
issue_type: 10004
priority: {CRITICAL: Highest, high: High}
labels: [security hub, aws]
components: [Cloud Security]
custom_fields:
  customfield_10010: hubrelay
  customfield_10020: {value: Production}
  customfield_10030: [{name: AWS}]
  customfield_10040: 3
`, map[string]string{
			"issuetype":         `{"id":"10004"}`,
			"priority":          `{"name":"High"}`,
			"labels":            `["security_hub","aws","` + notify.Marker("delivery-new") + `"]`,
			"components":        `[{"name":"Cloud Security"}]`,
			"customfield_10010": `"hubrelay"`,
			"customfield_10020": `{"value":"Production"}`,
			"customfield_10030": `[{"name":"AWS"}]`,
			"customfield_10040": `3`,
		}},
		{"data center", `
url: https://jira.example.com/jira
personal_access_token: pat-1234567890
project_key: SEC
issue_type: Bug
priority: Major
`, map[string]string{
			"issuetype": `{"name":"Bug"}`,
			"priority":  `{"name":"Major"}`,
		}},
	}
	m := sampleNamed(t, "new-ec2.8") // HIGH
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg Config
			if err := yaml.UnmarshalWithOptions([]byte(tt.src), &cfg, yaml.Strict()); err != nil {
				t.Fatal(err)
			}
			req, err := BuildRequest(m, &cfg, renderOptions(render.English))
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(req.Issue)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Fields map[string]json.RawMessage `json:"fields"`
			}
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			for field, want := range tt.want {
				if got := string(body.Fields[field]); got != want {
					t.Errorf("fields.%s = %s, want %s", field, got, want)
				}
			}
		})
	}
	for _, bad := range []struct{ src, want string }{
		{"url: https://x.atlassian.net\nprojct_key: SEC\n", "projct_key"},
		{"issue_type: [Bug]\n", "want a name or a numeric ID"},
		{"priority: [High]\n", "want a priority name"},
	} {
		var cfg Config
		err := yaml.UnmarshalWithOptions([]byte(bad.src), &cfg, yaml.Strict())
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("decoding %q = %v, want an error about %s", bad.src, err, bad.want)
		}
	}
}
