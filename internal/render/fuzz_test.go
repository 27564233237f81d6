package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// FuzzTransformer compiles an InputPathsMap (JSON; anything else is used as
// the one path of variable "v") and an InputTemplate, and renders an event.
// Whatever the input: no panic, errors only for bad input, output always
// valid UTF-8, and a JSON template always yields valid JSON.
func FuzzTransformer(f *testing.F) {
	seedPaths := string(readTestdata(f, "transformer/seed000-input-paths.json"))
	seedTemplate := string(readTestdata(f, "transformer/seed000-input-template.txt"))
	for _, event := range []string{
		"asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json",
		"asff/14-eb-customaction-securityhub-cis120-4.3-failed.json",
		"transformer/19-hostile-description.event.json",
		"transformer/13-in-18-envelope.event.json",
	} {
		f.Add(seedPaths, seedTemplate, readTestdata(f, event))
	}
	ec2Paths := `{"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state", "resource": "$.resources[0]"}`
	for _, template := range []string{
		`"instance <instance> is in <state>"`,
		`"instance \"<instance>\" is in <state>"`,
		`{"instance": <instance>, "state": [9, <state>, true], "all": "<aws.events.event>"}`,
		`{"originalEvent": <aws.events.event>, "json": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}`,
		`<instance> is in state <status> <aws.events.rule-name>`,
		`{<instance>: 1}`,
	} {
		f.Add(ec2Paths, template, []byte(ec2Event))
	}
	f.Add("$.detail.findings[*].Resources[*].Id", `{"ids": <v>, "s": "<v>"}`, readTestdata(f, "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"))
	f.Add("$.detail.*", `"<v>"`, []byte(`{"detail": {"a": "x\"y\\z\n", "b": [null, 1.5e3, {"c": "\u2028"}]}}`))

	f.Fuzz(func(t *testing.T, pathsText, template string, event []byte) {
		var paths map[string]string
		if err := json.Unmarshal([]byte(pathsText), &paths); err != nil {
			paths = map[string]string{"v": pathsText}
		}
		tr, err := NewTransformer(paths, template)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		vars := Vars{RuleARN: "arn:aws:events:ap-northeast-1:123456789012:rule/r", RuleName: "r", IngestionTime: time.Unix(1700000000, 0)}
		out, err := tr.Render(event, vars)
		if err != nil {
			trimmed := bytes.TrimSpace(event)
			if json.Valid(event) && len(trimmed) > 0 && trimmed[0] == '{' && !strings.Contains(err.Error(), "nesting deeper") {
				t.Fatalf("valid event rejected: %v", err)
			}
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("output is not valid UTF-8: %q", out)
		}
		if tr.JSON() && !json.Valid(out) {
			t.Fatalf("JSON template produced invalid JSON: %s", out)
		}
	})
}

