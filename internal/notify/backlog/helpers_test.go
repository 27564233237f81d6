package backlog

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// testAPIKey is the API key of every test config; CheckNoSecretLeak hunts
// for it.
const testAPIKey = "bk-TEST-4f9c1e7a2b8d3c6e5f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c"

// testConfig is a full config for space, as a person would write it.
func testConfig(space string) *Config {
	return &Config{
		Space:           space,
		APIKey:          testAPIKey,
		ProjectID:       12345,
		IssueTypeID:     67890,
		ParentIssueID:   111,
		CategoryIDs:     []int64{21, 22},
		NotifiedUserIDs: []int64{31},
		CustomFields:    map[string]CustomValue{"41": {"Security Hub"}, "42": {"5", "6"}},
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
	fxTrivy     = "asff/25-trivy-aquasecurity-cve-container.json"
	fxOCSF      = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
)

// previousIssue is the receipt of an issue created earlier.
var previousIssue = notify.Receipt{ID: "SEC-12", URL: "https://example.backlog.jp/view/SEC-12"}

// sample is a named message for the golden tests.
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
			Kind: kind, Route: "system-a-tickets", Destination: "backlog-system-a",
			Key: "delivery-" + string(kind), Finding: it.Finding, Event: it.Event, Previous: p,
		}
	}
	digest := func(prev *notify.Receipt) *notify.Message {
		var fs []*finding.Finding
		for _, fx := range []string{fxEC27, fxGuardDuty, fxRDS1, fxInspector, fxOCSF} {
			fs = append(fs, fixture(t, fx).Finding)
		}
		m := &notify.Message{
			Kind: notify.KindNew, Route: "account-a-digest", Destination: "backlog-system-a", Key: "digest-0001",
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

// renderOptions are the options a program configured with language lang
// and the seed's aggregation region would pass.
func renderOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Location: render.DefaultLocation(lang), Region: "ap-northeast-1"}
}

// describe writes r the way a person reads it: the call, then each form
// parameter in Backlog's documented order with multi-line values indented.
func describe(r Request) string {
	var b strings.Builder
	if r.Action == ActionNone {
		fmt.Fprintf(&b, "no request: %s\n", r.Reason)
		return b.String()
	}
	fmt.Fprintf(&b, "%s %s?apiKey=…\nContent-Type: application/x-www-form-urlencoded\n\n", r.Method, r.Path)
	for _, key := range formOrder(r) {
		for _, v := range r.Form[key] {
			if strings.Contains(v, "\n") {
				fmt.Fprintf(&b, "\n%s:\n", key)
				for _, line := range strings.Split(v, "\n") {
					if line == "" {
						b.WriteString("\n")
					} else {
						b.WriteString("    " + line + "\n")
					}
				}
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n", key, v)
		}
	}
	return b.String()
}

// formOrder lists r's form keys: the documented parameters first, in the
// API reference's order, then custom fields by name.
func formOrder(r Request) []string {
	documented := []string{
		"projectId", "summary", "parentIssueId", "issueTypeId", "categoryId[]", "priorityId", "assigneeId",
		"notifiedUserId[]", "statusId", "resolutionId", "description", "content", "comment",
	}
	var keys []string
	for _, k := range documented {
		if _, ok := r.Form[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range r.Form {
		if !slices.Contains(documented, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	// Multi-line values read best last.
	slices.SortStableFunc(keys, func(a, b string) int {
		return boolInt(strings.Contains(r.Form.Get(a), "\n")) - boolInt(strings.Contains(r.Form.Get(b), "\n"))
	})
	return keys
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fixedNow is the clock of the contract tests.
func fixedNow() time.Time { return time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC) }
