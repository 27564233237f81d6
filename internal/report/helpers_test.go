package report_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The project of the tests: accounts A and B; C belongs to someone else.
const (
	accountA = "111111111111"
	accountB = "222222222222"
	accountC = "333333333333"
)

// tokyo is the project's time zone.
var tokyo = mustLocation("Asia/Tokyo")

// week1 and week2 are the times of two weekly reports: Monday 09:00 in
// Tokyo.
var (
	week1 = time.Date(2026, 11, 16, 9, 0, 0, 0, tokyo)
	week2 = week1.AddDate(0, 0, 7)
)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func project(lang string) report.Project {
	return report.Project{Name: "System A", Accounts: []string{accountA, accountB}, Language: lang}
}

// newHub starts an in-process Security Hub and a client of it whose rate
// limits do not slow the tests.
func newHub(t testing.TB) (*hubtest.Server, *securityhub.Client) {
	t.Helper()
	hub := hubtest.NewTest(t, hubtest.Options{})
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region:      hubtest.DefaultRegion,
		Endpoint:    hub.URL(),
		Credentials: hub.AWSConfig().Credentials,
		MaxBackoff:  time.Millisecond,
		Limits:      map[string]securityhub.Limit{securityhub.FamilyGetFindings: {PerSecond: 1e6, Burst: 1e6}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return hub, c
}

// fixture reads a finding of testdata/asff as a map, unwrapping a
// GetFindings response.
func fixture(t testing.TB, name string) map[string]any {
	t.Helper()
	m, err := loadFixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func loadFixture(name string) (map[string]any, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "asff", name))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if fs, ok := m["Findings"].([]any); ok {
		m = fs[0].(map[string]any)
	}
	return m, nil
}

// The fixtures the scenarios are built from.
const (
	fsbp       = "01-securityhub-fsbp-cloudtrail2-failed.json"
	cis27      = "02-securityhub-cis120-2.7-failed.json"
	guardduty  = "08-guardduty-ssh-bruteforce.json"
	analyzer   = "10-access-analyzer-s3-cross-account.json"
	cisCritial = "13-securityhub-cis120-1.13-critical-notified.getfindings.json"
)

// mod changes a finding before it is stored.
type mod func(m map[string]any)

func set(key string, v any) mod { return func(m map[string]any) { m[key] = v } }

func id(s string) mod          { return set("Id", s) }
func account(a string) mod     { return set("AwsAccountId", a) }
func workflow(w string) mod    { return set("Workflow", map[string]any{"Status": w}) }
func recordState(s string) mod { return set("RecordState", s) }
func title(s string) mod       { return set("Title", s) }
func severityLabel(l string) mod {
	n := map[string]int{"CRITICAL": 90, "HIGH": 70, "MEDIUM": 40, "LOW": 1, "INFORMATIONAL": 0}[l]
	return set("Severity", map[string]any{"Label": l, "Normalized": n})
}

// compliance sets the status and, when control is not empty, the
// SecurityControlId (the fixture's standards stay).
func compliance(status, control string) mod {
	return func(m map[string]any) {
		c, _ := m["Compliance"].(map[string]any)
		if c == nil {
			c = map[string]any{}
		}
		c["Status"] = status
		if control != "" {
			c["SecurityControlId"] = control
		}
		m["Compliance"] = c
	}
}

// seen sets FirstObservedAt (and CreatedAt) to `days` days before at.
func seen(at time.Time, days int) mod {
	return func(m map[string]any) {
		ts := at.AddDate(0, 0, -days).UTC().Format("2006-01-02T15:04:05.000Z")
		m["FirstObservedAt"] = ts
		m["CreatedAt"] = ts
	}
}

func resource(typ, rid string) mod {
	return set("Resources", []any{map[string]any{"Type": typ, "Id": rid, "Partition": "aws", "Region": "ap-northeast-1"}})
}

func remediationURL(u string) mod {
	return set("Remediation", map[string]any{"Recommendation": map[string]any{"Text": "see", "Url": u}})
}

