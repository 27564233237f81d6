package jira

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// overrideText is a text override as a user would write it: the view's
// fields, a link, Markdown-looking characters that must stay literal.
const overrideTemplate = `{{ .View.Severity.Emoji }} {{ .View.Heading }}

*{{ t "severity" }}*: {{ .View.Severity.Text }} / {{ t "account" }}: {{ .View.AccountID }} / {{ t "region" }}: {{ .View.Region }}
{{ .View.Title }}

{{ range .View.Resources }}- {{ .Text }}
{{ end }}
{{ .View.ConsoleURL }}
route {{ .Route }}, {{ .Kind }}`

// overrideDigestTemplate renders digests too: it reads .Digest.
const overrideDigestTemplate = `{{- with .Digest -}}
{{ .Title }}: {{ .Summary }}
{{ range .Top }}- {{ .Severity.Emoji }} {{ .Title }} {{ .ConsoleURL }}
{{ end }}{{ .MoreText }}

{{ .ConsoleURL }}
{{- else -}}
{{ .View.Heading }}: {{ .View.Title }}
{{- end }}`

// seedTextTransformer is seed 000's input transformer (see
// internal/render/testdata) with its template as plain text, which is what
// a Jira description takes.
func seedTextTransformer() render.Override {
	return render.Override{
		InputPaths: map[string]string{
			"Account":        "$.detail.findings[0].AwsAccountId",
			"Description":    "$.detail.findings[0].Description",
			"Resource":       "$.detail.findings[0].Resources[0].Id",
			"Summary":        "$.detail.findings[0].Title",
			"Region":         "$.detail.findings[0].Region",
			"Severity":       "$.detail.findings[0].FindingProviderFields.Severity.Label",
			"ScanId":         "$.detail.findings[0].Id",
			"Recommendation": "$.detail.findings[0].Remediation.Recommendation.Url",
		},
		InputTemplate: "AWS Security Hubで以下が検出されました。\n\n検出内容:\n<Description>\n\n重要度: <Severity>\n\nAWSアカウント: <Account>\nリージョン: <Region>\nリソース: <Resource>\n\n検索ID: <ScanId>\n\nRecommendation: <Recommendation>\n",
	}
}

