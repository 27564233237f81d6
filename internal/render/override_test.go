package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// loadItem decodes the one finding in testdata/name with its EventBridge event.
func loadItem(t testing.TB, name string) finding.Item {
	t.Helper()
	items, errs := finding.Decode(name, readTestdata(t, name))
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("decode %s: %d findings, errors %v", name, len(items), errs)
	}
	return items[0]
}

// seed000Override is seed 000's Backlog input transformer as an Override.
func seed000Override(t testing.TB) Override {
	t.Helper()
	var paths map[string]string
	if err := json.Unmarshal(readTestdata(t, "transformer/seed000-input-paths.json"), &paths); err != nil {
		t.Fatal(err)
	}
	return Override{InputPaths: paths, InputTemplate: string(readTestdata(t, "transformer/seed000-input-template.txt")), Format: FormatJSON}
}

// slackBlocks is a Slack chat.postMessage payload written as an override,
// as OVERRIDES.md shows it.
const slackBlocks = `{
  "text": {{ printf "%s %s" .View.Severity.Emoji .View.Title | slackEscape | jsonString }},
  "blocks": [
    {"type": "header", "text": {"type": "plain_text", "text": {{ .View.Heading | truncate 150 | jsonString }}}},
    {"type": "section", "text": {"type": "mrkdwn",
      "text": {{ printf "*%s* %s\n%s" .View.Severity.Text (slackEscape .View.Title) (slackEscape .View.Details) | truncate 3000 | jsonString }}}},
    {"type": "section", "text": {"type": "mrkdwn", "text": {{ .View.Description | slackEscape | truncate 3000 | default "-" | jsonString }}}}
  ]
}`

