package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// describe lists transitions as "kind from>to episode severity workflow".
func describe(tr []store.TransitionRecord) string {
	var out []string
	for _, x := range tr {
		out = append(out, fmt.Sprintf("%s %s>%s %d %s %s", x.Kind, x.From, x.To, x.Episode, x.Severity, x.Workflow))
	}
	return strings.Join(out, "\n")
}

// TestIngestRecordsEveryChange walks one finding through every kind of
// change and checks the history Ingest recorded, with the severity and
// workflow of each moment.
func TestIngestRecordsEveryChange(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		day := 24 * time.Hour
		at := func(d int) time.Time { return t0.Add(time.Duration(d) * day) }
		with := func(f *finding.Finding, fn func(f *finding.Finding)) *finding.Finding { fn(f); return f }
		steps := []*finding.Finding{
			failing("F1", at(0)), // new, HIGH
			failing("F1", at(1)), // same version content: nothing
			with(failing("F1", at(2)), func(f *finding.Finding) { f.Severity.Label = "CRITICAL" }),                          // updated
			with(failing("F1", at(3)), func(f *finding.Finding) { f.Severity.Label = "critical" }),                          // case only: nothing
			with(failing("F1", at(4)), func(f *finding.Finding) { f.Workflow = "NOTIFIED"; f.Severity.Label = "CRITICAL" }), // updated (workflow)
			passed("F1", at(5)), // resolved, HIGH again at that moment
			with(passed("F1", at(6)), func(f *finding.Finding) { f.Severity.Label = "LOW" }),                                // closed: nothing
			with(failing("F1", at(7)), func(f *finding.Finding) { f.Severity.Label = "MEDIUM" }),                            // reopened
			with(failing("F1", at(8)), func(f *finding.Finding) { f.Severity.Label = "MEDIUM"; f.Workflow = "SUPPRESSED" }), // suppressed
			failing("F1", at(9)), // reopened (episode 3)
			with(failing("F1", at(9)), func(f *finding.Finding) { f.RecordState = "ARCHIVED" }), // resolved (archived)
		}
		for i, f := range steps {
			f.AccountID = "222222222222"
			if _, err := s.Ingest(ctx, []store.Observation{observe(f)}); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		// A stale version changes nothing.
		stale := with(failing("F1", at(1)), func(f *finding.Finding) { f.Severity.Label = "INFORMATIONAL" })
		ingest(t, s, observe(stale))
		// A finding first seen closed.
		ingest(t, s, observe(passed("F2", at(0))))

		tr, err := s.Transitions(ctx, productARN+"|F1")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join([]string{
			"new unseen>open 1 HIGH NEW",
			"updated open>open 1 CRITICAL NEW",
			"updated open>open 1 CRITICAL NOTIFIED",
			"resolved open>closed 1 HIGH NEW",
			"reopened closed>open 2 MEDIUM NEW",
			"suppressed open>closed 2 MEDIUM SUPPRESSED",
			"reopened closed>open 3 HIGH NEW",
			"resolved open>closed 3 HIGH NEW",
		}, "\n")
		if got := describe(tr); got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		for i, x := range tr {
			if x.Account != "222222222222" || x.Source != "test" || x.ID == 0 || (i > 0 && x.ID <= tr[i-1].ID) {
				t.Errorf("row %d = %+v", i, x)
			}
		}
		if !tr[3].At.Equal(at(5)) {
			t.Errorf("resolved at %v, want %v", tr[3].At, at(5))
		}
		tr, err = s.Transitions(ctx, productARN+"|F2")
		if err != nil || describe(tr) != "seen_closed unseen>closed 0 HIGH NEW" {
			t.Errorf("first seen closed: %s, %v", describe(tr), err)
		}
	})
}

