package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// templateFixtures returns the findings the built-in templates are checked on.
func templateFixtures() []string {
	return []string{
		"asff/08-guardduty-ssh-bruteforce.json",
		"asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json",
		"ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json",
	}
}

// goldenExt is the file extension of a kind's golden files.
func goldenExt(k Kind) string {
	switch {
	case k.HTML():
		return ".html"
	case k == KindIssueMarkdown || k == KindBacklogDescription:
		return ".md"
	}
	return ".txt"
}

func TestBuiltinTemplatesGolden(t *testing.T) {
	for _, kind := range Kinds() {
		if kind.Digest() {
			continue
		}
		for _, lang := range []Language{Japanese, English} {
			opts := goldenOptions(lang)
			tmpl, err := LoadTemplate(kind, "", opts)
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			for _, name := range templateFixtures() {
				t.Run(string(kind)+"/"+string(lang)+"/"+fixtureStem(name), func(t *testing.T) {
					out, err := tmpl.Execute(NewView(loadFinding(t, name), opts))
					if err != nil {
						t.Fatal(err)
					}
					if kind.OneLine() && strings.ContainsAny(string(out), "\r\n") {
						t.Errorf("one-line kind produced several lines: %q", out)
					}
					checkGolden(t, string(kind)+"-"+fixtureStem(name)+"."+string(lang)+goldenExt(kind), out)
				})
			}
		}
	}
}

func TestBuiltinTemplatesEvents(t *testing.T) {
	f := loadFinding(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	tests := []struct {
		kind  Kind
		event Event
		lang  Language
		want  string
	}{
		{KindEmailSubject, EventNew, Japanese, "[Security Hub][高] EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)"},
		{KindEmailSubject, EventResolved, Japanese, "[Security Hub][高] 解決した Security Hub の検出結果: EC2.8"},
		{KindEmailSubject, EventReopened, English, "[Security Hub][High] Reopened Security Hub finding: EC2.8"},
		{KindIssueTitle, EventNew, Japanese, "[高] EC2.8 EC2 instances"},
		{KindBacklogDescription, EventNew, Japanese, "AWS Security Hubで以下が検出されました。\n\n検出内容:\n"},
		{KindBacklogDescription, EventReminder, Japanese, "この検出結果はまだ対応されていません。\n\n検出内容:\n"},
		{KindBacklogDescription, EventNew, English, "AWS Security Hub detected the following.\n\nDescription:\n"},
		{KindEmailText, EventReopened, Japanese, "再検出された Security Hub の検出結果\n解決済みだったこの検出結果が再び検出されました。\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+string(tt.event), func(t *testing.T) {
			tmpl, err := LoadTemplate(tt.kind, "", Options{Language: tt.lang})
			if err != nil {
				t.Fatal(err)
			}
			out, err := tmpl.Execute(NewView(f, Options{Language: tt.lang}).WithEvent(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(out), tt.want) {
				t.Errorf("output does not start with %q:\n%s", tt.want, out)
			}
		})
	}
}

// digestFindings are all the golden fixtures, as one digest.
func digestFindings(t testing.TB) []*finding.Finding {
	var fs []*finding.Finding
	for _, name := range goldenFixtures() {
		fs = append(fs, loadFinding(t, name))
	}
	return fs
}

func TestDigestTemplatesGolden(t *testing.T) {
	fs := digestFindings(t)
	for _, lang := range []Language{Japanese, English} {
		opts := goldenOptions(lang)
		opts.TopN = 5
		d := NewDigestView(fs, opts)
		for _, kind := range Kinds() {
			if !kind.Digest() {
				continue
			}
			t.Run(string(kind)+"/"+string(lang), func(t *testing.T) {
				tmpl, err := LoadTemplate(kind, "", opts)
				if err != nil {
					t.Fatal(err)
				}
				out, err := tmpl.Execute(d)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, string(kind)+"."+string(lang)+goldenExt(kind), out)
			})
		}
	}
}