func TestConfigValidateMessage(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string // "" for valid
	}{
		{"template", func(c *Config) { c.Message.Template = overrideTemplate }, ""},
		{"template, format text", func(c *Config) { c.Message = render.Override{Template: "x", Format: "text"} }, ""},
		{"input transformer", func(c *Config) { c.Message = seedTextTransformer() }, ""},
		{"with summary_template", func(c *Config) { c.Message.Template = "x"; c.SummaryTemplate = "{{ .Title }}" }, ""},
		{"broken template", func(c *Config) { c.Message.Template = "a\n{{ .View.Title" }, "message.template: line 2"},
		{"format json", func(c *Config) { c.Message = render.Override{Template: `{"a": 1}`, Format: "json"} }, `message.format: "json" is not supported by jira`},
		{"format html", func(c *Config) { c.Message = render.Override{Template: "<b>x</b>", Format: "html"} }, `message.format: "html" is not supported by jira`},
		{"unknown format", func(c *Config) { c.Message = render.Override{Template: "x", Format: "xml"} }, "message.format:"},
		{"format alone", func(c *Config) { c.Message.Format = "text" }, "message: format is set"},
		{"template and transformer", func(c *Config) { c.Message = seedTextTransformer(); c.Message.Template = "x" }, "message: template and input_paths"},
		{"paths without template", func(c *Config) { c.Message.InputPaths = map[string]string{"a": "$.id"} }, "message.input_template: is required"},
		{"bad input path", func(c *Config) {
			c.Message = render.Override{InputPaths: map[string]string{"a.b": "$.id"}, InputTemplate: "<a.b>"}
		}, "message.input_paths:"},
		{"with description_template", func(c *Config) { c.Message.Template = "x"; c.DescriptionTemplate = "y" }, "message: cannot be combined with description_template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("https://example.atlassian.net")
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
			env, _ := notifytest.NewEnv(t)
			_, err = New("jira-sec", cfg, env)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("New = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestMessageSettingsDecoding decodes message: strictly, as the
// configuration loader does.
func TestMessageSettingsDecoding(t *testing.T) {
	var cfg Config
	err := notifytest.Settings(`{"message": {"template": "{{ .View.Title }}", "format": "text"}}`).Decode(&cfg)
	if err != nil || cfg.Message.Template != "{{ .View.Title }}" || cfg.Message.Format != "text" {
		t.Fatalf("Decode = %v, %+v", err, cfg.Message)
	}
	if err := notifytest.Settings(`{"message": {"templat": "x"}}`).Decode(&cfg); err == nil || !strings.Contains(err.Error(), "templat") {
		t.Errorf("Decode of an unknown message key = %v, want an error naming it", err)
	}
}

// TestOverrideGoldenRequests builds issues with a message override in each
// format jira takes (text, from a Go template and from an input
// transformer), for both API versions, and a digest with a template that
// reads .Digest. Run with -update to rewrite testdata/golden/override-*.
func TestOverrideGoldenRequests(t *testing.T) {
	tests := []struct {
		name    string
		sample  string
		message render.Override
		lang    render.Language
	}{
		{"template-new-ec2.8", "new-ec2.8", render.Override{Template: overrideTemplate, Format: "text"}, render.English},
		{"template-new-guardduty", "new-guardduty", render.Override{Template: overrideTemplate}, render.Japanese},
		{"transformer-new-ec2.8", "new-ec2.8", seedTextTransformer(), render.Japanese},
		{"template-digest", "digest", render.Override{Template: overrideDigestTemplate}, render.English},
	}
	for _, tt := range tests {
		for _, version := range []int{3, 2} {
			name := "override-v" + string(rune('0'+version)) + "-" + tt.name
			t.Run(name, func(t *testing.T) {
				cfg := testConfig("https://example.atlassian.net")
				if version == 2 {
					cfg = serverConfig("https://jira.example.com")
				}
				cfg.Message = tt.message
				req, err := BuildRequest(sampleNamed(t, tt.sample), cfg, renderOptions(tt.lang))
				if err != nil {
					t.Fatal(err)
				}
				checkRequestPayload(t, req)
				got := describe(t, req)
				builtin, err := BuildRequest(sampleNamed(t, tt.sample), serverOrCloud(version), renderOptions(tt.lang))
				if err != nil {
					t.Fatal(err)
				}
				if builtin.Issue.Fields.Summary != req.Issue.Fields.Summary {
					t.Errorf("summary %q, want the built-in %q", req.Issue.Fields.Summary, builtin.Issue.Fields.Summary)
				}
				if got == describe(t, builtin) {
					t.Error("the override did not change the request")
				}
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(got))
			})
		}
	}
}

func serverOrCloud(version int) *Config {
	if version == 2 {
		return serverConfig("https://jira.example.com")
	}
	return testConfig("https://example.atlassian.net")
}

// TestOverrideKeepsBuiltIn checks what the override leaves alone: digests
// when it does not read .Digest (or is an input transformer), comments and
// transitions, and the summary (summary_template still applies).
func TestOverrideKeepsBuiltIn(t *testing.T) {
	overrides := map[string]render.Override{
		"template":    {Template: overrideTemplate},
		"transformer": seedTextTransformer(),
		"digest":      {Template: overrideDigestTemplate},
	}
	for name, o := range overrides {
		for _, s := range []string{"digest", "digest-comment", "reminder", "resolved", "reopened", "resolved-without-issue"} {
			if name == "digest" && s == "digest" {
				continue // renders the digest: see the golden files
			}
			for _, version := range []int{3, 2} {
				t.Run(name+"/"+s+"/v"+string(rune('0'+version)), func(t *testing.T) {
					cfg := serverOrCloud(version)
					cfg.Message = o
					got, err := BuildRequest(sampleNamed(t, s), cfg, renderOptions(render.Japanese))
					if err != nil {
						t.Fatal(err)
					}
					want, err := BuildRequest(sampleNamed(t, s), serverOrCloud(version), renderOptions(render.Japanese))
					if err != nil {
						t.Fatal(err)
					}
					if describe(t, got) != describe(t, want) {
						t.Errorf("the override changed the request:\n%s\nwant the built-in:\n%s", describe(t, got), describe(t, want))
					}
				})
			}
		}
	}
	t.Run("summary_template", func(t *testing.T) {
		cfg := testConfig("https://example.atlassian.net")
		cfg.Message.Template = overrideTemplate
		cfg.SummaryTemplate = "{{ .AccountID }}: {{ .Title }}"
		req, err := BuildRequest(sampleNamed(t, "new-ec2.8"), cfg, renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		if s := req.Issue.Fields.Summary; !strings.HasPrefix(s, "123456789012: EC2.8 ") {
			t.Errorf("summary %q, want summary_template's", s)
		}
	})
}

// TestOverrideRenderError: a template that fails on a finding fails that
// message with an error naming the setting and the line.
func TestOverrideRenderError(t *testing.T) {
	cfg := testConfig("https://example.atlassian.net")
	cfg.Message.Template = "ok\n{{ .View.Nope }}"
	_, err := BuildRequest(sampleNamed(t, "new-ec2.8"), cfg, renderOptions(render.English))
	if err == nil || !strings.Contains(err.Error(), "message.template: line 2") {
		t.Fatalf("BuildRequest = %v, want an error naming message.template, line 2", err)
	}
	cfg.Message.Template = `{{ if false }}x{{ end }}`
	_, err = BuildRequest(sampleNamed(t, "new-ec2.8"), cfg, renderOptions(render.English))
	if err == nil || !strings.Contains(err.Error(), "output is empty") {
		t.Fatalf("BuildRequest = %v, want an empty-output error", err)
	}
}

// TestOverrideHostileFindings renders every hostile finding text through
// overrides that print the raw finding fields (no escaping at all) and
// checks the payload stays valid: JSON, ADF or wiki markup with no markup or
// links of the finding's own, within Jira's limits.
func TestOverrideHostileFindings(t *testing.T) {
	base := fixture(t, fxEC28).Finding
	other := fixture(t, fxGuardDuty).Finding
	overrides := []render.Override{
		{Template: "{{ .Finding.Title }}\n\n{{ .Finding.Description }}\n{{ .Finding.Remediation.URL }}\n{{ range .Finding.Resources }}{{ .ID }}\n{{ end }}"},
		{Template: "{{ with .Digest }}{{ range .Top }}{{ .Title }} {{ .Description }}\n{{ end }}{{ else }}{{ .View.Description }}{{ end }}"},
		{InputPaths: map[string]string{"t": "$.detail.findings[0].Title", "d": "$.detail.findings[0].Description"}, InputTemplate: "<t>\n\n<d>"},
	}
	for _, text := range hostileSeeds {
		for i, o := range overrides {
			for _, version := range []int{3, 2} {
				for _, digest := range []bool{false, true} {
					cfg := serverOrCloud(version)
					cfg.Message = o
					f := hostileFinding(base, text)
					event, err := json.Marshal(map[string]any{"detail": map[string]any{"findings": []any{map[string]any{"Title": text, "Description": text}}}})
					if err != nil {
						t.Fatal(err)
					}
					m := &notify.Message{Kind: notify.KindNew, Route: "r", Destination: "d", Key: "k", Finding: f, Event: event}
					if digest {
						m.Finding = nil
						m.Digest = &notify.Digest{Findings: []*finding.Finding{f, hostileFinding(other, text)}, Total: 3}
					}
					req, err := BuildRequest(m, cfg, renderOptions(render.English))
					if err != nil {
						t.Fatalf("override %d, v%d, digest %v, text %.40q: %v", i, version, digest, text, err)
					}
					checkRequestPayload(t, req)
				}
			}
		}
	}
}
