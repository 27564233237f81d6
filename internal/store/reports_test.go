package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// TestReportRuns: runs are saved and read back newest first, per
// project, with their summary and snapshot intact; the last one is the
// latest At, not the latest saved.
func TestReportRuns(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if last, err := s.LastReportRun(ctx, "System A"); err != nil || last != nil {
			t.Fatalf("LastReportRun of a new project = %v, %v; want nil, nil", last, err)
		}
		snap := bytes.Repeat([]byte{0, 1, 2, 0xff}, 300_000)                // 1.2 MB, NULs included
		weeks := []time.Time{t0, t0.AddDate(0, 0, 14), t0.AddDate(0, 0, 7)} // saved out of order
		for i, at := range weeks {
			run := store.ReportRun{
				Project: "System A", At: at.Add(123456 * time.Microsecond), Formats: []string{"xlsx", "csv"},
				Location: fmt.Sprintf("reports/system-a/%d.xlsx reports/system-a/%d.csv", i, i),
				Summary:  json.RawMessage(fmt.Sprintf(`{"open": %d, "project": "System A"}`, i)),
				Snapshot: append([]byte{byte(i)}, snap...),
			}
			if err := s.SaveReportRun(ctx, run); err != nil {
				t.Fatalf("SaveReportRun: %v", err)
			}
		}
		if err := s.SaveReportRun(ctx, store.ReportRun{Project: "System B", At: t0.AddDate(0, 0, 30)}); err != nil {
			t.Fatal(err)
		}
		runs, err := s.ReportRuns(ctx, "System A", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 3 {
			t.Fatalf("%d runs, want 3", len(runs))
		}
		for k, want := range []int{1, 2, 0} { // by At: week 2, week 1, week 0
			r := runs[k]
			if !r.At.Equal(weeks[want].Add(123*time.Millisecond)) || r.At.Location() != time.UTC {
				t.Errorf("run %d at %v, want %v (ms precision, UTC)", k, r.At, weeks[want].Add(123*time.Millisecond))
			}
			if r.Snapshot[0] != byte(want) || !bytes.Equal(r.Snapshot[1:], snap) {
				t.Errorf("run %d: the snapshot did not survive", k)
			}
			var sum struct{ Open int }
			if err := json.Unmarshal(r.Summary, &sum); err != nil || sum.Open != want {
				t.Errorf("run %d summary %s", k, r.Summary)
			}
			if strings.Join(r.Formats, ",") != "xlsx,csv" || r.Location != fmt.Sprintf("reports/system-a/%d.xlsx reports/system-a/%d.csv", want, want) ||
				r.ID == 0 || r.CreatedAt.IsZero() || r.Project != "System A" {
				t.Errorf("run %d: %+v", k, r)
			}
		}
		last, err := s.LastReportRun(ctx, "System A")
		if err != nil || last == nil || last.ID != runs[0].ID {
			t.Fatalf("LastReportRun = %+v, %v; want the week-2 run", last, err)
		}
		if runs, _ := s.ReportRuns(ctx, "System A", 2); len(runs) != 2 {
			t.Errorf("limit 2 gave %d runs", len(runs))
		}
		b, err := s.LastReportRun(ctx, "System B")
		if err != nil || b == nil || string(b.Summary) != "{}" || b.Snapshot != nil || b.Formats != nil {
			t.Errorf("System B: %+v, %v; want an empty summary and no snapshot", b, err)
		}
	})
}

// TestReportRunAgain: saving a run of the same project and slot again
// replaces it.
func TestReportRunAgain(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, open := range []int{5, 7} {
			err := s.SaveReportRun(ctx, store.ReportRun{Project: "P", At: t0, Formats: []string{"html"},
				Summary: json.RawMessage(fmt.Sprintf(`{"open":%d}`, open)), Snapshot: []byte{byte(open)}})
			if err != nil {
				t.Fatal(err)
			}
		}
		runs, err := s.ReportRuns(ctx, "P", 10)
		if err != nil || len(runs) != 1 || string(runs[0].Summary) != `{"open":7}` || runs[0].Snapshot[0] != 7 {
			t.Fatalf("runs %+v, %v; want the second save only", runs, err)
		}
	})
}

// TestReportRunConcurrent: two replicas saving at once both succeed.
func TestReportRunConcurrent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Go(func() {
				errs <- s.SaveReportRun(context.Background(), store.ReportRun{Project: "P", At: t0.Add(time.Duration(i%5) * time.Hour)})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if runs, _ := s.ReportRuns(context.Background(), "P", 100); len(runs) != 5 {
			t.Errorf("%d runs, want 5", len(runs))
		}
	})
}

// TestReportRunErrors: bad runs and bad queries are refused naming the
// field.
func TestReportRunErrors(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	ctx := context.Background()
	for _, tc := range []struct {
		run  store.ReportRun
		want string
	}{
		{store.ReportRun{At: t0}, "project: empty"},
		{store.ReportRun{Project: strings.Repeat("x", 201), At: t0}, "201 bytes long"},
		{store.ReportRun{Project: "\xff", At: t0}, "not valid UTF-8"},
		{store.ReportRun{Project: "P"}, "At is zero"},
		{store.ReportRun{Project: "P", At: t0, Formats: []string{"xlsx,csv"}}, `Formats[0] "xlsx,csv"`},
		{store.ReportRun{Project: "P", At: t0, Summary: json.RawMessage(`{"open":`)}, "Summary is not valid JSON"},
	} {
		if err := s.SaveReportRun(ctx, tc.run); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SaveReportRun(%+v) = %v, want %q", tc.run, err, tc.want)
		}
	}
	for _, limit := range []int{0, -1, 1001} {
		if _, err := s.ReportRuns(ctx, "P", limit); err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("ReportRuns limit %d = %v", limit, err)
		}
	}
	if _, err := s.LastReportRun(ctx, ""); err == nil {
		t.Error("LastReportRun of no project succeeded")
	}
}
