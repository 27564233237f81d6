package webhook

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostileTexts are finding texts written to break a message: Slack
// mentions and links, HTML and Markdown injection, JSON and form
// breakers, controls, bidi overrides and invalid UTF-8.
var hostileTexts = []string{
	"<!channel> <!here> <@U0123ABCD> <#C0123|general> <!subteam^S0123>",
	"<https://evil.example/phish|Open in Security Hub> <javascript:alert(1)|x>",
	"*bold* _italic_ ~strike~ `code` ```block``` > quote\n• bullet",
	"<script>alert(1)</script><img src=x onerror=alert(1)>&amp;&lt;",
	"[click](javascript:alert(1)) ![x](https://evil.example/x.png)\n# Heading\n---",
	`"},"version":"0","source":"evil","x":{"a":"` + "\\",
	"Action=Delete&TopicArn=arn:aws:sns:us-east-1:999999999999:other&Message=%0A",
	"\x00\x01\x1b[31mred\x7f\r\n\t\u2028\u2029",
	"\u202eevil\u202c \u2066isolate\u2069 \ufeffbom",
	"\xff\xfe\xc3\x28 invalid \xe2\x82",
	"日本語のタイトル：重大な検出結果（テスト）",
	"`backquote` inside `code` ``",
	"|pipe|><|",
}

// hostile returns a copy of base whose text fields, in the normalized
// finding and in its raw JSON alike, hold the given texts. The event is
// dropped, so the raw format wraps the hostile raw finding.
func hostile(base *finding.Finding, title, description, resource, account, remediationURL string) *finding.Finding {
	f := new(finding.Finding)
	*f = *base
	f.Title, f.Description, f.AccountID = title, description, account
	f.ProductName = title
	f.Remediation.Text, f.Remediation.URL = description, remediationURL
	f.Resources = append(slices.Clone(base.Resources), finding.Resource{Type: title, ID: resource})
	f.Severity.Label = strings.ToUpper(account)
	f.Compliance.SecurityControlID = resource
	var raw map[string]any
	if json.Unmarshal(base.Raw, &raw) == nil {
		if f.Format == finding.FormatOCSF {
			raw["message"] = description
			if info, ok := raw["finding_info"].(map[string]any); ok {
				info["title"], info["desc"] = title, description
			}
		} else {
			raw["Title"], raw["Description"], raw["AwsAccountId"] = title, description, account
		}
		if data, err := json.Marshal(raw); err == nil { // invalid UTF-8 becomes U+FFFD
			f.Raw = data
		}
	}
	return f
}

// hostileMessage builds message shape flags&7 from f: kinds, a previous
// receipt, or a digest of f with two fixtures.
func hostileMessage(f *finding.Finding, others []*finding.Finding, route string, flags uint8) *notify.Message {
	kinds := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindReopened, notify.KindResolved, notify.KindTest}
	m := &notify.Message{Kind: kinds[int(flags)%len(kinds)], Route: route, Destination: "d", Key: route + "-key", Finding: f}
	if flags&8 != 0 {
		m.Previous = &notify.Receipt{ID: "id", Thread: route}
	}
	if flags&16 != 0 {
		m.Finding = nil
		m.Digest = &notify.Digest{GroupKey: route, Findings: append([]*finding.Finding{f}, others...), Total: 3 + len(route)%50}
	}
	return m
}

// seed000Keys are the fields of seed 000's Backlog issue.
var seed000Keys = []string{"description", "issueTypeId", "parentIssueId", "priorityId", "projectId", "summary"}

// checkBodies renders m in every mode and language (see checkBody).
func checkBodies(t *testing.T, m *notify.Message, seed, tmpl *Config) {
	t.Helper()
	for mode := range 6 {
		checkBody(t, m, seed, tmpl, uint8(mode))
	}
}

