package render

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// overrideModes are the kinds of override FuzzOverride builds from its
// template text, picked by the mode argument.
var overrideModes = [...]Override{
	{Format: FormatText},
	{Format: FormatJSON},
	{Format: FormatHTML},
	{}, // input transformer: the text is the input_template, with seed 000's paths
}

// FuzzOverride compiles arbitrary template text as a text, json or html Go
// template or as an input_template, and renders a finding (and its event)
// made of arbitrary text with it, and with a fixed Slack blocks (json) and
// HTML override. Whatever the input: no panic; errors name the field;
// output is valid UTF-8, non-empty, within MaxOverrideOutput, and valid
// JSON for format json; the fixed overrides always render, their JSON stays
// valid and their HTML keeps finding text escaped.
func FuzzOverride(f *testing.F) {
	var seedPaths map[string]string
	if err := json.Unmarshal(readTestdata(f, "transformer/seed000-input-paths.json"), &seedPaths); err != nil {
		f.Fatal(err)
	}
	seedTemplate := string(readTestdata(f, "transformer/seed000-input-template.txt"))
	hostile := hostileFinding()
	hostileText := hostile.Title + "\n" + hostile.Description[:300]
	for _, seed := range []struct {
		template, text string
		mode           uint8
	}{
		{slackBlocks, "S3.8 bucket \"logs\" is public", 1},
		{slackBlocks, hostileText, 1},
		{`{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": {{ .View.Title | jsonString }}, "wrap": true}, {"type": "FactSet", "facts": [{"title": {{ t "account" | jsonString }}, "value": {{ .View.AccountID | jsonString }}}]}]}}]}`, "Teams <at>channel</at>", 1},
		{`{{ .View.Heading }}
{{ t "description" }}: {{ .View.Description | markdownEscape }}
{{ range .View.Resources }}- {{ .Text }}
{{ end }}{{ dig "detail" "findings" "" .Event | len }} {{ .Kind | upper | default "NEW" }} {{ severityEmoji .View.Severity.Label }} {{ consoleURL .Finding }}`, "<script>alert(1)</script>", 0},
		{`<h1>{{ .View.Title }}</h1><a href="{{ .View.ConsoleURL }}">{{ t "open_in_security_hub" }}</a><p>{{ .Finding.Description }}</p>`, hostileText, 2},
		{`{{ define "row" }}<tr><td>{{ . }}</td></tr>{{ end }}<table>{{ range .View.Types }}{{ template "row" . }}{{ end }}</table>`, "a</td><td>b", 2},
		{seedTemplate, "AWS Security Hub\u3067\u691c\u51fa \\ \" \u2028", 3},
		{`"<aws.events.rule-name>: <Summary> (<Severity>)"`, "x", 3},
		{`{{ if }}`, "x", 0},
		{`{"a": {{ .View.Title }}}`, `"quoted"`, 1},
		{`{{ .Event.nope }}`, "\xff\xfe", 0},
		{`<a href="{{ .View.Title }}`, "javascript:alert(1)", 2},
		{`{{ range until 99 }}{{ $.View.Title }}{{ end }}`, "long title", 0},
	} {
		f.Add(seed.template, seed.text, seed.mode)
	}

	fixedJSON, err := Override{Template: slackBlocks, Format: FormatJSON}.Compile("fixed-json", Options{Language: Japanese})
	if err != nil {
		f.Fatal(err)
	}
	fixedHTML, err := Override{Template: `<b>{{ .Finding.Title }}</b><i>{{ .View.Description }}</i>`, Format: FormatHTML}.Compile("fixed-html", Options{})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, template, text string, mode uint8) {
		item, ok := fuzzItem(text)
		if !ok {
			return
		}
		kinds := [...]string{"new", "reminder", "resolved", "reopened", "test"}
		data := Data{Finding: item.Finding, Event: item.Event, Kind: kinds[int(mode)%len(kinds)], Route: "r", Destination: "d"}

		out, err := fixedJSON.Render(data)
		if err != nil {
			t.Fatalf("fixed JSON override failed: %v", err)
		}
		if !json.Valid(out) || strings.Contains(string(out), "<!channel>") {
			t.Fatalf("fixed JSON override: invalid JSON or a live mention:\n%s", out)
		}
		out, err = fixedHTML.Render(data)
		if err != nil {
			t.Fatalf("fixed HTML override failed: %v", err)
		}
		if n := strings.Count(string(out), "<"); n != 4 {
			t.Fatalf("fixed HTML override: finding text added markup (%d '<'):\n%s", n, out)
		}

		if hugeNumber(template) {
			return // a count of billions is the author's choice; it would only measure memory
		}
		o := overrideModes[int(mode)%len(overrideModes)]
		if o.Format == "" {
			o.InputPaths, o.InputTemplate = seedPaths, template
		} else {
			o.Template = template
		}
		if mode&0x80 != 0 && o.Format == "" {
			o.Format = FormatJSON
		}
		r, err := o.Compile("fuzz", Options{Language: Japanese})
		if err != nil {
			if !strings.HasPrefix(err.Error(), overrideField) {
				t.Fatalf("compile error does not name the field: %v", err)
			}
			if verr := o.Validate(); verr == nil || verr.Error() != err.Error() {
				t.Fatalf("Validate() = %v, Compile() = %v", verr, err)
			}
			return
		}
		if r == nil {
			if !o.IsZero() {
				t.Fatal("nil Renderer for a non-zero override")
			}
			return
		}
		for _, d := range []Data{data, {Digest: ptr(NewDigestView([]*finding.Finding{item.Finding}, Options{})), Kind: "new"}} {
			if !r.Applies(d) {
				continue
			}
			out, err := r.Render(d)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "render: fuzz: ") {
					t.Fatalf("render error does not name the renderer: %v", err)
				}
				continue
			}
			switch {
			case !utf8.Valid(out):
				t.Fatalf("output is not valid UTF-8: %q", out)
			case len(out) > MaxOverrideOutput:
				t.Fatalf("output of %d bytes is over the limit", len(out))
			case strings.TrimSpace(string(out)) == "":
				t.Fatal("empty output without an error")
			case r.Format() == FormatJSON && !json.Valid(out):
				t.Fatalf("format json produced invalid JSON: %s", out)
			}
		}
	})
}

