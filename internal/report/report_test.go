package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report"
)

// TestSummary: the totals of two weekly reports: what is open, what
// changed since the first, and the compliance scores.
func TestSummary(t *testing.T) {
	first, second := twoWeeks(t, "ja")

	s1 := first.Summary()
	if s1.Open != 6 || s1.BySeverity != (report.SeverityCounts{Critical: 1, High: 1, Medium: 2, Low: 1, Informational: 1}) {
		t.Errorf("week 1: open %d by severity %+v; want 6: 1 1 2 1 1", s1.Open, s1.BySeverity)
	}
	if !s1.First || s1.New != 0 || s1.Resolved != 0 || s1.StillOpen != 0 || !s1.PreviousAt.IsZero() {
		t.Errorf("week 1: %+v; want a first report without changes", s1)
	}
	want1 := []report.StandardScore{
		// crit-root: CIS 1.2.0 1.13 FAILED.
		{Standard: "cis-aws-foundations-benchmark/v/1.2.0", Name: "CIS AWS Foundations Benchmark v1.2.0", Failed: 1, Evaluated: 1},
		// S3.1 passed in both accounts; CloudTrail.2 failed; RDS.1
		// passed in A and failed in B: failed; IAM.1 only WARNING:
		// unknown. EC2.7 (suppressed), EC2.8 (archived) and EC2.9
		// (another project's account) do not count.
		{Standard: "aws-foundation-best-practices/v/1.0.0", Name: "aws-foundation-best-practices v1.0.0",
			Passed: 1, Failed: 2, Unknown: 1, Evaluated: 4, Score: 0.25},
	}
	if !slices.Equal(s1.Compliance, want1) {
		t.Errorf("week 1 compliance:\n got %+v\nwant %+v", s1.Compliance, want1)
	}

	s2 := second.Summary()
	if s2.Open != 5 || s2.BySeverity != (report.SeverityCounts{Critical: 1, High: 1, Medium: 1, Low: 1, Informational: 1}) {
		t.Errorf("week 2: open %d by severity %+v; want 5: 1 1 1 1 1", s2.Open, s2.BySeverity)
	}
	if s2.First || s2.New != 1 || s2.Resolved != 2 || s2.StillOpen != 4 || !s2.PreviousAt.Equal(week1) {
		t.Errorf("week 2: first %v new %d resolved %d still open %d previous %v; want 1 new (ec22-new), 2 resolved (ct2-a, gd-b), 4 still open since %v",
			s2.First, s2.New, s2.Resolved, s2.StillOpen, s2.PreviousAt, week1)
	}
	// EC2.2 failed now; CloudTrail.2 still fails in B although A passed.
	if c := s2.Compliance[1]; c.Passed != 1 || c.Failed != 3 || c.Unknown != 1 || c.Score != 0.2 {
		t.Errorf("week 2 FSBP score: %+v; want 1 passed, 3 failed, 1 unknown: 0.2", c)
	}
	if first.Len() != 6 || second.Len() != 5 || second.Snapshot().Len() != 5 || !second.Snapshot().At().Equal(week2) {
		t.Errorf("Len %d, %d; snapshot %d at %v", first.Len(), second.Len(), second.Snapshot().Len(), second.Snapshot().At())
	}

	// The summary is what the history stores: it survives JSON.
	b, err := json.Marshal(s2)
	if err != nil {
		t.Fatal(err)
	}
	var back report.Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Open != 5 || back.New != 1 || len(back.Compliance) != 2 || !back.At.Equal(week2) || !back.PreviousAt.Equal(week1) {
		t.Errorf("summary after JSON: %+v", back)
	}
	if !strings.Contains(string(b), `"by_severity":{"critical":1,"high":1,"medium":1,"low":1,"informational":1}`) {
		t.Errorf("summary JSON: %s", b)
	}
}

// recorder is a Source that records the filters it is asked for and
// hands over the findings it holds, in pages of two.
type recorder struct {
	filters []string
	pages   [][]*finding.Finding
	fail    error
}