// build makes one finding from a fixture.
func build(t testing.TB, base string, mods ...mod) json.RawMessage {
	t.Helper()
	m := fixture(t, base)
	delete(m, "WorkflowState")
	for _, f := range mods {
		f(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// arn builds a finding Id.
func arn(name string) string {
	return "arn:aws:securityhub:ap-northeast-1:" + accountA + ":security-control/" + name + "/finding/" + strings.Repeat("0", 8) + "-" + name
}

// evilTitle would run as a formula in a spreadsheet and as a script in a
// page if the report did not guard against both.
const evilTitle = `=HYPERLINK("http://evil.example/") <script>alert(1)</script>`

// scenario1 is the first week: six open findings of the project (one
// CRITICAL, one HIGH, two MEDIUM, one LOW, one INFORMATIONAL) and others
// that must stay out of the rows, some of which count for the score.
func scenario1(t testing.TB) []json.RawMessage {
	return []json.RawMessage{
		// Open.
		build(t, cisCritial, id(arn("crit-root")), account(accountA), seen(week1, 100)),
		build(t, guardduty, id("gd-b"), account(accountB), severityLabel("HIGH"), seen(week1, 2)),
		build(t, fsbp, id("ct2-a"), account(accountA), seen(week1, 10), resource("AwsCloudTrailTrail", "arn:aws:cloudtrail:ap-northeast-1:111111111111:trail/main")),
		build(t, fsbp, id("ct2-b"), account(accountB), seen(week1, 40), resource("AwsCloudTrailTrail", "arn:aws:cloudtrail:ap-northeast-1:222222222222:trail/main")),
		build(t, analyzer, id("aa-a"), account(accountA), seen(week1, 0), title(evilTitle)),
		build(t, fsbp, id("iam1-warn"), account(accountA), severityLabel("INFORMATIONAL"), compliance("WARNING", "IAM.1"),
			title("IAM.1 IAM policies should not allow full \"*\" administrative privileges"), seen(week1, 200),
			remediationURL("https://docs.aws.amazon.com/console/securityhub/IAM.1/remediation")),
		// Not open, but counted for the score.
		build(t, fsbp, id("s31-pass-a"), account(accountA), compliance("PASSED", "S3.1"), workflow("RESOLVED")),
		build(t, fsbp, id("s31-pass-b"), account(accountB), compliance("PASSED", "S3.1"), workflow("NEW")),
		build(t, fsbp, id("ct2-fail-resolved"), account(accountB), workflow("RESOLVED")),
		build(t, fsbp, id("rds1-pass-a"), account(accountA), compliance("PASSED", "RDS.1"), workflow("RESOLVED")),
		build(t, fsbp, id("rds1-fail-b"), account(accountB), compliance("FAILED", "RDS.1"), workflow("RESOLVED")),
		// Not counted at all.
		build(t, fsbp, id("ec27-suppressed"), account(accountA), compliance("FAILED", "EC2.7"), workflow("SUPPRESSED")),
		build(t, fsbp, id("ec28-archived"), account(accountA), compliance("FAILED", "EC2.8"), recordState("ARCHIVED")),
		build(t, fsbp, id("other-c"), account(accountC), severityLabel("HIGH"), compliance("FAILED", "EC2.9")),
	}
}

// scenario2 is the second week: ct2-a passed, gd-b was archived, ec22-new
// appeared.
func scenario2(t testing.TB) []json.RawMessage {
	return []json.RawMessage{
		build(t, fsbp, id("ct2-a"), account(accountA), compliance("PASSED", ""), workflow("RESOLVED")),
		build(t, guardduty, id("gd-b"), account(accountB), severityLabel("HIGH"), recordState("ARCHIVED")),
		build(t, fsbp, id("ec22-new"), account(accountA), severityLabel("HIGH"), compliance("FAILED", "EC2.2"),
			title("EC2.2 VPC default security groups should not allow inbound or outbound traffic"), seen(week2, 1)),
	}
}

// collect builds the report of the hub's findings.
func collect(t testing.TB, c *securityhub.Client, p report.Project, opt report.Options) *report.Report {
	t.Helper()
	if opt.Location == nil {
		opt.Location = tokyo
	}
	if opt.Region == "" {
		opt.Region = hubtest.DefaultRegion
	}
	r, err := report.Collect(context.Background(), c, p, opt)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return r
}

// twoWeeks runs both weeks and returns the second week's report.
func twoWeeks(t testing.TB, lang string) (first, second *report.Report) {
	t.Helper()
	hub, c := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	first = collect(t, c, project(lang), report.Options{Now: week1})
	blob, err := first.Snapshot().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	prev, err := report.DecodeSnapshot(blob)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.AddFindings(scenario2(t)...); err != nil {
		t.Fatal(err)
	}
	second = collect(t, c, project(lang), report.Options{Now: week2, Previous: prev})
	return first, second
}