// TestIngestChangesInOneBatch checks that several versions of one finding
// in one batch are each compared with the one before.
func TestIngestChangesInOneBatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		a := failing("F1", t0)
		b := failing("F1", t0.Add(time.Minute))
		b.Severity.Label = "CRITICAL"
		c := passed("F1", t0.Add(2*time.Minute))
		c.Workflow = "Suppressed"
		ingest(t, s, observe(a), observe(b), observe(b), observe(c))
		tr, err := s.Transitions(context.Background(), productARN+"|F1")
		if err != nil {
			t.Fatal(err)
		}
		want := "new unseen>open 1 HIGH NEW\nupdated open>open 1 CRITICAL NEW\nsuppressed open>closed 1 HIGH Suppressed"
		if got := describe(tr); got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestScanTransitions checks the order, the filters and the paging of
// ScanTransitions with more rows than one page, many of them recorded at
// the same instant.
func TestScanTransitions(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 520 // pages of 100 (WithPage)
		accounts := []string{"111111111111", "222222222222", "333333333333"}
		var obs []store.Observation
		for i := 0; i < n; i++ {
			f := failing(fmt.Sprintf("S%05d", i), t0)
			f.AccountID = accounts[i%3]
			o := observe(f)
			// Blocks of 100 share one clock, received newest block first.
			o.ReceivedAt = t0.Add(time.Duration(10-i/100) * time.Hour)
			obs = append(obs, o)
		}
		for len(obs) > 0 {
			k := min(130, len(obs)) // batches across the blocks, so pages start mid-tie
			ingest(t, s, obs[:k]...)
			obs = obs[k:]
		}

		var all []store.TransitionRecord
		if err := s.ScanTransitions(ctx, store.WithPage(store.TransitionFilter{}, 100), func(r store.TransitionRecord) error {
			all = append(all, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(all) != n {
			t.Fatalf("read %d rows, want %d", len(all), n)
		}
		seen := map[int64]bool{}
		for i, r := range all {
			if seen[r.ID] {
				t.Fatalf("row %d read twice", r.ID)
			}
			seen[r.ID] = true
			if i > 0 {
				p := all[i-1]
				if r.At.Before(p.At) || (r.At.Equal(p.At) && r.ID <= p.ID) {
					t.Fatalf("row %d (%v, %d) after (%v, %d)", i, r.At, r.ID, p.At, p.ID)
				}
			}
			if r.Kind != store.ChangeNew || r.Severity != "HIGH" {
				t.Fatalf("row %d = %+v", i, r)
			}
		}
		if first := all[0]; !first.At.Equal(t0.Add(5*time.Hour)) || first.FindingKey != productARN+"|S00500" {
			t.Errorf("first row = %+v", first)
		}

		count := func(f store.TransitionFilter) (int, map[string]int) {
			t.Helper()
			per := map[string]int{}
			total := 0
			if err := s.ScanTransitions(ctx, store.WithPage(f, 100), func(r store.TransitionRecord) error {
				total++
				per[r.Account]++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return total, per
		}
		if got, per := count(store.TransitionFilter{Accounts: []string{"222222222222", "333333333333"}}); got != n-n/3-1 || per["111111111111"] != 0 {
			t.Errorf("two accounts: %d rows %v, want %d", got, per, n-n/3-1)
		}
		// Only the blocks received at t0+5h (20 rows) and t0+6h are before t0+7h.
		if got, _ := count(store.TransitionFilter{Before: t0.Add(7 * time.Hour)}); got != 120 {
			t.Errorf("before 7h: %d rows, want 120", got)
		}
		if got, _ := count(store.TransitionFilter{Accounts: []string{"999999999999"}}); got != 0 {
			t.Errorf("unknown account: %d rows", got)
		}

		// fn's error stops the scan and comes back as is.
		stop := errors.New("stop")
		calls := 0
		err := s.ScanTransitions(ctx, store.WithPage(store.TransitionFilter{}, 100), func(store.TransitionRecord) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 3 {
			t.Errorf("stopped scan: %v after %d calls", err, calls)
		}
		// Rows written during the scan are not read.
		calls = 0
		err = s.ScanTransitions(ctx, store.WithPage(store.TransitionFilter{}, 100), func(r store.TransitionRecord) error {
			calls++
			if calls == 1 {
				late := failing("LATE", t0.Add(20*time.Hour))
				_, err := s.Ingest(ctx, []store.Observation{observe(late)})
				return err
			}
			if strings.HasSuffix(r.FindingKey, "|LATE") {
				t.Errorf("read a row written during the scan: %+v", r)
			}
			return nil
		})
		if err != nil || calls != n {
			t.Errorf("scan while ingesting: %v after %d calls, want %d", err, calls, n)
		}
		// fn may use the store between rows (no connection is held).
		calls = 0
		err = s.ScanTransitions(ctx, store.WithPage(store.TransitionFilter{Accounts: accounts[:1]}, 100), func(r store.TransitionRecord) error {
			calls++
			if calls%50 == 1 {
				_, err := s.Transitions(ctx, r.FindingKey)
				return err
			}
			return nil
		})
		if err != nil || calls != (n+2)/3+1 { // and LATE, in the same account
			t.Errorf("scan calling the store: %v after %d calls", err, calls)
		}
	})
}

func TestScanTransitionsEmpty(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		err := s.ScanTransitions(context.Background(), store.TransitionFilter{}, func(store.TransitionRecord) error {
			t.Error("called on an empty store")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		too := make([]string, 10001)
		err = s.ScanTransitions(context.Background(), store.TransitionFilter{Accounts: too}, func(store.TransitionRecord) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "10001 accounts") {
			t.Errorf("too many accounts: %v", err)
		}
	})
}

// TestTrendsMigrationBackfill writes transitions the way hubrelay did
// before migration 0007 and checks the kind, account and severity the
// migration gives them.
func TestTrendsMigrationBackfill(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			old, err := store.OpenAtVersion(ctx, dsn, 6)
			if err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if err := old.ExecRaw(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// F1 reopened and now suppressed; F2 resolved and still closed
			// with workflow RESOLVED; F3 first seen closed; F4 open.
			for _, f := range []struct {
				id, account, sev, workflow string
				episode, open              int
			}{
				{"F1", "111111111111", "CRITICAL", "SUPPRESSED", 2, 0},
				{"F2", "222222222222", "LOW", "RESOLVED", 1, 0},
				{"F3", "111111111111", "MEDIUM", "NEW", 0, 0},
				{"F4", "333333333333", "HIGH", "NEW", 1, 1},
			} {
				exec(`INSERT INTO findings (key, id, product_arn, account, severity_label, workflow, episode, is_open, first_seen, last_seen)
					VALUES (?, ?, 'p', ?, ?, ?, ?, ?, 0, 0)`, "p|"+f.id, f.id, f.account, f.sev, f.workflow, f.episode, f.open)
			}
			for _, r := range []struct {
				key, from, to string
				episode       int
			}{
				{"p|F1", "unseen", "open", 1}, {"p|F1", "open", "closed", 1}, {"p|F1", "closed", "open", 2}, {"p|F1", "open", "closed", 2},
				{"p|F2", "unseen", "open", 1}, {"p|F2", "open", "closed", 1},
				{"p|F3", "unseen", "closed", 0},
				{"p|F4", "unseen", "open", 1},
				{"p|gone", "unseen", "open", 1},
			} {
				exec(`INSERT INTO transitions (finding_key, episode, from_state, to_state, at, source) VALUES (?, ?, ?, ?, 1, 'poll')`,
					r.key, r.episode, r.from, r.to)
			}
			old.Close()

			s := open(t, dsn)
			want := map[string]string{
				"p|F1":   "new unseen>open 1 CRITICAL \nresolved open>closed 1 CRITICAL \nreopened closed>open 2 CRITICAL \nsuppressed open>closed 2 CRITICAL ",
				"p|F2":   "new unseen>open 1 LOW \nresolved open>closed 1 LOW ",
				"p|F3":   "seen_closed unseen>closed 0 MEDIUM ",
				"p|F4":   "new unseen>open 1 HIGH ",
				"p|gone": "new unseen>open 1  ",
			}
			for key, w := range want {
				tr, err := s.Transitions(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if got := describe(tr); got != w {
					t.Errorf("%s:\n%q\nwant\n%q", key, got, w)
				}
				for _, x := range tr {
					if key == "p|F1" && x.Account != "111111111111" {
						t.Errorf("%s: account %q", key, x.Account)
					}
				}
			}
		})
	}
}
