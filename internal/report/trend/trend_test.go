package trend_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

const (
	productARN = "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub"
	accountA   = "111111111111"
	accountB   = "222222222222"
)

var tokyo = mustLocation("Asia/Tokyo")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// jst is a wall-clock time in Tokyo in November 2026.
func jst(day, hour, minute int) time.Time {
	return time.Date(2026, time.November, day, hour, minute, 0, 0, tokyo)
}

// step is one version of a finding as a source receives it.
type step struct {
	id, account string
	at          time.Time // UpdatedAt and the clock the store records
	severity    string
	state       string // "open", "passed", "suppressed", "archived"
	receivedAt  time.Time
}

func (s step) observation() store.Observation {
	f := &finding.Finding{
		ID: s.id, ProductARN: productARN, AccountID: s.account, Region: "ap-northeast-1",
		Title: "finding " + s.id, Severity: finding.Severity{Label: s.severity},
		Workflow: "NEW", RecordState: "ACTIVE", Compliance: finding.Compliance{Status: "FAILED"},
		UpdatedAt: s.at,
	}
	switch s.state {
	case "passed":
		f.Compliance.Status = "PASSED"
	case "suppressed":
		f.Workflow = "SUPPRESSED"
	case "archived":
		f.RecordState = "ARCHIVED"
	case "open":
	default:
		panic("unknown state " + s.state)
	}
	at := s.at
	if !s.receivedAt.IsZero() {
		at = s.receivedAt
	}
	return store.Observation{Finding: f, Event: []byte(`{"source":"aws.securityhub"}`), Source: "test", ReceivedAt: at}
}

// feed ingests steps one batch at a time, in order.
func feed(t testing.TB, s *store.Store, steps ...step) {
	t.Helper()
	for i, st := range steps {
		if _, err := s.Ingest(context.Background(), []store.Observation{st.observation()}); err != nil {
			t.Fatalf("step %d (%s): %v", i, st.id, err)
		}
	}
}

// scenario is a fortnight of two projects' findings, Tokyo time:
//
//	F1 A HIGH      opened 30 Oct 10:00, resolved 4 Nov 10:00 (5 days)
//	F2 A MEDIUM    opened 2 Nov 09:00, CRITICAL from 3 Nov 12:00, resolved 5 Nov 09:00 (3 days, as CRITICAL),
//	               reopened 6 Nov 09:00, resolved (archived) 6 Nov 21:00 (12 hours)
//	F3 A LOW       opened 4 Nov 00:30 (3 Nov in UTC), suppressed 7 Nov 10:00
//	F4 B HIGH      opened 2 Nov 10:00, open throughout
//	F5 A           first seen PASSED on 4 Nov: counted nowhere
//	F6 A INFO      opened 8 Nov 00:00 exactly (belongs to 8 Nov)
//	F7 A LOW       opened 11 Nov 15:00
//	F8 A HIGH      opened 9 Nov 10:00, resolved 13 Nov (after the period)
//	F9 A CRITICAL  opened 9 Nov 00:00, resolved 9 Nov 06:00 (6 hours)
func scenario() []step {
	return []step{
		{id: "F1", account: accountA, at: time.Date(2026, time.October, 30, 10, 0, 0, 0, tokyo), severity: "HIGH", state: "open"},
		{id: "F2", account: accountA, at: jst(2, 9, 0), severity: "MEDIUM", state: "open"},
		{id: "F4", account: accountB, at: jst(2, 10, 0), severity: "HIGH", state: "open"},
		{id: "F2", account: accountA, at: jst(2, 18, 0), severity: "MEDIUM", state: "open"}, // re-evaluated, no change
		{id: "F2", account: accountA, at: jst(3, 12, 0), severity: "CRITICAL", state: "open"},
		{id: "F3", account: accountA, at: jst(4, 0, 30), severity: "LOW", state: "open"},
		{id: "F1", account: accountA, at: jst(4, 10, 0), severity: "HIGH", state: "passed"},
		{id: "F5", account: accountA, at: jst(4, 11, 0), severity: "MEDIUM", state: "passed"},
		{id: "F2", account: accountA, at: jst(5, 9, 0), severity: "CRITICAL", state: "passed"},
		{id: "F2", account: accountA, at: jst(6, 9, 0), severity: "CRITICAL", state: "open"},
		{id: "F2", account: accountA, at: jst(6, 21, 0), severity: "CRITICAL", state: "archived"},
		{id: "F3", account: accountA, at: jst(7, 10, 0), severity: "LOW", state: "suppressed"},
		{id: "F6", account: accountA, at: jst(8, 0, 0), severity: "INFORMATIONAL", state: "open"},
		{id: "F9", account: accountA, at: jst(9, 0, 0), severity: "CRITICAL", state: "open"},
		{id: "F9", account: accountA, at: jst(9, 6, 0), severity: "CRITICAL", state: "passed"},
		{id: "F8", account: accountA, at: jst(9, 10, 0), severity: "HIGH", state: "open"},
		{id: "F7", account: accountA, at: jst(11, 15, 0), severity: "LOW", state: "open"},
		{id: "F8", account: accountA, at: jst(13, 10, 0), severity: "HIGH", state: "passed"},
	}
}

