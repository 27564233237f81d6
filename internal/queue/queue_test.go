package queue

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

func TestDeliverOncePerFinding(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, oneRoute)
		ids := ingestN(t, st, cfg, 20, nil)
		rec := &recorder{}
		q, err := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Type: "stdout", Notifier: rec, Policy: fastPolicy()}}})
		if err != nil {
			t.Fatal(err)
		}
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == len(ids) })
		msgs := rec.messages()
		if len(msgs) != len(ids) {
			t.Fatalf("%d messages for %d findings", len(msgs), len(ids))
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			if m.Kind != notify.KindNew || m.Finding == nil || m.Attempt != 1 || m.Route != "all" || m.Destination != "tickets" {
				t.Errorf("message %+v", m)
			}
			if want := store.DeliveryKey(m.Finding.ID, "all", "tickets", 1, "open"); m.Key != want {
				t.Errorf("key %q, want %q", m.Key, want)
			}
			if seen[m.Finding.ID] {
				t.Errorf("finding %s told twice", m.Finding.ID)
			}
			seen[m.Finding.ID] = true
			if len(m.Event) == 0 {
				t.Errorf("message without its event")
			}
		}
		// The same findings again: nothing new to send.
		ingestN(t, st, cfg, 20, nil)
		if n := statusCount(t, st, store.StatusPending); n != 0 {
			t.Fatalf("%d pending deliveries after re-ingesting the same findings", n)
		}
	})
}

func TestRetryHonoursRetryAfterThenDelivers(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ingestN(t, st, parseConfig(t, oneRoute), 1, nil)
		rec := &recorder{answer: func(m *notify.Message, call int) (notify.Receipt, error) {
			if call < 3 {
				return notify.Receipt{}, notify.Retry(errors.New("429 Too Many Requests"), 150*time.Millisecond)
			}
			return notify.Receipt{ID: "BLG-1", URL: "https://example.backlog.jp/view/BLG-1"}, nil
		}}
		q, _ := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 1 })
		msgs := rec.messages()
		if len(msgs) != 3 {
			t.Fatalf("%d attempts, want 3", len(msgs))
		}
		for i, m := range msgs {
			if m.Attempt != i+1 {
				t.Errorf("attempt %d carried Attempt %d", i+1, m.Attempt)
			}
		}
		for i := 1; i < len(rec.starts); i++ {
			if gap := rec.starts[i].Sub(rec.starts[i-1]); gap < 150*time.Millisecond {
				t.Errorf("attempt %d came %s after the previous one; Retry-After asked for 150ms", i+1, gap)
			}
		}
		ds, err := st.Deliveries(context.Background(), store.Filter{})
		if err != nil || len(ds) != 1 {
			t.Fatalf("%v %v", ds, err)
		}
		if ds[0].Attempts != 3 || ds[0].Receipt.ID != "BLG-1" {
			t.Errorf("delivery %+v", ds[0])
		}
		hist, err := st.Attempts(context.Background(), ds[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var outcomes []string
		for _, a := range hist {
			outcomes = append(outcomes, a.Outcome)
		}
		if strings.Join(outcomes, ",") != "retry,retry,delivered" {
			t.Errorf("attempt history %v", outcomes)
		}
	})
}

func TestDeadDeliveriesStayVisible(t *testing.T) {
	tests := []struct {
		name    string
		answer  error
		policy  Policy
		attempt int
		errText string
	}{
		{"permanent", notify.Permanent(errors.New("400 Bad Request: project not found")), fastPolicy(), 1, "project not found"},
		{"attempts used up", notify.Retry(errors.New("503 Service Unavailable"), 0),
			Policy{MaxAttempts: 3, MaxAge: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}, 3, "gave up after 3 attempts"},
		{"age used up", notify.Retry(errors.New("503 Service Unavailable"), time.Hour),
			Policy{MaxAttempts: 100, MaxAge: time.Minute, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, 1, "max_age"},
		{"unclassified is permanent", errors.New("boom"), fastPolicy(), 1, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
				ingestN(t, st, parseConfig(t, oneRoute), 1, nil)
				rec := &recorder{answer: func(*notify.Message, int) (notify.Receipt, error) { return notify.Receipt{}, tt.answer }}
				q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: tt.policy}}})
				runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDead) == 1 })
				ds, _ := st.Deliveries(context.Background(), store.Filter{Status: []store.Status{store.StatusDead}})
				if len(ds) != 1 || ds[0].Attempts != tt.attempt || !strings.Contains(ds[0].LastError, tt.errText) {
					t.Fatalf("dead delivery %+v, want %d attempts and error containing %q", ds, tt.attempt, tt.errText)
				}
				// A person can replay it.
				if err := st.Requeue(context.Background(), ds[0].ID, time.Now()); err != nil {
					t.Fatal(err)
				}
				rec.answer = nil
				runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 1 })
			})
		})
	}
}

func TestUnknownDestinationIsDeadNotDropped(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ingestN(t, st, parseConfig(t, oneRoute), 1, nil)
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDead) == 1 })
		ds, _ := st.Deliveries(context.Background(), store.Filter{})
		if !strings.Contains(ds[0].LastError, `"tickets" is not in the config`) {
			t.Errorf("error %q", ds[0].LastError)
		}
	})
}

