package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// claimBenchSizes are the findings (one delivery each) the claim benchmarks
// keep in the store: 5,000 is a small account, 50,000 the scale test's
// full size.
var claimBenchSizes = []int{5000, 20000, 50000}

// claimBenchStore returns a store holding n findings that asked for
// feedback, one delivery each: the older half delivered (so the newer half
// is pending and due at t0+1h), and the older half of the feedback rows
// those deliveries queued done (the newer half pending, due at the time
// returned). This is the queue's state part way through a large backlog.
// The store lives as long as owner (the dialect's benchmark, so that the
// runs of one size share it); b reports setup failures. On PostgreSQL the
// tables are analyzed after the setup, as autovacuum would have done by
// then on a server that runs it.
func claimBenchStore(b, owner *testing.B, dialect string, n int) (*store.Store, time.Time) {
	b.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(owner, dialect)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	owner.Cleanup(func() { s.Close() })
	const batch = 500
	obs := make([]store.Observation, 0, batch)
	for i := 0; i < n; i++ {
		o := observe(failing(fmt.Sprintf("Q%06d", i), t0.Add(time.Duration(i)*time.Millisecond)), to("chat", "slack"))
		o.MarkNotified = true
		obs = append(obs, o)
		if len(obs) == batch || i == n-1 {
			if _, err := s.Ingest(ctx, obs); err != nil {
				b.Fatal(err)
			}
			obs = obs[:0]
		}
	}
	done := t0.Add(time.Hour)
	// The setup claims in large batches: the claims being measured are the
	// small ones the queue makes as its workers free up.
	for left := n / 2; left > 0; {
		cs, err := s.Claim(ctx, "setup", done, time.Hour, min(left, batch))
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			if err := s.Complete(ctx, c.ID, "setup", store.Receipt{ID: "m"}, done); err != nil {
				b.Fatal(err)
			}
		}
		left -= len(cs)
	}
	for left := n / 4; left > 0; {
		fs, err := s.ClaimFeedback(ctx, "setup", done, time.Hour, min(left, store.MaxFeedbackBatch))
		if err != nil {
			b.Fatal(err)
		}
		fids := make([]int64, len(fs))
		for i, f := range fs {
			fids[i] = f.ID
		}
		if err := s.CompleteFeedback(ctx, fids, "setup", done); err != nil {
			b.Fatal(err)
		}
		left -= len(fs)
	}
	if dialect == store.DialectPostgres {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return s, done
}

// BenchmarkClaim claims one due delivery at a time, as the queue does when
// one worker is free, from stores of 5,000, 20,000 and 50,000 deliveries
// (half pending, half delivered), and reports claims/s. Each claimed
// delivery is put back (Retry, same next_at) outside the timer, so every
// iteration sees the same table.
func BenchmarkClaim(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			owner := b
			for _, n := range claimBenchSizes {
				var (
					s   *store.Store
					now time.Time
				)
				b.Run(fmt.Sprintf("deliveries=%d", n), func(b *testing.B) {
					if s == nil {
						s, now = claimBenchStore(b, owner, d, n)
					}
					ctx := context.Background()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						cs, err := s.Claim(ctx, "bench", now, time.Minute, 1)
						if err != nil {
							b.Fatal(err)
						}
						if len(cs) != 1 {
							b.Fatalf("claimed %d deliveries, want 1", len(cs))
						}
						b.StopTimer()
						if err := s.Retry(ctx, cs[0].ID, "bench", "again", cs[0].NextAt, now); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
				})
			}
		})
	}
}