// FuzzTemplate runs every built-in template, and a Slack JSON payload, over
// findings made of arbitrary text. The output must always be produced, be
// valid UTF-8, keep HTML escaped, keep Markdown from opening tags, and keep
// the JSON payload valid with no Slack mention or link syntax left.
func FuzzTemplate(f *testing.F) {
	for _, name := range goldenFixtures() {
		fd := loadFinding(f, name)
		f.Add(fd.Title, fd.Description, fd.AccountID, fd.Severity.Label, firstResourceID(fd), fd.Remediation.URL, fd.Remediation.Text)
	}
	h := hostileFinding()
	f.Add(h.Title, h.Description[:600], h.AccountID, h.Severity.Label, h.Resources[0].ID, h.Remediation.URL, h.Remediation.Text)
	f.Add("<!channel>", "<@U123> <https://evil|x> &amp;", "<b>", "<i>", "</td>", "https://x.example/)[a](b", "`` ``")
	f.Add("\xff\xfe", "\r\n\x00\u202e", "\n", "crItical", "\\", "http://[::1]:80/", "- a\n1. b\n# c")

	const slackPayload = `{"text": {{ jsonString (printf "%s %s" .Severity.Emoji (slackEscape .Title)) }},
"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": {{ jsonString (truncate 3000 (slackEscape .Description)) }}}},
{"type": "context", "elements": [{"type": "mrkdwn", "text": {{ jsonString (slackEscape .Details) }}}]}],
"link": {{ jsonString .ConsoleURL }}}`

	type compiled struct {
		kind Kind
		tmpl *Template
	}
	var templates [2][]compiled
	var slack [2]*Template
	for i, lang := range []Language{Japanese, English} {
		for _, kind := range Kinds() {
			tmpl, err := LoadTemplate(kind, "", Options{Language: lang})
			if err != nil {
				f.Fatal(err)
			}
			templates[i] = append(templates[i], compiled{kind, tmpl})
		}
		var err error
		if slack[i], err = NewTemplate("slack", slackPayload, Options{Language: lang}); err != nil {
			f.Fatal(err)
		}
	}

	f.Fuzz(func(t *testing.T, title, description, account, label, resourceID, remediationURL, remediationText string) {
		fd := &finding.Finding{
			ID:          "arn:aws:securityhub:ap-northeast-1:" + account + ":finding/" + resourceID,
			ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
			ProductName: label,
			AccountID:   account,
			Region:      "ap-northeast-1",
			Title:       title,
			Description: description,
			Severity:    finding.Severity{Label: label},
			Resources:   []finding.Resource{{Type: label, ID: resourceID}, {Type: "Other", ID: title}},
			Remediation: finding.Remediation{Text: remediationText, URL: remediationURL},
			Compliance:  finding.Compliance{Status: label, SecurityControlID: resourceID},
			Workflow:    label,
			RecordState: label,
			CreatedAt:   time.Unix(1700000000, 0),
			Format:      finding.FormatASFF,
		}
		// One language per input keeps each run cheap; the fuzzer reaches both.
		i, lang := 0, Japanese
		if len(title)%2 == 1 {
			i, lang = 1, English
		}
		{
			opts := Options{Language: lang, MaxResources: 1}
			view := NewView(fd, opts)
			digest := NewDigestView([]*finding.Finding{fd, fd}, opts)
			for _, c := range templates[i] {
				var data any = view
				if c.kind.Digest() {
					data = digest
				}
				out, err := c.tmpl.Execute(data)
				if err != nil {
					t.Fatalf("%s: %v", c.kind, err)
				}
				checkTemplateOutput(t, c.kind, out)
			}
			out, err := slack[i].Execute(view)
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
				t.Fatalf("Slack payload is not valid JSON: %v\n%s", err, out)
			}
			if strings.ContainsAny(msg.Text+msg.Blocks[0].Text.Text, "<>") {
				t.Fatalf("Slack text keeps an angle bracket: %q", msg.Text)
			}
		}
	})
}

func firstResourceID(f *finding.Finding) string {
	if len(f.Resources) == 0 {
		return ""
	}
	return f.Resources[0].ID
}

// checkTemplateOutput applies the invariants of each kind of output.
func checkTemplateOutput(t *testing.T, kind Kind, out []byte) {
	t.Helper()
	s := string(out)
	if !utf8.ValidString(s) {
		t.Fatalf("%s: output is not valid UTF-8", kind)
	}
	if strings.Contains(s, "\u202e") {
		t.Fatalf("%s: a bidi override reached the output", kind)
	}
	if kind.OneLine() && strings.ContainsAny(s, "\r\n") {
		t.Fatalf("%s: one-line output has a line break: %q", kind, s)
	}
	switch {
	case kind.HTML():
		// Only the template's own tags may appear; finding text is escaped.
		lower := strings.ToLower(s)
		for _, bad := range []string{"<script", "<img", "<iframe", "<b>", "<i>", `href="javascript`, `href="data`} {
			if strings.Contains(lower, bad) {
				t.Fatalf("%s: HTML output contains %q", kind, bad)
			}
		}
	case kind == KindIssueMarkdown || kind == KindBacklogDescription:
		for i := 0; i < len(s); i++ {
			if s[i] == '<' && (i == 0 || s[i-1] != '\\') {
				t.Fatalf("%s: Markdown output has an unescaped '<' at %d: %q", kind, i, s[max(0, i-20):min(len(s), i+20)])
			}
		}
	}
}