// open is a compact day: severity initials → count, e.g. "H1 M1".
func open(d trend.Day) string {
	var parts []string
	for _, sev := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNKNOWN"} {
		if n := d.Open[sev]; n != 0 {
			parts = append(parts, fmt.Sprintf("%s%d", sev[:1], n))
		}
	}
	return strings.Join(parts, " ")
}

func days(s *trend.Summary) []string {
	var out []string
	for _, d := range s.Days {
		out = append(out, d.Date.Format("01-02")+" "+open(d))
	}
	return out
}

func weeks(s *trend.Summary) []string {
	var out []string
	for _, w := range s.Weeks {
		out = append(out, fmt.Sprintf("%s new=%d reopened=%d resolved=%d suppressed=%d",
			w.Start.Format("2006-01-02 MST"), w.New, w.Reopened, w.Resolved, w.Suppressed))
	}
	return out
}

func mttr(s *trend.Summary) []string {
	var out []string
	for _, m := range s.MTTR {
		out = append(out, fmt.Sprintf("%s %d %v %v", m.Severity, m.Resolved, m.Mean, m.Median))
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n  got  %q\n  want %q", what, got, want)
	}
}

func TestComputeAll(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			s := storetest.Open(t, d)
			feed(t, s, scenario()...)
			ctx := context.Background()
			from, to := jst(2, 0, 0), jst(12, 0, 0)
			qs := []trend.Query{
				{Project: "a", Accounts: []string{accountA}, From: from, To: to, Location: tokyo},
				{Project: "b", Accounts: []string{" " + accountB, accountB}, From: from, To: to, Location: tokyo},
				{From: from, To: to, Location: tokyo},
				{Project: "a-cut", Accounts: []string{accountA}, From: from, To: jst(11, 12, 0), Location: tokyo},
				{Project: "a-utc", Accounts: []string{accountA}, From: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC)},
			}
			sums, err := trend.ComputeAll(ctx, s, qs)
			if err != nil {
				t.Fatal(err)
			}
			a, b, all, cut, utc := sums[0], sums[1], sums[2], sums[3], sums[4]

			same(t, "a days", days(a), []string{
				"11-02 H1 M1", "11-03 C1 H1", "11-04 C1 L1", "11-05 L1", "11-06 L1",
				"11-07 ", "11-08 I1", "11-09 H1 I1", "11-10 H1 I1", "11-11 H1 L1 I1",
			})
			same(t, "a weeks", weeks(a), []string{
				"2026-11-02 JST new=3 reopened=1 resolved=3 suppressed=1",
				"2026-11-09 JST new=3 reopened=0 resolved=1 suppressed=0",
			})
			same(t, "a mttr", mttr(a), []string{
				"CRITICAL 3 30h0m0s 12h0m0s", "HIGH 1 120h0m0s 120h0m0s",
				"MEDIUM 0 0s 0s", "LOW 0 0s 0s", "INFORMATIONAL 0 0s 0s",
			})
			same(t, "b days", days(b), []string{
				"11-02 H1", "11-03 H1", "11-04 H1", "11-05 H1", "11-06 H1",
				"11-07 H1", "11-08 H1", "11-09 H1", "11-10 H1", "11-11 H1",
			})
			same(t, "b weeks", weeks(b), []string{
				"2026-11-02 JST new=1 reopened=0 resolved=0 suppressed=0",
				"2026-11-09 JST new=0 reopened=0 resolved=0 suppressed=0",
			})
			same(t, "all days", days(all), []string{
				"11-02 H2 M1", "11-03 C1 H2", "11-04 C1 H1 L1", "11-05 H1 L1", "11-06 H1 L1",
				"11-07 H1", "11-08 H1 I1", "11-09 H2 I1", "11-10 H2 I1", "11-11 H2 L1 I1",
			})
			same(t, "a cut at 11 Nov 12:00", days(cut)[9:], []string{"11-11 H1 I1"})
			same(t, "a cut weeks", weeks(cut)[1:], []string{"2026-11-09 JST new=2 reopened=0 resolved=1 suppressed=0"})
			// In UTC, F3 opened on 3 Nov and F1 was resolved on 4 Nov 01:00.
			same(t, "a utc days", days(utc), []string{"11-04 C1 L1", "11-05 L1"})
			same(t, "a utc weeks", weeks(utc), []string{"2026-11-02 UTC new=0 reopened=0 resolved=2 suppressed=0"})
			same(t, "a utc mttr", mttr(utc)[:2], []string{"CRITICAL 1 72h0m0s 72h0m0s", "HIGH 1 120h0m0s 120h0m0s"})

			if a.Project != "a" || !a.From.Equal(from) || !a.To.Equal(to) || a.Location != tokyo ||
				strings.Join(a.Severities, ",") != "CRITICAL,HIGH,MEDIUM,LOW,INFORMATIONAL" {
				t.Errorf("a = %+v", a)
			}
			if all.Project != "" || utc.Location != time.UTC {
				t.Errorf("all.Project = %q, utc.Location = %v", all.Project, utc.Location)
			}

			// Compute is ComputeAll for one query.
			one, err := trend.Compute(ctx, s, qs[0])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one, a) {
				t.Errorf("Compute = %+v, want %+v", one, a)
			}
			// With more accounts than the store is asked to filter on, the
			// rows of other accounts are dropped while reading: same result.
			many := qs[0]
			for i := 0; i < 60; i++ {
				many.Accounts = append(many.Accounts, fmt.Sprintf("9%011d", i))
			}
			wide, err := trend.Compute(ctx, s, many)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(wide, a) {
				t.Errorf("with 61 accounts: %+v, want %+v", wide, a)
			}
		})
	}
}