// checkBody renders m by default, through seed 000's transformer or
// through the example template, in English or Japanese, as mode picks,
// and fails when the body is not valid JSON, is not what the mode
// promises, or lets finding text add or change a field.
func checkBody(t *testing.T, m *notify.Message, seed, tmpl *Config, mode uint8) {
	t.Helper()
	opts := render.Options{Language: []render.Language{render.English, render.Japanese}[mode/3%2], Region: "us-east-1"}
	def, _ := NewRenderer("webhook-test", &Config{}, opts)
	b, err := def.Render(m)
	if err != nil {
		if m.Digest != nil || !strings.Contains(err.Error(), "not valid JSON") {
			t.Fatalf("event: %v", err)
		}
		return
	}
	var event struct {
		Detail struct {
			Findings []map[string]any `json:"findings"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(b.Data, &event); err != nil || len(event.Detail.Findings) == 0 {
		t.Fatalf("event has no findings: %v", err)
	}
	switch mode % 3 {
	case 0:
		if !json.Valid(b.Data) || !utf8.Valid(b.Data) || b.ContentType != ContentTypeJSON {
			t.Fatalf("event body is not valid JSON: %q", b.Data)
		}
		if m.Digest != nil && len(b.Data) > MaxDigestEventBytes && len(m.Digest.Findings[0].Raw) < MaxDigestEventBytes/2 {
			t.Fatalf("digest event is %d bytes", len(b.Data))
		}
	case 1:
		sr, _ := NewRenderer("webhook-test", seed, opts)
		sb, err := sr.Render(m)
		if err != nil {
			t.Fatalf("seed 000: %v", err)
		}
		var issue map[string]any
		if err := json.Unmarshal(sb.Data, &issue); err != nil {
			t.Fatalf("seed 000 body is not JSON: %v\n%s", err, sb.Data)
		}
		keys := make([]string, 0, len(issue))
		for k := range issue {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, seed000Keys) {
			t.Fatalf("seed 000 issue has fields %v", keys)
		}
		title, _ := event.Detail.Findings[0]["Title"].(string)
		if issue["summary"] != title {
			t.Fatalf("summary %q, want the title %q", issue["summary"], title)
		}
	default:
		tr, _ := NewRenderer("webhook-test", tmpl, opts)
		tb, err := tr.Render(m)
		if err != nil {
			t.Fatalf("template: %v", err)
		}
		var doc map[string]any
		if err := json.Unmarshal(tb.Data, &doc); err != nil {
			t.Fatalf("template body is not JSON: %v\n%s", err, tb.Data)
		}
		if m.Finding != nil && doc["kind"] != string(m.Kind) {
			t.Fatalf("template kind %v", doc["kind"])
		}
	}
}

func hostileConfigs(t testing.TB) (seed, tmpl *Config) {
	return seed000Config(t), &Config{URL: "https://example.com/h", Template: readTestdata(t, "example-template.tmpl")}
}

func TestHostileText(t *testing.T) {
	seed, tmpl := hostileConfigs(t)
	bases := make([]*finding.Finding, len(allFixtures))
	for i, name := range allFixtures {
		bases[i] = load(t, name).Finding
	}
	huge := strings.Repeat("<script>\"x\"</script> 検出 ", 100<<10/30) // over 100 KB
	for i, text := range hostileTexts {
		for j, base := range bases {
			f := hostile(base, text, text+"\n"+text, text, text, "https://evil.example/"+text)
			checkBodies(t, hostileMessage(f, bases[:2], "route", uint8(i+j)), seed, tmpl)
			checkBodies(t, hostileMessage(f, bases[:2], "route", uint8(i+j)|16), seed, tmpl)
		}
	}
	if testing.Short() {
		return
	}
	// A 100 KB text in every field, of an ASFF and an OCSF finding.
	for j, base := range []*finding.Finding{bases[0], bases[6]} {
		f := hostile(base, huge, huge, huge, huge, "https://evil.example/"+huge)
		checkBodies(t, hostileMessage(f, bases[:2], "route", uint8(j)), seed, tmpl)
		checkBodies(t, hostileMessage(f, bases[:2], "route", uint8(j)|16), seed, tmpl)
	}
}

// FuzzRender renders hostile finding text by default, through seed 000's
// input transformer or through a Go template, as mode picks (100 KB texts are
// TestHostileText's: the fuzzer minimizes large inputs too slowly): every body must stay
// valid JSON whose fields finding text cannot add to or change.
//
//	go test -fuzz=FuzzRender -fuzztime=60s ./internal/notify/webhook
func FuzzRender(f *testing.F) {
	seed, tmpl := hostileConfigs(f)
	bases := make([]*finding.Finding, len(allFixtures))
	for i, name := range allFixtures {
		fd := load(f, name).Finding
		bases[i] = fd
		res := ""
		if len(fd.Resources) > 0 {
			res = fd.Resources[0].ID
		}
		f.Add(fd.Title, fd.Description, res, fd.AccountID, fd.Remediation.URL, "route-a", uint8(i<<5), uint8(i))
	}
	for i, s := range hostileTexts {
		f.Add(s, strings.Repeat(s, 8), s, s, "https://evil.example/|"+s, s, uint8(i*37), uint8(i))
	}
	f.Fuzz(func(t *testing.T, title, description, resource, account, remediationURL, route string, flags, mode uint8) {
		base := bases[int(flags>>5)%len(bases)]
		fd := hostile(base, title, description, resource, account, remediationURL)
		checkBody(t, hostileMessage(fd, bases[:2], route, flags), seed, tmpl, mode)
	})
}
