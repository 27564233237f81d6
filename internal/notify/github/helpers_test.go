package github

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The published findings in testdata (see testdata/SOURCES.md).
const (
	fxRDS1      = "asff/17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fxEC28      = "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json"
	fxGuardDuty = "asff/08-guardduty-ssh-bruteforce.json"
	fxInspector = "asff/21-inspector-v2-cve-ec2.getfindings.json"
	fxOCSF      = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
)

// testToken looks like a fine-grained personal access token; it is not one.
const testToken = "github_pat_11AAAAAAA0hubrelayTESTtoken_notARealTokenButLongEnough0123456789"

// fixture decodes one fixture file, which holds exactly one finding.
func fixture(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("%s: %d findings, errors %v", name, len(items), errs)
	}
	return items[0]
}

// testConfig is a complete configuration against the API at base ("" for
// github.com).
func testConfig(base string) *Config {
	return &Config{
		Owner:     "example-org",
		Repo:      "security-findings",
		Token:     testToken,
		BaseURL:   base,
		Labels:    []string{"security-hub", "triage"},
		Assignees: []string{"octocat"},
	}
}

// renderOptions are the options a Notifier builds from an Env in lang:
// Japan time for Japanese, UTC for English, console links in the
// aggregation region ap-northeast-1.
func renderOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Region: "ap-northeast-1", Location: render.DefaultLocation(lang)}
}

type sample struct {
	name string
	msg  *notify.Message
}

// issue12 is the receipt of an issue an earlier delivery opened.
func issue12() *notify.Receipt {
	return &notify.Receipt{ID: "12", URL: "https://github.com/example-org/security-findings/issues/12"}
}

// samples are one message of each shape the destination handles.
func samples(t testing.TB) []sample {
	t.Helper()
	rds := fixture(t, fxRDS1)
	ec28 := fixture(t, fxEC28)
	guardDuty := fixture(t, fxGuardDuty)
	ocsf := fixture(t, fxOCSF)
	inspector := fixture(t, fxInspector)
	msg := func(kind notify.Kind, it finding.Item, key string, prev *notify.Receipt) *notify.Message {
		return &notify.Message{Kind: kind, Route: "system-a-tickets", Destination: "github-security", Key: key,
			Finding: it.Finding, Event: it.Event, Previous: prev}
	}
	digest := func(prev *notify.Receipt) *notify.Message {
		return &notify.Message{
			Kind: notify.KindNew, Route: "account-a-digest", Destination: "github-security", Key: "digest-0001",
			Previous: prev,
			Digest: &notify.Digest{
				GroupKey: "AwsAccountId=111111111111,ProductName=Security Hub",
				Findings: []*finding.Finding{ocsf.Finding, guardDuty.Finding, rds.Finding, ec28.Finding, inspector.Finding},
				Total:    7,
			},
		}
	}
	return []sample{
		{"new-rds1", msg(notify.KindNew, rds, "delivery-rds1", nil)},
		{"new-guardduty", msg(notify.KindNew, guardDuty, "delivery-guardduty", nil)},
		{"new-ocsf", msg(notify.KindNew, ocsf, "delivery-ocsf", nil)},
		{"reminder", msg(notify.KindReminder, guardDuty, "delivery-guardduty-2", issue12())},
		{"resolved", msg(notify.KindResolved, ec28, "delivery-ec28-3", issue12())},
		{"resolved-without-issue", msg(notify.KindResolved, ec28, "delivery-ec28-4", nil)},
		{"reopened", msg(notify.KindReopened, rds, "delivery-rds1-5", issue12())},
		{"reopened-without-issue", msg(notify.KindReopened, rds, "delivery-rds1-6", nil)},
		{"digest", digest(nil)},
		{"digest-comment", digest(issue12())},
		{"test", &notify.Message{Kind: notify.KindTest, Destination: "github-security", Key: "test-0001", Finding: rds.Finding}},
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

// describe writes a Request the way a reviewer reads it: each API call,
// its JSON fields, then the Markdown as GitHub receives it.
func describe(req Request) string {
	var b strings.Builder
	path := "/repos/{owner}/{repo}/issues"
	fmt.Fprintf(&b, "action: %s\n", req.Action)
	switch req.Action {
	case ActionNone:
		fmt.Fprintf(&b, "reason: %s\n", req.Reason)
		return b.String()
	case ActionCreate:
		fields := *req.Issue
		body := fields.GetBody()
		fields.Body = nil
		js, _ := json.Marshal(fields)
		fmt.Fprintf(&b, "\nPOST %s\n%s\nmarker: %s\n\n----- body -----\n%s\n", path, js, req.Marker, body)
		return b.String()
	}
	if req.State != nil {
		js, _ := json.Marshal(req.State)
		fmt.Fprintf(&b, "\nPATCH %s/%d\n%s\n", path, req.Number, js)
	}
	fmt.Fprintf(&b, "\nPOST %s/%d/comments\n\n----- comment -----\n%s\n", path, req.Number, req.Comment)
	return b.String()
}

// fixedNow is notifytest's clock, for rate-limit headers.
func fixedNow() time.Time { return time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC) }