// TestComputeOddHistories covers what real histories hold besides the
// plain case: an empty severity label, a close recorded at an earlier
// instant than the opening it closes (a replica with a slow clock), a
// period with no transitions at all, and a finding that opened before the
// period and is still open.
func TestComputeOddHistories(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			s := storetest.Open(t, d)
			ctx := context.Background()
			feed(t, s,
				step{id: "U1", account: accountA, at: jst(2, 9, 0), severity: "", state: "open"},
				// Opened at 10:00 by one replica, closed by another whose clock said 09:30.
				step{id: "K1", account: accountA, at: jst(2, 10, 0), severity: "HIGH", state: "open"},
				step{id: "K1", account: accountA, at: jst(2, 11, 0), severity: "HIGH", state: "passed", receivedAt: jst(2, 9, 30)},
				step{id: "L1", account: accountA, at: time.Date(2025, 1, 1, 0, 0, 0, 0, tokyo), severity: "LOW", state: "open"},
			)
			sum, err := trend.Compute(ctx, s, trend.Query{From: jst(2, 0, 0), To: jst(4, 0, 0), Location: tokyo})
			if err != nil {
				t.Fatal(err)
			}
			same(t, "days", days(sum), []string{"11-02 L1 U1", "11-03 L1 U1"})
			same(t, "weeks", weeks(sum), []string{"2026-11-02 JST new=1 reopened=0 resolved=0 suppressed=0"})
			if got := strings.Join(sum.Severities, ","); got != "CRITICAL,HIGH,MEDIUM,LOW,INFORMATIONAL,UNKNOWN" {
				t.Errorf("severities = %s", got)
			}
			if len(sum.MTTR) != 6 || sum.MTTR[5].Severity != "UNKNOWN" {
				t.Errorf("mttr = %v", mttr(sum))
			}

			empty, err := trend.Compute(ctx, s, trend.Query{Accounts: []string{"999999999999"}, From: jst(2, 0, 0), To: jst(3, 0, 0)})
			if err != nil {
				t.Fatal(err)
			}
			// 2 Nov 00:00 JST is 1 Nov 15:00 UTC: the UTC days 1 (a Sunday) and 2 Nov.
			if len(empty.Days) != 2 || empty.Days[0].Total() != 0 || len(empty.Weeks) != 2 || len(empty.MTTR) != 5 {
				t.Errorf("empty = days %v weeks %v mttr %v", days(empty), weeks(empty), mttr(empty))
			}
		})
	}
}