func TestRateLimitSpacesCalls(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ingestN(t, st, parseConfig(t, oneRoute), 6, nil)
		var mu sync.Mutex
		inFlight, maxInFlight := 0, 0
		rec := &recorder{answer: func(*notify.Message, int) (notify.Receipt, error) {
			mu.Lock()
			inFlight++
			maxInFlight = max(maxInFlight, inFlight)
			mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return notify.Receipt{ID: "x"}, nil
		}}
		rate := &Rate{Interval: 80 * time.Millisecond, Concurrency: 1}
		q, _ := New(st, Config{Workers: 6, Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Type: "backlog", Notifier: rec, Policy: fastPolicy(), Rate: rate}}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 6 })
		if maxInFlight != 1 {
			t.Errorf("%d calls at once, want 1", maxInFlight)
		}
		for i := 1; i < len(rec.starts); i++ {
			// 5 ms of slack for the clock reading before the call.
			if gap := rec.starts[i].Sub(rec.starts[i-1]); gap < rate.Interval-5*time.Millisecond {
				t.Errorf("calls %d and %d %s apart, want at least %s", i, i+1, gap, rate.Interval)
			}
		}
	})
}

func TestDefaultRates(t *testing.T) {
	if r := DefaultRate("backlog"); r.Concurrency != 1 || r.Interval != time.Second {
		t.Errorf("backlog %+v", r)
	}
	if r := DefaultRate("slack"); r.Interval != time.Second {
		t.Errorf("slack %+v", r)
	}
	if r := DefaultRate("teams"); r.Interval != 250*time.Millisecond {
		t.Errorf("teams %+v", r)
	}
	if r := DefaultRate("webhook"); r != (Rate{}) {
		t.Errorf("webhook %+v", r)
	}
	custom := Rate{Interval: 3 * time.Second}
	if r := rateOf(Destination{Type: "slack", Rate: &custom}); r != custom {
		t.Errorf("configured rate ignored: %+v", r)
	}
}

func TestGracefulStopFinishesInFlight(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ingestN(t, st, parseConfig(t, oneRoute), 1, nil)
		rec := &recorder{block: make(chan struct{})}
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- q.Run(ctx) }()
		for len(rec.messages()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		select {
		case <-done:
			t.Fatal("Run returned while a delivery was in flight")
		case <-time.After(100 * time.Millisecond):
		}
		close(rec.block)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := statusCount(t, st, store.StatusDelivered); n != 1 {
			t.Fatalf("%d delivered after a graceful stop, want 1", n)
		}
	})
}

func TestTwoQueuesShareTheWork(t *testing.T) {
	forEachStore(t, func(t *testing.T, dsn string, st *store.Store) {
		const n = 200
		ingestN(t, st, parseConfig(t, oneRoute), n, nil)
		st2, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st2.Close()
		rec := &recorder{}
		mk := func(s *store.Store, owner string) *Queue {
			q, err := New(s, Config{Owner: owner, Workers: 8, Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		q1, q2 := mk(st, "replica-1"), mk(st2, "replica-2")
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, q := range []*Queue{q1, q2} {
			wg.Add(1)
			go func() { defer wg.Done(); q.Run(ctx) }()
		}
		deadline := time.Now().Add(60 * time.Second)
		for statusCount(t, st, store.StatusDelivered) < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		seen := map[string]int{}
		for _, m := range rec.messages() {
			seen[m.Key]++
		}
		if len(seen) != n {
			t.Fatalf("%d distinct deliveries, want %d", len(seen), n)
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("%s sent %d times", k, c)
			}
		}
	})
}

func TestExpiredLeaseIsTakenOverWithAttemptTwo(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ingestN(t, st, parseConfig(t, oneRoute), 1, nil)
		// A process claims the delivery and dies.
		if cs, err := st.Claim(context.Background(), "dead-process", time.Now(), 100*time.Millisecond, 10); err != nil || len(cs) != 1 {
			t.Fatalf("claim: %v %v", cs, err)
		}
		rec := &recorder{}
		q, _ := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 1 })
		msgs := rec.messages()
		if len(msgs) != 1 || msgs[0].Attempt != 2 {
			t.Fatalf("messages %+v: want one, with Attempt 2 (so ticket destinations look for the dead process's ticket)", msgs)
		}
	})
}

// A destination that is down for a while (here 1.5 s, with back-off
// capped at 200 ms; in production an hour, capped at 5 minutes) loses
// nothing and doubles nothing: every delivery arrives once it is back.
func TestDestinationDownThenBack(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		const n = 300
		ingestN(t, st, parseConfig(t, oneRoute), n, nil)
		back := time.Now().Add(1500 * time.Millisecond)
		var mu sync.Mutex
		got := map[string]int{}
		rec := &recorder{answer: func(m *notify.Message, _ int) (notify.Receipt, error) {
			if time.Now().Before(back) {
				return notify.Receipt{}, notify.Retry(errors.New("503 Service Unavailable"), 0)
			}
			mu.Lock()
			got[m.Key]++
			mu.Unlock()
			return notify.Receipt{ID: "ok"}, nil
		}}
		policy := Policy{MaxAttempts: 1000, MaxAge: time.Hour, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
		q, _ := New(st, Config{Workers: 8, Poll: 10 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: policy}}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == n })
		if len(got) != n {
			t.Fatalf("%d distinct deliveries arrived, want %d", len(got), n)
		}
		for k, c := range got {
			if c != 1 {
				t.Errorf("%s arrived %d times", k, c)
			}
		}
		if d := statusCount(t, st, store.StatusDead); d != 0 {
			t.Errorf("%d dead", d)
		}
	})
}
