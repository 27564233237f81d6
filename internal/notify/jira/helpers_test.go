package jira

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The secrets of every test config; CheckNoSecretLeak hunts for them.
const (
	testEmail    = "secbot@example.com"
	testAPIToken = "ATATT3xFfGF0-TEST-token-5c1f0e9a7b3d2c4e6f8a0b1c2d3e4f5a"
	testPAT      = "NjQ0MTc2OTk5MTA3OTPATtest+Kq3m1Hh0rZ2yBvW9xL"
)

// testConfig is a full Jira Cloud config for site url, as a person would
// write it.
func testConfig(site string) *Config {
	return &Config{
		URL:          site,
		APIVersion:   3,
		Email:        testEmail,
		APIToken:     testAPIToken,
		ProjectKey:   "SEC",
		IssueType:    "Bug",
		Priority:     Priority{BySeverity: map[string]string{"CRITICAL": "Highest", "HIGH": "High", "MEDIUM": "Medium"}},
		Labels:       []string{"security-hub", "aws findings"},
		Components:   []string{"Cloud Security"},
		CustomFields: map[string]any{"customfield_10010": "hubrelay", "customfield_10020": map[string]any{"value": "Production"}},
		Resolution:   "Done",
	}
}

// serverConfig is a Jira Data Center config (REST API v2, personal access
// token) for site url.
func serverConfig(site string) *Config {
	return &Config{
		URL:                 site,
		APIVersion:          2,
		PersonalAccessToken: testPAT,
		ProjectKey:          "SEC",
		IssueType:           "10004",
		Priority:            Priority{Name: "Major"},
		Labels:              []string{"security-hub"},
		ResolveTransition:   "Resolve Issue",
		ReopenTransition:    "Reopen Issue",
	}
}

// fixture decodes a finding file of testdata (see testdata/SOURCES.md).
func fixture(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs[0])
	}
	if len(items) != 1 {
		t.Fatalf("%s: %d findings, want 1", name, len(items))
	}
	return items[0]
}

const (
	fxEC28      = "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json"
	fxEC27      = "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	fxRDS1      = "asff/17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fxGuardDuty = "asff/08-guardduty-ssh-bruteforce.json"
	fxInspector = "asff/21-inspector-v2-cve-ec2.getfindings.json"
	fxOCSF      = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
)

// previousIssue is the receipt of an issue created earlier.
var previousIssue = notify.Receipt{ID: "SEC-12", URL: "https://example.atlassian.net/browse/SEC-12"}

// sample is a named message for the golden and contract tests.
type sample struct {
	name string
	msg  *notify.Message
}

// samples returns one message of every shape the destination handles, built
// from published findings.
func samples(t testing.TB) []sample {
	t.Helper()
	single := func(kind notify.Kind, fx string, prev *notify.Receipt) *notify.Message {
		it := fixture(t, fx)
		var p *notify.Receipt
		if prev != nil {
			cp := *prev
			p = &cp
		}
		return &notify.Message{
			Kind: kind, Route: "system-a-tickets", Destination: "jira-sec",
			Key: "delivery-" + string(kind), Finding: it.Finding, Event: it.Event, Previous: p,
		}
	}
	digest := func(prev *notify.Receipt) *notify.Message {
		var fs []*finding.Finding
		for _, fx := range []string{fxEC27, fxGuardDuty, fxRDS1, fxInspector, fxOCSF} {
			fs = append(fs, fixture(t, fx).Finding)
		}
		m := &notify.Message{
			Kind: notify.KindNew, Route: "account-a-digest", Destination: "jira-sec", Key: "digest-0001",
			Digest: &notify.Digest{GroupKey: "AwsAccountId=111111111111", Findings: fs, Total: 7},
		}
		if prev != nil {
			cp := *prev
			m.Previous = &cp
		}
		return m
	}
	return []sample{
		{"new-ec2.8", single(notify.KindNew, fxEC28, nil)},
		{"new-guardduty", single(notify.KindNew, fxGuardDuty, nil)},
		{"new-inspector", single(notify.KindNew, fxInspector, nil)},
		{"new-ocsf", single(notify.KindNew, fxOCSF, nil)},
		{"reminder", single(notify.KindReminder, fxEC28, &previousIssue)},
		{"resolved", single(notify.KindResolved, fxEC28, &previousIssue)},
		{"resolved-without-issue", single(notify.KindResolved, fxEC28, nil)},
		{"reopened", single(notify.KindReopened, fxEC28, &previousIssue)},
		{"reopened-without-issue", single(notify.KindReopened, fxRDS1, nil)},
		{"test", single(notify.KindTest, fxEC27, nil)},
		{"digest", digest(nil)},
		{"digest-comment", digest(&previousIssue)},
	}
}

// sampleNamed returns the sample called name.
func sampleNamed(t testing.TB, name string) *notify.Message {
	t.Helper()
	for _, s := range samples(t) {
		if s.name == name {
			return s.msg
		}
	}
	t.Fatalf("no sample %q", name)
	return nil
}