func (r *recorder) Findings(_ context.Context, filters []byte, fn func([]*finding.Finding) error) error {
	r.filters = append(r.filters, string(filters))
	if r.fail != nil {
		return r.fail
	}
	if len(r.filters) > 1 {
		return nil
	}
	for _, p := range r.pages {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// TestQueries: Collect asks for the open findings, then for the resolved
// control findings, with the project's accounts, and keeps out what a
// less exact Source lets through; it reports its progress per page.
func TestQueries(t *testing.T) {
	f := func(id, acct, wf, rs, comp string) *finding.Finding {
		return &finding.Finding{ID: id, ProductARN: "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
			AccountID: acct, Workflow: wf, RecordState: rs, Compliance: finding.Compliance{Status: comp},
			Severity: finding.Severity{Label: "HIGH"}}
	}
	src := &recorder{pages: [][]*finding.Finding{
		{f("open", accountA, "NEW", "ACTIVE", "FAILED"), f("notified", accountB, "NOTIFIED", "ACTIVE", "")},
		{f("other", accountC, "NEW", "ACTIVE", "FAILED"), f("passed", accountA, "NEW", "ACTIVE", "PASSED")},
		{f("archived", accountA, "NEW", "ARCHIVED", "FAILED"), f("resolved", accountA, "RESOLVED", "ACTIVE", "FAILED")},
		{f("open", accountA, "NEW", "ACTIVE", "FAILED"), nil},
	}}
	var progress []int
	r, err := report.Collect(context.Background(), src, project("en"), report.Options{Now: week1, Progress: func(n int) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"AwsAccountId":[{"Value":"111111111111","Comparison":"EQUALS"},{"Value":"222222222222","Comparison":"EQUALS"}],` +
			`"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}],` +
			`"WorkflowStatus":[{"Value":"NEW","Comparison":"EQUALS"},{"Value":"NOTIFIED","Comparison":"EQUALS"}]}`,
		`{"AwsAccountId":[{"Value":"111111111111","Comparison":"EQUALS"},{"Value":"222222222222","Comparison":"EQUALS"}],` +
			`"ComplianceStatus":[{"Value":"PASSED","Comparison":"EQUALS"},{"Value":"FAILED","Comparison":"EQUALS"},{"Value":"WARNING","Comparison":"EQUALS"},{"Value":"NOT_AVAILABLE","Comparison":"EQUALS"}],` +
			`"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}],` +
			`"WorkflowStatus":[{"Value":"RESOLVED","Comparison":"EQUALS"}]}`,
	}
	if !slices.Equal(src.filters, want) {
		t.Errorf("filters:\n got %q\nwant %q", src.filters, want)
	}
	// "open" came twice: one row.
	if r.Len() != 2 {
		t.Errorf("%d open findings, want 2 (open, notified)", r.Len())
	}
	if !slices.Equal(progress, []int{2, 4, 6, 8}) {
		t.Errorf("progress %v, want 2 4 6 8", progress)
	}
}

// TestCollectErrors: bad projects are refused before anything is read;
// a failing source's error comes back wrapped with the project and step.
func TestCollectErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    report.Project
		want string
	}{
		{"no name", report.Project{Accounts: []string{accountA}}, "project name: empty"},
		{"no accounts", report.Project{Name: "x"}, `report "x": accounts: none`},
		{"short account", report.Project{Name: "x", Accounts: []string{accountA, "12345"}}, `accounts[1]: "12345" is not a 12-digit AWS account ID`},
		{"twice", report.Project{Name: "x", Accounts: []string{accountA, accountA}}, "accounts[1]: 111111111111 is listed twice"},
		{"language", report.Project{Name: "x", Accounts: []string{accountA}, Language: "fr"}, `language "fr": want "ja" or "en"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &recorder{}
			_, err := report.Collect(context.Background(), src, tc.p, report.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Collect = %v, want an error containing %q", err, tc.want)
			}
			if len(src.filters) != 0 {
				t.Error("the source was read")
			}
		})
	}
	broken := errors.New("throttled for good")
	_, err := report.Collect(context.Background(), &recorder{fail: broken}, project("ja"), report.Options{})
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), `report "System A": read open findings`) {
		t.Errorf("Collect = %v; want the source's error, wrapped", err)
	}
	if _, err := report.Collect(context.Background(), nil, project("ja"), report.Options{}); err == nil {
		t.Error("Collect with no source succeeded")
	}
}

// TestClientAsSource: the securityhub client reads a project of 45
// accounts (three queries of at most 20 accounts) through the real SDK;
// every open finding is in the report once.
func TestClientAsSource(t *testing.T) {
	hub, c := newHub(t)
	var accounts []string
	var raws []json.RawMessage
	for k := range 50 {
		a := fmt.Sprintf("4000000000%02d", k)
		if k < 45 {
			accounts = append(accounts, a)
		}
		for i := range 6 {
			raws = append(raws, build(t, fsbp, id(fmt.Sprintf("f-%02d-%d", k, i)), account(a)))
		}
	}
	if err := hub.AddFindings(raws...); err != nil {
		t.Fatal(err)
	}
	r := collect(t, c, report.Project{Name: "Big", Accounts: accounts}, report.Options{Now: week1})
	if r.Len() != 45*6 {
		t.Errorf("%d open findings, want %d", r.Len(), 45*6)
	}
	// Open query: 270 findings in 3 queries (120, 120, 30: 2+2+1 pages);
	// the resolved-controls query: 3 queries, one empty page each.
	if calls := hub.Calls("GetFindings"); calls != 8 {
		t.Errorf("GetFindings calls = %d, want 8", calls)
	}
}

// TestFileName: names safe for S3 keys and mail attachments, dated in the
// project's zone.
func TestFileName(t *testing.T) {
	src := &recorder{}
	for _, tc := range []struct{ name, want string }{
		{"System A", "system-a-2026-11-23.xlsx"},
		{"  Payments / API (prod) ", "payments-api-prod-2026-11-23.xlsx"},
		{"基幹システム", "project-"},
		{"基幹システム v2", "v2-2026-11-23.xlsx"},
	} {
		p := report.Project{Name: tc.name, Accounts: []string{accountA}}
		// Sunday 23:30 UTC is Monday in Tokyo.
		r, err := report.Collect(context.Background(), src, p, report.Options{Now: week2.Add(-30 * time.Minute).UTC(), Location: tokyo})
		if err != nil {
			t.Fatal(err)
		}
		got := r.FileName(report.FormatXLSX)
		if !strings.HasPrefix(got, tc.want) || !strings.HasSuffix(got, "2026-11-23.xlsx") {
			t.Errorf("FileName(%q) = %q, want %q…", tc.name, got, tc.want)
		}
	}
	a, _ := report.Collect(context.Background(), src, report.Project{Name: "基幹システム", Accounts: []string{accountA}}, report.Options{Now: week2})
	b, _ := report.Collect(context.Background(), src, report.Project{Name: "会計システム", Accounts: []string{accountA}}, report.Options{Now: week2})
	if a.FileName(report.FormatCSV) == b.FileName(report.FormatCSV) {
		t.Errorf("two Japanese names share the file name %s", a.FileName(report.FormatCSV))
	}
}

// TestFormats: format names and content types.
func TestFormats(t *testing.T) {
	for _, f := range report.Formats() {
		got, err := report.ParseFormat(" " + strings.ToUpper(string(f)) + " ")
		if err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %v, %v", f, got, err)
		}
		if f.ContentType() == "application/octet-stream" {
			t.Errorf("%s has no content type", f)
		}
	}
	if _, err := report.ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("ParseFormat(pdf) = %v", err)
	}
	_, second := twoWeeks(t, "en")
	if err := second.Write(&bytes.Buffer{}, "pdf"); err == nil || !strings.Contains(err.Error(), `format "pdf"`) {
		t.Errorf("Write(pdf) = %v", err)
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestWriteErrors: a failing writer's error comes back, naming the
// format.
func TestWriteErrors(t *testing.T) {
	_, second := twoWeeks(t, "ja")
	for _, f := range report.Formats() {
		err := second.Write(&failingWriter{n: 100}, f)
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "write "+string(f)) {
			t.Errorf("Write(%s) = %v; want the writer's error", f, err)
		}
	}
}

var _ report.Source = (*recorder)(nil)