func TestLoadTemplateOverride(t *testing.T) {
	tmpl, err := LoadTemplate(KindEmailSubject, `{{ .Severity.Emoji }} {{ .Title | oneLine }}`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := tmpl.Execute(NewView(loadFinding(t, "asff/08-guardduty-ssh-bruteforce.json"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "🟡 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356."; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if _, err := LoadTemplate("nope", "", Options{}); err == nil || !strings.Contains(err.Error(), `no built-in template "nope"`) {
		t.Errorf("unknown kind: %v", err)
	}
	html, err := LoadTemplate(KindEmailHTML, `<b>{{ .Title }}</b>`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err = html.Execute(View{Title: "<script>x</script>"})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "<b>&lt;script&gt;x&lt;/script&gt;</b>" {
		t.Errorf("an HTML override must still be an html/template: %s", out)
	}
}

func TestTemplateHelpers(t *testing.T) {
	f := loadFinding(t, "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json")
	view := NewView(f, Options{Language: Japanese, Region: "ap-northeast-1"})
	tests := []struct {
		name string
		text string
		data any
		want string
	}{
		{"severityColor", `{{ severityColor "high" }}`, nil, "#E8590C"},
		{"severityEmoji", `{{ severityEmoji .Severity.Label }}`, view, "🔴"},
		{"severityName", `{{ severityName "LOW" }}`, nil, "低"},
		{"consoleURL of a view", `{{ consoleURL . }}`, view, view.ConsoleURL},
		{"consoleURL of a finding", `{{ consoleURL .Finding }}`, view, view.ConsoleURL},
		{"remediationURL", `{{ remediationURL .Finding }}|{{ remediationURL . }}`, view,
			"https://docs.aws.amazon.com/console/securityhub/standards-cis-1.13/remediation|https://docs.aws.amazon.com/console/securityhub/standards-cis-1.13/remediation"},
		{"localTime of a time", `{{ localTime .Finding.CreatedAt }}`, view, "2020/05/22 05:16:34 JST"},
		{"localTime of a timestamp", `{{ localTime .UpdatedAt }}`, view, "2020/06/09 17:16:36 JST"},
		{"localTime of a string", `{{ localTime "2024-01-01T00:00:00Z" }}`, nil, "2024/01/01 09:00:00 JST"},
		{"localTime of nothing", `[{{ localTime "" }}]`, nil, "[]"},
		{"t", `{{ t "severity" }} {{ t "and_more" 3 }}`, nil, "重要度 他 3 件"},
		{"truncate", `{{ truncate 12 "あいうえおかきくけこさしすせそ" }}`, nil, "あい…（省略されました）"},
		{"truncate in a pipe", `{{ "short" | truncate 10 }}`, nil, "short"},
		{"slackEscape", `{{ slackEscape "<!channel> & <@U123>" }}`, nil, "&lt;!channel&gt; &amp; &lt;@U123&gt;"},
		{"markdownEscape", `{{ markdownEscape "*bold* [x](y)" }}`, nil, `\*bold\* \[x\](y)`},
		{"markdownURL", `{{ markdownURL "https://a.example/x_(y)" }}`, nil, "https://a.example/x_%28y%29"},
		{"jsonString", `{{ jsonString "say \"hi\"\n<b>" }}`, nil, `"say \"hi\"\n\u003cb\u003e"`},
		{"oneLine", `{{ oneLine "a\n  b\tc" }}`, nil, "a b c"},
		{"sprig", `{{ "abc" | upper }} {{ list 1 2 | len }}`, nil, "ABC 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := NewTemplate(tt.name, tt.text, Options{Language: Japanese, Region: "ap-northeast-1"})
			if err != nil {
				t.Fatal(err)
			}
			out, err := tmpl.Execute(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		data any
		html bool
		want string
	}{
		{"parse error names template and line", "ok\n{{ if }}", nil, false, `template "slack-body": template: slack-body:2: missing value for if`},
		{"unknown function", "\n\n{{ nope }}", nil, false, `slack-body:3: function "nope" not defined`},
		{"env is removed", `{{ env "HOME" }}`, nil, false, `function "env" not defined`},
		{"expandenv is removed", `{{ expandenv "$HOME" }}`, nil, false, `function "expandenv" not defined`},
		{"getHostByName is removed", `{{ getHostByName "example.com" }}`, nil, true, `function "getHostByName" not defined`},
		{"unknown field", "a\n{{ .Nope }}", View{}, false, `slack-body:2:3: executing "slack-body" at <.Nope>: can't evaluate field Nope`},
		{"unknown message key", `{{ t "nope" }}`, nil, false, `slack-body:1:3: executing "slack-body" at <t "nope">: error calling t: t: unknown message key "nope"`},
		{"bad localTime", `{{ localTime 5 }}`, nil, false, "localTime: want a time, got int"},
		{"bad consoleURL", `{{ consoleURL "x" }}`, nil, true, "consoleURL: want a finding or a view, got string"},
		{"missing map key", `{{ .a }}`, map[string]string{}, false, `map has no entry for key "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newTemplate := NewTemplate
			if tt.html {
				newTemplate = NewHTMLTemplate
			}
			tmpl, err := newTemplate("slack-body", tt.text, Options{})
			if err == nil {
				_, err = tmpl.Execute(tt.data)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// hostileFinding carries every kind of text that must not break a payload.
func hostileFinding() *finding.Finding {
	return &finding.Finding{
		ID:          `arn:aws:securityhub:ap-northeast-1:123456789012:finding/"><script>alert(1)</script>`,
		Title:       "<!channel> <@U123> <https://evil.example|click> *bold* </title><script>alert(1)</script>",
		Description: "Line 1 \"quoted\" & 'single'\n# Heading\n- list\n1. item\n<img src=x onerror=alert(1)>\n[phish](https://evil.example) ![img](https://evil.example/x.png)\n`code` | table | @here @org/team\n\xff\xfe invalid UTF-8 \u202eRTL\u202c " + strings.Repeat("長い説明。", 20000),
		AccountID:   "123456789012",
		Region:      "ap-northeast-1",
		ProductName: "<b>Product</b>",
		Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
		Resources:   []finding.Resource{{Type: "<AwsEc2Instance>", ID: "i-123</td><script>"}},
		Remediation: finding.Remediation{Text: "<a href=javascript:alert(1)>fix</a>", URL: "javascript:alert(1)"},
		Compliance:  finding.Compliance{Status: "FAILED", SecurityControlID: "EC2.8"},
		Workflow:    "NEW",
		RecordState: "ACTIVE",
		CreatedAt:   time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Format:      finding.FormatASFF,
	}
}

func TestTemplatesHostileText(t *testing.T) {
	f := hostileFinding()
	for _, lang := range []Language{Japanese, English} {
		opts := Options{Language: lang}
		view := NewView(f, opts)
		digest := NewDigestView([]*finding.Finding{f, f}, opts)
		for _, kind := range Kinds() {
			t.Run(string(kind)+"/"+string(lang), func(t *testing.T) {
				tmpl, err := LoadTemplate(kind, "", opts)
				if err != nil {
					t.Fatal(err)
				}
				var data any = view
				if kind.Digest() {
					data = digest
				}
				out, err := tmpl.Execute(data)
				if err != nil {
					t.Fatal(err)
				}
				s := string(out)
				if strings.Contains(s, "\xff") || strings.Contains(s, "\u202e") {
					t.Error("invalid UTF-8 or a bidi override reached the output")
				}
				for _, link := range []string{"](javascript:", `href="javascript:`, "<javascript:"} {
					if strings.Contains(s, link) {
						t.Errorf("a javascript: link reached the output: %q", link)
					}
				}
				switch {
				case kind.HTML():
					for _, bad := range []string{"<script", "<img", "<b>Product", "<AwsEc2Instance>", "</td><script>"} {
						if strings.Contains(s, bad) {
							t.Errorf("HTML output contains unescaped %q", bad)
						}
					}
				case kind == KindIssueMarkdown || kind == KindBacklogDescription:
					for _, bad := range []string{"<img", "<script", "\n# Heading", "\n- list", "\n1. item", "[phish](", "![img](", "`code`", "@here", "*bold*"} {
						if unescapedIn(s, bad) {
							t.Errorf("Markdown output contains unescaped %q", bad)
						}
					}
				}
			})
		}
	}
}

// TestJSONPayloadStaysValid builds a Slack-style JSON payload from hostile
// text with jsonString and slackEscape, as destinations will.
func TestJSONPayloadStaysValid(t *testing.T) {
	const payload = `{"text": {{ jsonString (printf "%s %s" .Severity.Emoji (slackEscape .Title)) }},
"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": {{ jsonString (truncate 3000 (slackEscape .Description)) }}}}],
"link": {{ jsonString .ConsoleURL }}}`
	tmpl, err := NewTemplate("slack", payload, Options{Language: Japanese})
	if err != nil {
		t.Fatal(err)
	}
	out, err := tmpl.Execute(NewView(hostileFinding(), Options{Language: Japanese}))
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
		t.Fatalf("payload is not valid JSON: %v\n%.500s", err, out)
	}
	for _, forbidden := range []string{"<!channel>", "<@U123>", "<https://evil.example|click>"} {
		if strings.Contains(msg.Text, forbidden) {
			t.Errorf("Slack text still contains %q: %s", forbidden, msg.Text)
		}
	}
	if n := len([]rune(msg.Blocks[0].Text.Text)); n > 3000 || !strings.HasSuffix(msg.Blocks[0].Text.Text, "…（省略されました）") {
		t.Errorf("block text is %d characters, ends %q", n, msg.Blocks[0].Text.Text[len(msg.Blocks[0].Text.Text)-30:])
	}
}

// unescapedIn reports whether sub occurs in s without a backslash before it.
func unescapedIn(s, sub string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		at := i + j
		if strings.HasPrefix(sub, "\n") {
			at++ // the markup starts after the newline
		}
		if at == 0 || s[at-1] != '\\' {
			return true
		}
		i = i + j + 1
	}
}

// TestConcurrentUse runs one transformer and one template from many
// goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	tr := seed000(t)
	event := readTestdata(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	opts := Options{Language: Japanese}
	html, err := LoadTemplate(KindEmailHTML, "", opts)
	if err != nil {
		t.Fatal(err)
	}
	view := NewView(loadFinding(t, "asff/08-guardduty-ssh-bruteforce.json"), opts)
	want, err := html.Execute(view)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 20; j++ {
				if _, err := tr.Render(event, Vars{}); err != nil {
					errs <- err
					return
				}
				out, err := html.Execute(view)
				if err != nil {
					errs <- err
					return
				}
				if string(out) != string(want) {
					errs <- fmt.Errorf("concurrent output differs")
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