func TestComputeInvalid(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	from := jst(2, 0, 0)
	for _, tc := range []struct {
		name string
		q    trend.Query
		want string
	}{
		{"no from", trend.Query{To: from}, "trend: query.From is required"},
		{"no to", trend.Query{From: from}, "trend: query.To is required"},
		{"backwards", trend.Query{From: from, To: from}, "trend: query.From (2026-11-02T00:00:00+09:00) is not before query.To (2026-11-02T00:00:00+09:00)"},
		{"too long", trend.Query{From: from, To: from.AddDate(11, 0, 0)}, "trend: the period from 2026-11-02 to 2037-11-02 is longer than 3660 days"},
		{"empty account", trend.Query{From: from, To: from.Add(time.Hour), Accounts: []string{accountA, " "}}, "trend: query.Accounts[1] is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trend.Compute(context.Background(), s, tc.q)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
	_, err := trend.ComputeAll(context.Background(), s, []trend.Query{{From: from, To: from.Add(time.Hour)}, {Project: "b"}})
	if err == nil || err.Error() != `trend: query 1 (project "b"): query.From is required` {
		t.Errorf("ComputeAll error = %v", err)
	}
	if sums, err := trend.ComputeAll(context.Background(), s, nil); sums != nil || err != nil {
		t.Errorf("no queries: %v, %v", sums, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	feed(t, s, step{id: "X", account: accountA, at: from, severity: "LOW", state: "open"})
	cancel()
	if _, err := trend.Compute(ctx, s, trend.Query{From: from, To: from.Add(48 * time.Hour)}); err == nil {
		t.Error("a cancelled context read the history")
	}
}

// TestDaylightSaving checks days in a zone that changes its offset: the
// day of the change is 23 or 25 hours long and still one day.
func TestDaylightSaving(t *testing.T) {
	ny := mustLocation("America/New_York")
	s := storetest.Open(t, store.DialectSQLite)
	// 1 Nov 2026 is the end of daylight saving time in New York.
	feed(t, s,
		step{id: "D1", account: accountA, at: time.Date(2026, 11, 1, 23, 30, 0, 0, ny), severity: "HIGH", state: "open"},
		step{id: "D2", account: accountA, at: time.Date(2026, 11, 2, 0, 0, 0, 0, ny), severity: "LOW", state: "open"},
	)
	sum, err := trend.Compute(context.Background(), s, trend.Query{
		From: time.Date(2026, 10, 31, 0, 0, 0, 0, ny), To: time.Date(2026, 11, 3, 0, 0, 0, 0, ny), Location: ny})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "days", days(sum), []string{"10-31 ", "11-01 H1", "11-02 H1 L1"})
	if got := sum.Days[2].Date.Sub(sum.Days[1].Date); got != 25*time.Hour {
		t.Errorf("1 Nov lasts %v, want 25h", got)
	}
	same(t, "weeks", weeks(sum), []string{"2026-10-26 EDT new=1 reopened=0 resolved=0 suppressed=0", "2026-11-02 EST new=1 reopened=0 resolved=0 suppressed=0"})
}
