package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEConfigsAreValid loads every YAML block of the README that is a
// whole config (it has destinations:), so the README cannot drift from what
// the program accepts. A block with destinations but no routes gets one route
// to all of them.
func TestREADMEConfigsAreValid(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{
		"SLACK_BOT_TOKEN":       "xoxb-1-2-readmetest",
		"TEAMS_WORKFLOW_URL":    "https://prod-00.japaneast.logic.azure.com/workflows/readmetest",
		"BACKLOG_API_KEY":       "readme-test-backlog-key",
		"JIRA_API_TOKEN":        "readme-test-jira-token",
		"GITHUB_TOKEN":          "ghp_readmetest",
		"SMTP_PASSWORD":         "readme-test-password",
		"SOC_TOKEN":             "readme-test-soc-token",
		"PAGERDUTY_ROUTING_KEY": "0123456789abcdef0123456789abcdef",
		"SOC_SIGNING_SECRET":    "0123456789abcdef0123",
		"HUBRELAY_INGEST_KEY":   "readme-test-ingest-key",
		"HUBRELAY_LINK_SECRET":  "readme-test-link-secret-0123456789abcdef",
	} {
		t.Setenv(name, value)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	checked := 0
	for i, b := range blocks {
		cfg := b[1]
		if !strings.Contains(cfg, "destinations:") {
			continue
		}
		if !strings.Contains(cfg, "routes:") {
			names := regexp.MustCompile(`(?m)^  ([a-z0-9-]+):\s*(#.*)?$`).FindAllStringSubmatch(cfg, -1)
			var to []string
			for _, n := range names {
				to = append(to, n[1])
			}
			cfg += "routes:\n  - name: all\n    pattern: {source: [aws.securityhub]}\n    to: [" + strings.Join(to, ", ") + "]\n"
		}
		path := filepath.Join(t.TempDir(), "readme.yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, "", "validate", "-c", path); code != exitOK {
			t.Errorf("README yaml block %d is not a valid config:\n%s\n%s", i, cfg, stderr)
		}
		checked++
	}
	if checked < 2 {
		t.Errorf("checked %d README configs, want the Config and Destinations examples", checked)
	}
}
