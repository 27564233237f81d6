package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// seed ingests n open findings with one delivery each, received in order.
func seed(t *testing.T, s *store.Store, n int) {
	t.Helper()
	var batch []store.Observation
	for i := 0; i < n; i++ {
		batch = append(batch, observe(failing(fmt.Sprintf("F%04d", i), t0.Add(time.Duration(i)*time.Millisecond)), to("r", "slack")))
		if len(batch) == 100 || i == n-1 {
			ingest(t, s, batch...)
			batch = nil
		}
	}
}

func TestClaimOrderAndDue(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s, 5)
		// Only rows due by now are claimed, oldest first.
		cs := claim(t, s, "w", t0.Add(2*time.Millisecond), 10)
		if len(cs) != 3 || cs[0].FindingID != "F0000" || cs[2].FindingID != "F0002" {
			t.Fatalf("claimed %v", ids(cs))
		}
		for _, c := range cs {
			if c.Status != store.StatusSending || c.Attempts != 1 {
				t.Errorf("claimed row = %+v", c.Delivery)
			}
		}
		// Limit is honoured.
		if cs := claim(t, s, "w", t0.Add(time.Hour), 1); len(cs) != 1 || cs[0].FindingID != "F0003" {
			t.Fatalf("claimed %v", ids(cs))
		}
		for _, bad := range []struct {
			owner string
			lease time.Duration
			limit int
		}{{"", time.Minute, 1}, {"w", 0, 1}, {"w", time.Minute, 0}} {
			if _, err := s.Claim(ctx, bad.owner, t0, bad.lease, bad.limit); err == nil {
				t.Errorf("Claim(%q, %v, %d) succeeded", bad.owner, bad.lease, bad.limit)
			}
		}
	})
}

// TestClaimConcurrent: goroutines on one Store, and on two Stores sharing a
// database, never get the same delivery.
func TestClaimConcurrent(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		a, b := open(t, dsn), open(t, dsn)
		const n = 300
		seed(t, a, n)
		var (
			mu   sync.Mutex
			seen = map[int64]string{}
			dup  []string
			wg   sync.WaitGroup
		)
		for w := 0; w < 6; w++ {
			s := a
			if w%2 == 1 {
				s = b
			}
			owner := fmt.Sprintf("worker-%d", w)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					cs, err := s.Claim(context.Background(), owner, t0.Add(time.Hour), time.Minute, 7)
					if err != nil {
						t.Errorf("%s: Claim: %v", owner, err)
						return
					}
					if len(cs) == 0 {
						return
					}
					mu.Lock()
					for _, c := range cs {
						if prev, ok := seen[c.ID]; ok {
							dup = append(dup, fmt.Sprintf("%d by %s and %s", c.ID, prev, owner))
						}
						seen[c.ID] = owner
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(dup) > 0 {
			t.Fatalf("claimed twice: %s", strings.Join(dup, "; "))
		}
		if len(seen) != n {
			t.Fatalf("claimed %d deliveries, want %d", len(seen), n)
		}
		owners := map[string]bool{}
		for _, o := range seen {
			owners[o] = true
		}
		t.Logf("%s: %d owners shared %d deliveries", dialect, len(owners), n)
	})
}

func TestLeaseExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s, 1)
		a, err := s.Claim(ctx, "a", t0, time.Minute, 10)
		if err != nil || len(a) != 1 {
			t.Fatalf("claim a: %v %v", a, err)
		}
		// Still leased: nobody else gets it.
		if cs := claim(t, s, "b", t0.Add(59*time.Second), 10); len(cs) != 0 {
			t.Fatalf("leased row claimed again: %+v", cs)
		}
		// a died; the lease expired; b reclaims with attempts incremented.
		b, err := s.Claim(ctx, "b", t0.Add(61*time.Second), time.Minute, 10)
		if err != nil || len(b) != 1 || b[0].ID != a[0].ID || b[0].Attempts != 2 {
			t.Fatalf("reclaim = %+v, %v", b, err)
		}
		wantErr(t, s.Complete(ctx, a[0].ID, "a", store.Receipt{ID: "x"}, t0.Add(62*time.Second)), store.ErrLeaseLost)
		wantErr(t, s.Retry(ctx, a[0].ID, "a", "late", t0, t0), store.ErrLeaseLost)
		wantErr(t, s.Kill(ctx, a[0].ID, "a", "late", t0), store.ErrLeaseLost)
		wantErr(t, s.Complete(ctx, 999999, "a", store.Receipt{}, t0), store.ErrNotFound)
		complete(t, s, b[0], "b", store.Receipt{ID: "ts-1", Channel: "C1"}, t0.Add(63*time.Second))
		d, err := s.Delivery(ctx, b[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.StatusDelivered || d.Receipt != (store.Receipt{ID: "ts-1", Channel: "C1"}) ||
			!d.DeliveredAt.Equal(t0.Add(63*time.Second)) || d.Attempts != 2 {
			t.Errorf("delivered row = %+v", d)
		}
		// Settled twice: the lease is gone.
		wantErr(t, s.Complete(ctx, b[0].ID, "b", store.Receipt{}, t0), store.ErrLeaseLost)
	})
}