// fuzzItem decodes an ASFF finding whose text fields are text, with the
// event EventBridge would have sent for it.
func fuzzItem(text string) (finding.Item, bool) {
	raw, err := json.Marshal(map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            "arn:aws:securityhub:ap-northeast-1:123456789012:finding/" + text,
		"ProductArn":    "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		"GeneratorId":   text,
		"AwsAccountId":  "123456789012",
		"Types":         []string{text},
		"CreatedAt":     "2024-01-02T03:04:05Z",
		"UpdatedAt":     "2024-01-02T03:04:05Z",
		"Severity":      map[string]any{"Label": "HIGH", "Normalized": 70},
		"Title":         text,
		"Description":   text,
		"Remediation":   map[string]any{"Recommendation": map[string]any{"Text": text, "Url": text}},
		"Resources":     []map[string]any{{"Type": "Other", "Id": text, "Region": "ap-northeast-1"}},
		"Compliance":    map[string]any{"Status": "FAILED"},
		"Workflow":      map[string]any{"Status": "NEW"},
		"RecordState":   "ACTIVE",
	})
	if err != nil {
		return finding.Item{}, false
	}
	items, errs := finding.Decode("fuzz", raw)
	if len(errs) > 0 || len(items) != 1 {
		return finding.Item{}, false
	}
	return items[0], true
}

// hugeNumber reports whether a template holds a number literal that could
// ask for more than 9999 of something (repeat, until, range): more than four
// digits, more than three hex digits, an exponent, or a character constant
// in \U, \u or \x form.
func hugeNumber(s string) bool {
	if strings.Contains(s, `'\U`) || strings.Contains(s, `'\u`) || strings.Contains(s, `'\x`) {
		return true
	}
	isWord := func(c byte) bool {
		return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || (i > 0 && isWord(s[i-1])) {
			continue
		}
		j, digits, limit := i, 0, 4
		if strings.HasPrefix(s[i:], "0x") || strings.HasPrefix(s[i:], "0X") {
			j, limit = i+2, 3
		}
		for ; j < len(s) && (s[j] == '_' || isHexDigit(s[j]) && (limit == 3 || s[j] <= '9')); j++ {
			if s[j] != '_' {
				digits++
			}
		}
		if digits > limit {
			return true
		}
		for j < len(s) && (s[j] == '.' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if j+1 < len(s) && (s[j] == 'e' || s[j] == 'E' || s[j] == 'p' || s[j] == 'P') {
			return true
		}
		i = j
	}
	return false
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func ptr[T any](v T) *T { return &v }
