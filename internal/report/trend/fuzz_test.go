package trend_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
)

// FuzzCompute turns the input into versions of four findings over about
// two weeks, ingests them into a real store and checks Compute's
// streaming pass against a plain replay of each finding's recorded
// history: open findings at each day's end by severity, week counts and
// times to resolve.
func FuzzCompute(f *testing.F) {
	f.Add([]byte{0, 0, 0, 5, 0, 1, 0, 30, 1, 0, 2, 3, 1, 2, 2, 40, 0, 0, 3, 20, 0, 3, 3, 1})
	f.Add([]byte{2, 0, 4, 0, 2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1, 0, 3, 4, 0, 47})
	f.Add([]byte{})
	ctx := context.Background()
	run := 0
	f.Fuzz(func(t *testing.T, in []byte) {
		run++
		st, err := store.Open(ctx, "sqlite::memory:") // a fresh store keeps each run as fast as the first
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if len(in) > 4*60 {
			in = in[:4*60]
		}
		// Each run has its own findings (IDs) and account.
		account := fmt.Sprintf("%012d", run)
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		at := start.Add(-24 * time.Hour)
		var steps []step
		states := []string{"open", "passed", "suppressed", "archived"}
		sevs := []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", ""}
		for i := 0; i+4 <= len(in); i += 4 {
			at = at.Add(time.Duration(in[i+3]%48) * time.Hour)
			steps = append(steps, step{
				id: fmt.Sprintf("%d-F%d", run, in[i]%4), account: account, at: at,
				state: states[in[i+1]%4], severity: sevs[in[i+2]%5],
			})
		}
		if len(steps) > 0 {
			obs := make([]store.Observation, len(steps))
			for i, s := range steps {
				obs[i] = s.observation()
			}
			if _, err := st.Ingest(ctx, obs); err != nil {
				t.Fatal(err)
			}
		}
		q := trend.Query{Accounts: []string{account}, From: start.Add(7 * time.Hour), To: start.AddDate(0, 0, 12).Add(-5 * time.Hour)}
		sum, err := trend.Compute(ctx, st, q)
		if err != nil {
			t.Fatal(err)
		}

		// The plain replay: every finding's transitions in the order written.
		byFinding := map[string][]store.TransitionRecord{}
		var keys []string
		for i := 0; i < 4; i++ {
			key := productARN + "|" + fmt.Sprintf("%d-F%d", run, i)
			tr, err := st.Transitions(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			byFinding[key] = tr
			keys = append(keys, key)
		}
		label := func(s string) string {
			if s == "" {
				return "UNKNOWN"
			}
			return s
		}
		if len(sum.Days) != 12 {
			t.Fatalf("%d days, want 12", len(sum.Days))
		}
		for i, d := range sum.Days {
			end := d.Date.AddDate(0, 0, 1)
			if end.After(q.To) {
				end = q.To
			}
			want := map[string]int{}
			for _, k := range keys {
				open, sev := false, ""
				for _, r := range byFinding[k] {
					if !r.At.Before(end) {
						break
					}
					switch r.Kind {
					case store.ChangeNew, store.ChangeReopened, store.ChangeUpdated:
						open, sev = true, label(r.Severity)
					case store.ChangeResolved, store.ChangeSuppressed:
						open = false
					}
				}
				if open {
					want[sev]++
				}
			}
			for _, s := range append(sum.Severities, "UNKNOWN") {
				if d.Open[s] != want[s] {
					t.Fatalf("day %d (%s): open %v, want %v", i, d.Date.Format(time.DateOnly), d.Open, want)
				}
			}
		}
		type weekCount struct{ new, reopened, resolved, suppressed int }
		weeks := map[int64]*weekCount{} // Monday (unix seconds) → counts
		durations := map[string][]time.Duration{}
		for _, k := range keys {
			var opened time.Time
			for _, r := range byFinding[k] {
				if r.Kind == store.ChangeNew || r.Kind == store.ChangeReopened {
					opened = r.At
				}
				if r.At.Before(q.From) || !r.At.Before(q.To) {
					continue
				}
				monday := r.At.Truncate(24 * time.Hour)
				monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
				w := weeks[monday.Unix()]
				if w == nil {
					w = &weekCount{}
					weeks[monday.Unix()] = w
				}
				switch r.Kind {
				case store.ChangeNew:
					w.new++
				case store.ChangeReopened:
					w.reopened++
				case store.ChangeResolved:
					w.resolved++
					durations[label(r.Severity)] = append(durations[label(r.Severity)], r.At.Sub(opened))
				case store.ChangeSuppressed:
					w.suppressed++
				}
			}
		}
		for _, w := range sum.Weeks {
			want := weekCount{}
			if c := weeks[w.Start.Unix()]; c != nil {
				want = *c
			}
			if got := (weekCount{w.New, w.Reopened, w.Resolved, w.Suppressed}); got != want {
				t.Fatalf("week %s: %+v, want %+v", w.Start.Format(time.DateOnly), got, want)
			}
		}
		for _, m := range sum.MTTR {
			ds := durations[m.Severity]
			if m.Resolved != len(ds) {
				t.Fatalf("%s: %d resolved, want %d", m.Severity, m.Resolved, len(ds))
			}
			if len(ds) == 0 {
				continue
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			var total time.Duration
			for _, d := range ds {
				total += d
			}
			median := ds[len(ds)/2]
			if len(ds)%2 == 0 {
				median = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
			}
			mean := time.Duration(total.Milliseconds()/int64(len(ds))) * time.Millisecond
			if m.Mean != mean || m.Median != median {
				t.Fatalf("%s: mean %v median %v, want %v %v (%v)", m.Severity, m.Mean, m.Median, mean, median, ds)
			}
		}
	})
}