// BenchmarkClaimFeedback claims a full batch (MaxFeedbackBatch) of due
// feedback rows at a time from the stores of BenchmarkClaim (a quarter of
// the findings with pending feedback, a quarter done) and reports claims/s
// (ClaimFeedback calls). The rows are put back outside the timer.
func BenchmarkClaimFeedback(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			owner := b
			for _, n := range claimBenchSizes {
				var (
					s   *store.Store
					now time.Time
				)
				b.Run(fmt.Sprintf("deliveries=%d", n), func(b *testing.B) {
					if s == nil {
						s, now = claimBenchStore(b, owner, d, n)
					}
					ctx := context.Background()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						fs, err := s.ClaimFeedback(ctx, "bench", now, time.Minute, store.MaxFeedbackBatch)
						if err != nil {
							b.Fatal(err)
						}
						if len(fs) != store.MaxFeedbackBatch {
							b.Fatalf("claimed %d feedback rows, want %d", len(fs), store.MaxFeedbackBatch)
						}
						b.StopTimer()
						fids := make([]int64, len(fs))
						for j, f := range fs {
							fids[j] = f.ID
						}
						if err := s.RetryFeedback(ctx, fids, "bench", "again", now, now); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
				})
			}
		})
	}
}

// TestClaimExpiredAmongPending pins down what the claim queries read from
// the claim index (migration 8): a row whose lease expired is claimed again
// in its (next_at, id) place among the due pending rows, and a pending row
// due later is left alone; for deliveries and for feedback.
func TestClaimExpiredAmongPending(t *testing.T) {
	ms := time.Millisecond
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var obs []store.Observation
		for i := 0; i < 3; i++ {
			obs = append(obs, notify(observe(failing(fmt.Sprintf("F%04d", i), t0.Add(time.Duration(i)*ms)), to("r", "slack"))))
		}
		ingest(t, s, obs...)
		// F0000 leased by a for a minute; F0001 retried an hour later.
		a, err := s.Claim(ctx, "a", t0, time.Minute, 1)
		if err != nil || len(a) != 1 || a[0].FindingID != "F0000" {
			t.Fatalf("claim a = %v, %v", ids(a), err)
		}
		b := claim(t, s, "b", t0.Add(ms), 1)
		if len(b) != 1 || b[0].FindingID != "F0001" {
			t.Fatalf("claim b = %v", ids(b))
		}
		if err := s.Retry(ctx, b[0].ID, "b", "later", t0.Add(time.Hour), t0.Add(ms)); err != nil {
			t.Fatal(err)
		}
		// a's lease has expired: F0000 first (attempt 2), then F0002.
		now := t0.Add(2 * time.Minute)
		c := claim(t, s, "c", now, 10)
		if len(c) != 2 || c[0].FindingID != "F0000" || c[0].Attempts != 2 || c[1].FindingID != "F0002" || c[1].Attempts != 1 {
			t.Fatalf("claim c = %v", ids(c))
		}
		// Feedback: F0000 at +1s, F0002 at +2s, F0001 at +3s.
		for i, cl := range []store.Claimed{c[0], c[1]} {
			complete(t, s, cl, "c", store.Receipt{ID: "m"}, now.Add(time.Duration(i+1)*time.Second))
		}
		c = claim(t, s, "c", t0.Add(time.Hour), 10)
		if len(c) != 1 || c[0].FindingID != "F0001" {
			t.Fatalf("claim F0001 = %v", ids(c))
		}
		complete(t, s, c[0], "c", store.Receipt{ID: "m"}, now.Add(3*time.Second))

		fa, err := s.ClaimFeedback(ctx, "a", now.Add(time.Second), time.Minute, 1)
		if err != nil || len(fa) != 1 || fa[0].FindingID != "F0000" {
			t.Fatalf("feedback a = %+v, %v", fa, err)
		}
		fb, err := s.ClaimFeedback(ctx, "b", now.Add(2*time.Second), time.Minute, 10)
		if err != nil || len(fb) != 1 || fb[0].FindingID != "F0002" {
			t.Fatalf("feedback b = %+v, %v", fb, err)
		}
		if err := s.RetryFeedback(ctx, []int64{fb[0].ID}, "b", "later", now.Add(time.Hour), now.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		// a's lease has expired: F0000 (attempt 2) and F0001; F0002 is not due.
		fc, err := s.ClaimFeedback(ctx, "c", now.Add(2*time.Minute), time.Minute, 10)
		if err != nil || len(fc) != 2 || fc[0].FindingID != "F0000" || fc[0].Attempts != 2 || fc[1].FindingID != "F0001" {
			t.Fatalf("feedback c = %+v, %v", fc, err)
		}
	})
}