// renderOptions are the options a program configured with language lang and
// the seed's aggregation region would pass.
func renderOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Location: render.DefaultLocation(lang), Region: "ap-northeast-1"}
}

// decodeJSON round-trips v through JSON into generic values, as a server
// sees it.
func decodeJSON(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return out
}

// describe writes r the way a person reads it: first the text as Jira
// shows it (v3: the ADF document previewed as Markdown-like text; v2: the
// wiki markup exactly as sent), then each call with its exact body, JSON
// objects that fit on a line written on one line. In a v2 body the text
// itself is written as «the wiki markup above».
func describe(t testing.TB, r Request) string {
	t.Helper()
	auth := "Basic …"
	if r.APIVersion == 2 {
		auth = "Bearer …"
	}
	var calls strings.Builder
	call := func(method, path string, body any) {
		fmt.Fprintf(&calls, "%s %s\nAuthorization: %s\n", method, path, auth)
		if body != nil {
			calls.WriteString("Content-Type: application/json\n\n")
			calls.WriteString(compactJSON(decodeJSON(t, body), "", 100))
			calls.WriteString("\n")
		}
		calls.WriteString("\n")
	}
	const wikiAbove = "«the wiki markup above»"
	var text any
	switch r.Action {
	case ActionNone:
		return fmt.Sprintf("no request: %s\n", r.Reason)
	case ActionCreateIssue:
		if r.Marker != "" {
			calls.WriteString("→ on a retry (Attempt > 1) first, and no create when it finds an issue:\n")
			if b := r.SearchBody("SEC"); b != nil {
				call("POST", r.SearchPath("SEC"), b)
			} else {
				call("GET", r.SearchPath("SEC"), nil)
			}
		}
		text = r.Issue.Fields.Description
		issue := *r.Issue
		if _, ok := text.(string); ok {
			issue.Fields.Description = wikiAbove
		}
		call("POST", r.IssuePath(), issue)
	case ActionAddComment, ActionTransition:
		text = r.Comment.Body
		comment := *r.Comment
		if _, ok := text.(string); ok {
			comment.Body = wikiAbove
		}
		if r.Action == ActionTransition {
			call("GET", r.TransitionsPath(), nil)
			fmt.Fprintf(&calls, "→ pick the transition named %q (or leading to a status so named); when none is offered\n", r.Transition.Name)
			fmt.Fprintf(&calls, "  and the issue already is where it would lead, skip it (GET %s)\n\n", r.StatusPath())
			body := map[string]any{"transition": map[string]string{"id": "<its id>"}}
			if r.Transition.Fields != nil {
				body["fields"] = r.Transition.Fields
			}
			call("POST", r.TransitionsPath(), body)
		}
		call("POST", r.CommentPath(), comment)
	}
	var b strings.Builder
	if s, ok := text.(string); ok {
		b.WriteString("=== the wiki markup, as sent ===\n")
		b.WriteString(s)
	} else {
		b.WriteString("=== the ADF document, previewed ===\n")
		b.WriteString(strings.TrimRight(previewADF(decodeJSON(t, text)), "\n"))
	}
	b.WriteString("\n\n=== the requests ===\n")
	b.WriteString(calls.String())
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// compactJSON writes a decoded JSON value indented, but each object or
// array whose one-line form fits in width (after the indent) on one line.
func compactJSON(v any, indent string, width int) string {
	line := oneLineJSON(v)
	if len(indent)+utf8.RuneCountInString(line) <= width {
		return line
	}
	inner := indent + "  "
	switch x := v.(type) {
	case map[string]any:
		keys := orderedKeys(x)
		var parts []string
		for _, k := range keys {
			key, _ := json.Marshal(k)
			parts = append(parts, inner+string(key)+": "+compactJSON(x[k], inner, width))
		}
		return "{\n" + strings.Join(parts, ",\n") + "\n" + indent + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, inner+compactJSON(e, inner, width))
		}
		return "[\n" + strings.Join(parts, ",\n") + "\n" + indent + "]"
	}
	return line
}

// oneLineJSON is v's JSON on one line, keys in the order orderedKeys gives,
// with a space after each colon and comma.
func oneLineJSON(v any) string {
	switch x := v.(type) {
	case map[string]any:
		var parts []string
		for _, k := range orderedKeys(x) {
			key, _ := json.Marshal(k)
			parts = append(parts, string(key)+": "+oneLineJSON(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, oneLineJSON(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimRight(buf.String(), "\n")
}

// keyOrder is the order keys read best in: Jira's fields as the API
// reference lists them, ADF's type first.
var keyOrder = []string{"fields", "transition", "body", "project", "issuetype", "summary", "priority", "labels",
	"components", "description", "type", "version", "attrs", "text", "marks", "content", "id", "key", "name", "value", "href", "level", "order"}

// orderedKeys returns m's keys in keyOrder, then the rest sorted.
func orderedKeys(m map[string]any) []string {
	var keys []string
	for _, k := range keyOrder {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(keyOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}