func TestRetryKillRequeueDrop(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s, 3)
		cs := claim(t, s, "w", t0.Add(time.Second), 10)
		if len(cs) != 3 {
			t.Fatalf("claimed %d", len(cs))
		}
		long := strings.Repeat("é", 3000) // 6000 bytes
		if err := s.Retry(ctx, cs[0].ID, "w", long, t0.Add(time.Hour), t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := s.Kill(ctx, cs[1].ID, "w", "HTTP 400: invalid_auth", t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		d0, _ := s.Delivery(ctx, cs[0].ID)
		if d0.Status != store.StatusPending || !d0.NextAt.Equal(t0.Add(time.Hour)) || len(d0.LastError) > 2048 ||
			!strings.HasPrefix(long, d0.LastError) || len(d0.LastError) < 2000 {
			t.Errorf("retried row = status %s next %v error %d bytes", d0.Status, d0.NextAt, len(d0.LastError))
		}
		// Not due before next.
		if got := claim(t, s, "w", t0.Add(59*time.Minute), 10); len(got) != 0 {
			t.Errorf("retried row claimed early: %v", ids(got))
		}
		again := claim(t, s, "w", t0.Add(time.Hour), 10)
		if len(again) != 1 || again[0].ID != cs[0].ID || again[0].Attempts != 2 {
			t.Fatalf("retry claim = %v", ids(again))
		}
		complete(t, s, again[0], "w", store.Receipt{}, t0.Add(time.Hour))
		at, err := s.Attempts(ctx, cs[0].ID)
		if err != nil || len(at) != 2 || at[0].Outcome != store.OutcomeRetry || at[0].Attempt != 1 ||
			at[1].Outcome != store.OutcomeDelivered || at[1].Attempt != 2 {
			t.Errorf("attempts = %+v, %v", at, err)
		}

		d1, _ := s.Delivery(ctx, cs[1].ID)
		if d1.Status != store.StatusDead || d1.LastError != "HTTP 400: invalid_auth" {
			t.Errorf("killed row = %+v", d1)
		}
		// Operator calls and the statuses they accept.
		wantErr(t, s.Requeue(ctx, cs[0].ID, t0), store.ErrStatus) // delivered
		wantErr(t, s.Drop(ctx, cs[0].ID, t0), store.ErrStatus)    // delivered
		wantErr(t, s.Drop(ctx, cs[2].ID, t0), store.ErrStatus)    // sending
		wantErr(t, s.Requeue(ctx, 424242, t0), store.ErrNotFound)
		if err := s.Requeue(ctx, cs[1].ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		d1, _ = s.Delivery(ctx, cs[1].ID)
		if d1.Status != store.StatusPending || d1.Attempts != 0 || d1.LastError != "HTTP 400: invalid_auth" || !d1.NextAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("requeued row = %+v", d1)
		}
		if err := s.Drop(ctx, cs[1].ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, s, "w", t0.Add(25*time.Hour), 10); len(got) != 1 || got[0].ID != cs[2].ID {
			t.Errorf("after drop claimed %v, want only the expired lease of %d", ids(got), cs[2].ID)
		}
		if err := s.Requeue(ctx, cs[1].ID, t0.Add(3*time.Hour)); err != nil {
			t.Errorf("requeue dropped: %v", err)
		}
	})
}

func TestOperatorViews(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, ok, err := s.OldestPending(ctx); ok || err != nil {
			t.Fatalf("OldestPending on empty store = %v, %v", ok, err)
		}
		seed(t, s, 10)
		ingest(t, s, observe(failing("X", t0.Add(time.Hour)), to("other", "mail")))
		cs := claim(t, s, "w", t0.Add(3*time.Millisecond), 4) // F0000..F0003
		if err := s.Kill(ctx, cs[0].ID, "w", "boom", t0); err != nil {
			t.Fatal(err)
		}
		complete(t, s, cs[1], "w", store.Receipt{}, t0)
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[store.Status]int{store.StatusPending: 7, store.StatusSending: 2, store.StatusDead: 1, store.StatusDelivered: 1,
			store.StatusGrouped: 0, store.StatusDigested: 0, store.StatusDropped: 0}
		for st, n := range want {
			if counts[st] != n {
				t.Errorf("Counts[%s] = %d, want %d (all %v)", st, counts[st], n, counts)
			}
		}
		oldest, ok, err := s.OldestPending(ctx)
		if err != nil || !ok || !oldest.Equal(t0.Add(4*time.Millisecond)) {
			t.Errorf("OldestPending = %v %v %v", oldest, ok, err)
		}

		for _, tc := range []struct {
			name string
			f    store.Filter
			want []string // finding IDs, newest first
		}{
			{"dead", store.Filter{Status: []store.Status{store.StatusDead}}, []string{"F0000"}},
			{"dead or delivered", store.Filter{Status: []store.Status{store.StatusDead, store.StatusDelivered}}, []string{"F0001", "F0000"}},
			{"destination", store.Filter{Destination: "mail"}, []string{"X"}},
			{"route", store.Filter{Route: "other"}, []string{"X"}},
			{"finding", store.Filter{FindingID: "F0005"}, []string{"F0005"}},
			{"limit", store.Filter{Limit: 3}, []string{"X", "F0009", "F0008"}},
			{"page", store.Filter{Limit: 2, AfterID: cs[3].ID}, []string{"F0002", "F0001"}},
			{"nothing", store.Filter{Route: "r", Destination: "mail"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ds, err := s.Deliveries(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, d := range ds {
					got = append(got, d.FindingID)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		if _, err := s.Deliveries(ctx, store.Filter{Status: []store.Status{"bogus"}}); err == nil || !strings.Contains(err.Error(), `"bogus"`) {
			t.Errorf("unknown status error = %v", err)
		}
		if _, err := s.Delivery(ctx, 424242); err == nil {
			t.Error("Delivery(424242) found something")
		} else {
			wantErr(t, err, store.ErrNotFound)
		}
	})
}