func TestOverrideIsZero(t *testing.T) {
	tests := []struct {
		name string
		o    Override
		want bool
	}{
		{"zero", Override{}, true},
		{"blank template", Override{Template: " \n\t"}, true},
		{"blank input template, empty paths", Override{InputTemplate: "  ", InputPaths: map[string]string{}}, true},
		{"template", Override{Template: "x"}, false},
		{"input template", Override{InputTemplate: `"x"`}, false},
		{"input paths", Override{InputPaths: map[string]string{"a": "$.a"}}, false},
		{"format alone", Override{Format: FormatJSON}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.IsZero(); got != tt.want {
				t.Errorf("IsZero() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOverrideValidate(t *testing.T) {
	paths := map[string]string{"title": "$.detail.findings[0].Title"}
	tests := []struct {
		name string
		o    Override
		want string // "" for valid
	}{
		{"zero is valid", Override{}, ""},
		{"text template", Override{Template: "{{ .View.Title }}"}, ""},
		{"json template", Override{Template: `{"t": {{ jsonString .View.Title }}}`, Format: FormatJSON}, ""},
		{"html template", Override{Template: `<p>{{ .View.Title }}</p>`, Format: FormatHTML}, ""},
		{"explicit text", Override{Template: "x", Format: FormatText}, ""},
		{"text transformer", Override{InputPaths: paths, InputTemplate: "Finding: <title>"}, ""},
		{"json transformer", Override{InputPaths: paths, InputTemplate: `{"title": <title>}`, Format: FormatJSON}, ""},
		{"transformer without paths", Override{InputTemplate: `{"rule": <aws.events.rule-name>}`}, ""},

		{"both set", Override{Template: "x", InputPaths: paths, InputTemplate: "<title>"},
			"message: template and input_paths/input_template are both set"},
		{"template and input paths", Override{Template: "x", InputPaths: paths},
			"message: template and input_paths/input_template are both set"},
		{"neither, only format", Override{Format: FormatJSON},
			"message: format is set but template and input_template are not"},
		{"input paths without input template", Override{InputPaths: paths},
			"message.input_template: is required with message.input_paths"},
		{"unknown format", Override{Template: "x", Format: "xml"},
			`message.format: "xml" is not one of "text", "json", "html"`},
		{"format is case-sensitive", Override{Template: "x", Format: "JSON"},
			`message.format: "JSON" is not one of`},
		{"html transformer", Override{InputPaths: paths, InputTemplate: "<p><title></p>", Format: FormatHTML},
			"message.format: html is for template only"},
		{"json format, text transformer", Override{InputPaths: paths, InputTemplate: "Finding: <title>", Format: FormatJSON},
			"message.format: json, but message.input_template is not a JSON template"},
		{"template syntax error names the line", Override{Template: "{{ .View.Title }}\n\n{{ if }}"},
			"message.template: line 3: missing value for if"},
		{"unclosed action", Override{Template: "a\n{{ .View.Title "},
			"message.template: line 2: unclosed action"},
		{"unknown function", Override{Template: "a\nb\n{{ nope .View }}"},
			`message.template: line 3: function "nope" not defined`},
		{"env is not available", Override{Template: `{{ env "AWS_SECRET_ACCESS_KEY" }}`},
			`message.template: line 1: function "env" not defined`},
		{"html syntax error", Override{Template: "<p>\n{{ end }}", Format: FormatHTML},
			`message.template: line 2: unexpected {{end}}`},
		{"html escaping error", Override{Template: `<a href="{{ .View.ConsoleURL }}`, Format: FormatHTML},
			"message.template: ends in a non-text context"},
		{"input path key", Override{InputPaths: map[string]string{"a.b": "$.a"}, InputTemplate: "<a.b>"},
			`message.input_paths: key "a.b": '.' is not allowed`},
		{"input path syntax", Override{InputPaths: map[string]string{"v": "$..Id"}, InputTemplate: "<v>"},
			`message.input_paths: "v": path "$..Id": recursive descent`},
		{"undefined placeholder", Override{InputPaths: paths, InputTemplate: "{\n  \"t\": <title>,\n  \"x\": <nope>\n}"},
			"message.input_template: line 3, column 8: placeholder <nope> is not defined in InputPathsMap"},
		{"placeholder as key", Override{InputPaths: paths, InputTemplate: `{<title>: 1}`},
			"message.input_template: placeholder <title> at line 1, column 2 is used as an object key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			if _, cerr := tt.o.Compile("dest", Options{}); cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("Compile() = %v, want the Validate error %v", cerr, err)
			}
		})
	}
}

func TestOverrideZeroRenderer(t *testing.T) {
	r, err := Override{Template: "  "}.Compile("slack-a", Options{})
	if err != nil || r != nil {
		t.Fatalf("Compile of a zero override = %v, %v; want nil, nil", r, err)
	}
	if r.Applies(Data{}) {
		t.Error("a nil Renderer must not apply")
	}
	if r.Name() != "" || r.Format() != "" {
		t.Error("a nil Renderer has no name or format")
	}
	if _, err := r.Render(Data{}); err == nil || !strings.Contains(err.Error(), "use the built-in template") {
		t.Errorf("Render on a nil Renderer: %v", err)
	}
}

// TestOverrideTemplateFormats renders one finding through each format.
func TestOverrideTemplateFormats(t *testing.T) {
	item := loadItem(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	data := Data{Finding: item.Finding, Event: item.Event, Kind: "new", Route: "system-a", Destination: "slack-a"}
	title := "EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)"
	tests := []struct {
		name     string
		o        Override
		lang     Language
		want     string
		contains []string
	}{
		{"text", Override{Template: "{{ .View.Severity.Emoji }} {{ .View.Title }} ({{ .Route }} → {{ .Destination }})"}, English,
			"🟠 " + title + " (system-a → slack-a)", nil},
		{"text, explicit format, Japanese", Override{Template: "{{ .View.Severity.Text }} / {{ .View.Heading }} / {{ .Language }}", Format: FormatText}, Japanese,
			"高 (HIGH) / " + Translate(Japanese, MsgHeadingNew) + " / ja", nil},
		{"json", Override{Template: `{"title": {{ jsonString .View.Title }}, "account": {{ .View.AccountID | jsonString }}, "n": {{ .View.Severity.Normalized }}}`, Format: FormatJSON}, English,
			`{"title": "` + title + `", "account": "123456789012", "n": 70}`, nil},
		{"html escapes", Override{Template: `<h1>{{ .View.Title }}</h1><a href="{{ .View.ConsoleURL }}">{{ t "open_in_security_hub" }}</a>`, Format: FormatHTML}, English,
			"", []string{"<h1>" + title + "</h1>", `<a href="https://eu-west-1.console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn`, ">Open in Security Hub</a>"}},
		{"slack blocks", Override{Template: slackBlocks, Format: FormatJSON}, Japanese,
			"", []string{`"text": "🟠 ` + title + `"`, `"text": "` + Translate(Japanese, MsgHeadingNew) + `"`, `"text": "*高 (HIGH)* ` + title + `\nAWSアカウント: 123456789012`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.o.Compile("slack-a", Options{Language: tt.lang})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Applies(data) {
				t.Fatal("a template override applies to a single finding")
			}
			wantFormat := tt.o.Format
			if wantFormat == "" {
				wantFormat = FormatText
			}
			if r.Format() != wantFormat || r.Name() != "slack-a" {
				t.Errorf("Format() = %q, Name() = %q", r.Format(), r.Name())
			}
			out, err := r.Render(data)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(out) != tt.want {
				t.Errorf("got  %s\nwant %s", out, tt.want)
			}
			for _, s := range tt.contains {
				if !strings.Contains(string(out), s) {
					t.Errorf("output does not contain %q:\n%s", s, out)
				}
			}
			if r.Format() == FormatJSON && !json.Valid(out) {
				t.Errorf("json format produced invalid JSON:\n%s", out)
			}
		})
	}
}

// TestOverrideTemplateFunctions uses sprig (upper, default, dig) and
// hubrelay's helpers (severityEmoji, consoleURL, t) on every Data field.
func TestOverrideTemplateFunctions(t *testing.T) {
	item := loadItem(t, "asff/14-eb-customaction-securityhub-cis120-4.3-failed.json")
	data := Data{Finding: item.Finding, Event: item.Event, Kind: "reminder", Route: "cis", Destination: "backlog-a"}
	opts := Options{Language: Japanese, Region: "ap-northeast-1"}
	view := NewView(item.Finding, opts)
	tests := []struct {
		name string
		text string
		want string
	}{
		{"upper", `{{ .View.Severity.Label | upper }} {{ .Kind | upper }}`, "MEDIUM REMINDER"},
		{"default", `{{ .View.ActionName | default "none" }} {{ .View.ControlID | default "none" }} {{ "" | default "none" }}`, "CIS 4.3 4.3 none"},
		{"dig into the event", `{{ dig "detail" "actionDescription" "?" .Event }}|{{ dig "detail" "nope" "fallback" .Event }}`, "Remediates CIS 4.3 by removing all rules from a default security group|fallback"},
		{"index into the event", `{{ index .Event "detail-type" }} {{ (index .Event.detail.findings 0).AwsAccountId }}`, "Security Hub Findings - Custom Action 111111111111"},
		{"severityEmoji", `{{ severityEmoji .View.Severity.Label }}{{ severityEmoji "low" }}`, SeverityEmoji("MEDIUM") + SeverityEmoji("LOW")},
		{"consoleURL of the finding and the view", `{{ eq (consoleURL .Finding) (consoleURL .View) }} {{ consoleURL .View }}`, "true " + view.ConsoleURL},
		{"t", `{{ t "severity" }}: {{ .View.Severity.Name }} / {{ t "and_more" 2 }}`, "重要度: 中 / 他 2 件"},
		{"kind picks the heading", `{{ .View.Heading }}`, Translate(Japanese, MsgHeadingReminder)},
		{"finding fields", `{{ .Finding.AccountID }} {{ .Finding.Format }}`, "111111111111 asff"},
		{"digest is nil for a finding", `{{ if .Digest }}digest{{ else }}single{{ end }}`, "single"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Override{Template: tt.text}.Compile("backlog-a", opts)
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.Render(data)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
}

// TestOverrideSeed000 checks that seed 000's Backlog input transformer, as
// an Override, sends exactly the bytes NewTransformer produces, and that a
// finding without its event gets the envelope EventBridge would have sent.
func TestOverrideSeed000(t *testing.T) {
	o := seed000Override(t)
	r, err := o.Compile("backlog-system-a", Options{Language: Japanese})
	if err != nil {
		t.Fatal(err)
	}
	direct := seed000(t)
	for _, name := range []string{
		"asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json",
		"asff/14-eb-customaction-securityhub-cis120-4.3-failed.json",
		"transformer/19-hostile-description.event.json",
		"transformer/13-in-18-envelope.event.json",
	} {
		t.Run(name, func(t *testing.T) {
			item := loadItem(t, name)
			data := Data{Finding: item.Finding, Event: item.Event, Kind: "new", Route: "securityhub-to-backlog"}
			if !r.Applies(data) {
				t.Fatal("a transformer applies to a single finding")
			}
			got, err := r.Render(data)
			if err != nil {
				t.Fatal(err)
			}
			want, err := direct.Render(item.Event, Vars{RuleName: "securityhub-to-backlog"})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("override output differs from NewTransformer's\n got %s\nwant %s", got, want)
			}
			// Without its event (read by GetFindings or from a file) the
			// finding is wrapped as EventBridge would send it; seed 000's
			// paths all read detail.findings[0], so the bytes are the same.
			bare, err := r.Render(Data{Finding: item.Finding, Kind: "new"})
			if err != nil {
				t.Fatal(err)
			}
			if string(bare) != string(want) {
				t.Errorf("wrapped finding gives different output\n got %s\nwant %s", bare, want)
			}
		})
	}
	t.Run("the golden request body", func(t *testing.T) {
		item := loadItem(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
		out, err := r.Render(Data{Finding: item.Finding, Event: item.Event})
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "transformer-seed000-19.json", append(out, '\n'))
	})
}

func TestOverrideTransformerVariables(t *testing.T) {
	item := loadItem(t, "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json")
	o := Override{
		InputPaths:    map[string]string{"id": "$.detail.findings[0].Id", "type": "$.detail-type"},
		InputTemplate: "<aws.events.rule-name>: <type> at <aws.events.event.ingestion-time>\n<id>",
	}
	r, err := o.Compile("webhook-a", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(Data{Finding: item.Finding, Event: item.Event, Route: "fsbp"})
	if err != nil {
		t.Fatal(err)
	}
	want := "fsbp: Security Hub Findings - Imported at 2020-05-27T03:37:40Z\n" + item.Finding.ID
	if string(out) != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}
	if r.Format() != FormatText {
		t.Errorf("format %q, want text", r.Format())
	}
}

func TestOverrideRenderErrors(t *testing.T) {
	item := loadItem(t, "asff/08-guardduty-ssh-bruteforce.json")
	quoted := *item.Finding
	quoted.Title = `Port "22" is open`
	noRaw := *item.Finding
	noRaw.Raw = nil
	tests := []struct {
		name string
		o    Override
		data Data
		want string
	}{
		{"unknown field names line and column", Override{Template: "ok\n   {{ .View.Nope }}"}, Data{Finding: item.Finding},
			"render: slack-a: message.template: line 2, column 12: at <.View.Nope>: can't evaluate field Nope in type render.View"},
		{"columns count characters", Override{Template: "重要度 {{ .Nope }}"}, Data{Finding: item.Finding},
			"message.template: line 1, column 8: at <.Nope>: can't evaluate field Nope in type render.Data"},
		{"missing event key", Override{Template: "{{ .Event.nope }}"}, Data{Finding: item.Finding},
			`message.template: line 1, column 10: at <.Event.nope>: map has no entry for key "nope"`},
		{"fail", Override{Template: `{{ fail "no account" }}`}, Data{Finding: item.Finding},
			"message.template: line 1, column 4: at <fail \"no account\">: error calling fail: no account"},
		{"quotes break hand-written JSON", Override{Template: `{"text": "{{ .View.Title }}"}`, Format: FormatJSON}, Data{Finding: &quoted},
			"render: slack-a: message.template: output is not valid JSON: line 1, column 17: invalid character '2' after object key:value pair"},
		{"not JSON at all", Override{Template: "Title: {{ .View.Title }}", Format: FormatJSON}, Data{Finding: item.Finding},
			"message.template: output is not valid JSON: line 1, column 1: invalid character 'T' looking for beginning of value"},
		{"truncated JSON", Override{Template: "{\"a\": [1,\n2", Format: FormatJSON}, Data{Finding: item.Finding},
			"message.template: output is not valid JSON: line 2, column 1: unexpected end of JSON input"},
		{"empty output", Override{Template: `{{ if eq .Kind "resolved" }}resolved{{ end }}`}, Data{Finding: item.Finding, Kind: "new"},
			"message.template: output is empty"},
		{"output too large", Override{Template: `{{ range until 200000 }}0123456789{{ end }}`}, Data{Finding: item.Finding},
			"message.template: output is larger than 1048576 bytes"},
		{"one huge value", Override{Template: `{{ repeat 2000000 "x" }}`}, Data{Finding: item.Finding},
			"message.template: output is larger than 1048576 bytes"},
		{"malformed event", Override{Template: "x"}, Data{Finding: item.Finding, Event: []byte(`{"detail": `)},
			"render: slack-a: event: unexpected end of JSON input"},
		{"transformer without an event", Override{InputTemplate: `"<aws.events.rule-name>"`}, Data{Finding: &noRaw},
			"render: slack-a: message.input_template: no EventBridge event to transform: the message has no event, and no finding with raw JSON to wrap in one"},
		{"transformer on an event that is not an object", Override{InputTemplate: `"<aws.events.rule-name>"`}, Data{Finding: item.Finding, Event: []byte(`[1]`)},
			"render: slack-a: message.input_template: transform: event: must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.o.Compile("slack-a", Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Render(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Render() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestOverrideHostileJSON renders a finding full of quotes, markup, Slack
// mentions and invalid UTF-8 through the Slack blocks override: the payload
// stays valid JSON and no mention or link survives.
func TestOverrideHostileJSON(t *testing.T) {
	f := hostileFinding()
	for _, lang := range []Language{Japanese, English} {
		t.Run(string(lang), func(t *testing.T) {
			r, err := Override{Template: slackBlocks, Format: FormatJSON}.Compile("slack-a", Options{Language: lang})
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.Render(Data{Finding: f, Kind: "new"})
			if err != nil {
				t.Fatal(err)
			}
			var msg struct {
				Text   string `json:"text"`
				Blocks []struct {
					Text struct{ Text string } `json:"text"`
				} `json:"blocks"`
			}
			if err := json.Unmarshal(out, &msg); err != nil {
				t.Fatalf("payload is not valid JSON: %v\n%.400s", err, out)
			}
			all := msg.Text
			for _, b := range msg.Blocks {
				all += b.Text.Text
				if n := len([]rune(b.Text.Text)); n > 3000 {
					t.Errorf("block text of %d characters is over Slack's 3000", n)
				}
			}
			for _, bad := range []string{"<!channel>", "<@U123>", "<https://evil.example|click>", "\xff", "\u202e"} {
				if strings.Contains(all, bad) {
					t.Errorf("payload text contains %q", bad)
				}
			}
		})
	}
	t.Run("raw finding text is repaired", func(t *testing.T) {
		r, err := Override{Template: `{{ .Finding.Title }}|{{ toJson .Finding.Title }}`}.Compile("x", Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Render(Data{Finding: &finding.Finding{Title: "a\xffb"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := "a\ufffdb|\"a\\ufffdb\""; string(out) != want {
			t.Errorf("got %q, want %q", out, want)
		}
	})
}

func TestOverrideHTMLEscapesHostileText(t *testing.T) {
	r, err := Override{Template: `<h1>{{ .View.Title }}</h1><p>{{ .View.Description }}</p><a href="{{ .View.RemediationURL }}">fix</a><a href="{{ .Finding.Remediation.URL }}">raw</a>`, Format: FormatHTML}.Compile("email-a", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(Data{Finding: hostileFinding()})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, bad := range []string{"<script", "<img", "</title>", `href="javascript:`} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML output contains %q", bad)
		}
	}
	if !strings.Contains(s, `href="#ZgotmplZ"`) {
		t.Errorf("html/template did not neutralize the javascript: URL:\n%.300s", s)
	}
}

// TestOverrideDigest renders a digest with a template, and checks that an
// input transformer leaves digests to the built-in body.
func TestOverrideDigest(t *testing.T) {
	fs := digestFindings(t)
	opts := Options{Language: English, TopN: 3}
	digest := NewDigestView(fs, opts)
	data := Data{Digest: &digest, Kind: "new", Route: "all", Destination: "slack-digest"}

	tmpl := `{{ .Digest.Title }} ({{ .Digest.Summary }})
{{ range .Digest.Top }}- {{ .Severity.Emoji }} {{ .Title | truncate 40 }}
{{ end }}{{ .Digest.MoreText }}
{{ $first := index .Event.detail.findings 0 -}}
first event: {{ index .Event "detail-type" }} {{ dig "Id" "" $first | default (dig "metadata" "uid" "" $first) }}`
	r, err := Override{Template: tmpl}.Compile("slack-digest", opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Applies(data) {
		t.Fatal("a template applies to digests")
	}
	out, err := r.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if want := fmt.Sprintf("Security Hub digest: %d findings (%s)", len(fs), digest.Summary); lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if len(lines) != 6 || lines[4] != fmt.Sprintf("and %d more", len(fs)-3) {
		t.Errorf("want 3 findings and the rest counted:\n%s", out)
	}
	top := digest.Top[0].Finding
	if !strings.HasSuffix(string(out), top.ID) || !strings.Contains(lines[5], "first event: ") {
		t.Errorf("the event must be the first listed finding's (%s):\n%s", top.ID, out)
	}

	t.Run("the caller's event wins", func(t *testing.T) {
		item := loadItem(t, "asff/14-eb-customaction-securityhub-cis120-4.3-failed.json")
		r, err := Override{Template: `{{ if .Digest }}{{ index .Event "detail-type" }}{{ end }}`}.Compile("x", opts)
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Render(Data{Digest: &digest, Event: item.Event})
		if err != nil || string(out) != "Security Hub Findings - Custom Action" {
			t.Errorf("got %q, %v", out, err)
		}
	})

	t.Run("input transformer", func(t *testing.T) {
		r, err := seed000Override(t).Compile("backlog-a", opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Applies(data) {
			t.Error("an input transformer must not apply to a digest")
		}
		if _, err := r.Render(data); !errors.Is(err, ErrSingleFinding) {
			t.Errorf("Render(digest) = %v, want ErrSingleFinding", err)
		}
	})
}

// TestOverrideDigestAware checks that a template renders digests only when
// it reads .Digest somewhere; otherwise digests keep the built-in body.
func TestOverrideDigestAware(t *testing.T) {
	digest := NewDigestView(digestFindings(t), Options{})
	single := Data{Finding: loadFinding(t, "asff/08-guardduty-ssh-bruteforce.json")}
	tests := []struct {
		name     string
		o        Override
		digested bool
	}{
		{"single-finding template", Override{Template: "{{ .View.Title }} {{ .Kind }}"}, false},
		{"with", Override{Template: "{{ with .Digest }}{{ .Title }}{{ else }}{{ .View.Title }}{{ end }}"}, true},
		{"if", Override{Template: "{{ if .Digest }}d{{ else }}s{{ end }}"}, true},
		{"root variable", Override{Template: "{{ range .View.Types }}{{ $.Digest }}{{ end }}x"}, true},
		{"in a function argument", Override{Template: `{{ printf "%v" .Digest.Total }}`}, true},
		{"in a defined template", Override{Template: `{{ define "d" }}{{ .Digest.Title }}{{ end }}{{ template "d" . }}`}, true},
		{"in a range", Override{Template: "{{ range .Digest.Top }}{{ .Title }}{{ end }}x"}, true},
		{"in a chain", Override{Template: `{{ (index (list .) 0).Digest.Title }}`}, true},
		{"html", Override{Template: `<p>{{ with .Digest }}{{ .Summary }}{{ end }}</p>`, Format: FormatHTML}, true},
		{"html, single", Override{Template: `<p>{{ .View.Title }}</p>`, Format: FormatHTML}, false},
		{"only in text", Override{Template: "Digest: {{ .View.Title }}"}, false},
		{"View.Event is not Digest", Override{Template: "{{ .View.Event }}"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.o.Compile("x", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Applies(single) {
				t.Error("every template applies to single findings")
			}
			d := Data{Digest: &digest}
			if got := r.Applies(d); got != tt.digested {
				t.Fatalf("Applies(digest) = %v, want %v", got, tt.digested)
			}
			_, err = r.Render(d)
			if !tt.digested && !errors.Is(err, ErrSingleFinding) {
				t.Errorf("Render(digest) = %v, want ErrSingleFinding", err)
			}
			if tt.digested && err != nil {
				t.Errorf("Render(digest) = %v", err)
			}
		})
	}
}

// TestOverrideCallerView checks that a View the caller built is used as is.
func TestOverrideCallerView(t *testing.T) {
	item := loadItem(t, "asff/08-guardduty-ssh-bruteforce.json")
	view := NewView(item.Finding, Options{Language: English}).WithEvent(EventResolved)
	view.Title = "clipped"
	r, err := Override{Template: "{{ .View.Title }} / {{ .View.Heading }} / {{ .Language }}"}.Compile("x", Options{Language: Japanese})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(Data{Finding: item.Finding, View: view, Kind: "new", Language: English})
	if err != nil {
		t.Fatal(err)
	}
	if want := "clipped / Resolved Security Hub finding / en"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestOverrideConcurrentUse renders one template and one transformer from
// many goroutines; run with -race.
func TestOverrideConcurrentUse(t *testing.T) {
	item := loadItem(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	data := Data{Finding: item.Finding, Event: item.Event, Kind: "new"}
	var renderers []*Renderer
	for _, o := range []Override{{Template: slackBlocks, Format: FormatJSON}, seed000Override(t)} {
		r, err := o.Compile("x", Options{Language: Japanese})
		if err != nil {
			t.Fatal(err)
		}
		renderers = append(renderers, r)
	}
	want := make([]string, len(renderers))
	for i, r := range renderers {
		out, err := r.Render(data)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(out)
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for j := 0; j < 20; j++ {
				for i, r := range renderers {
					out, err := r.Render(data)
					if err == nil && string(out) != want[i] {
						err = fmt.Errorf("renderer %d: concurrent output differs", i)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
