package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
)

func TestIngestIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		f := failing("F1", t0)
		// 50 copies in one batch, 50 more in 50 batches.
		batch := make([]store.Observation, 50)
		for i := range batch {
			batch[i] = observe(f, to("r1", "slack"))
		}
		res := ingest(t, s, batch...)
		if res[0].Created != 1 || res[0].Transition != store.TransitionOpened || res[0].Episode != 1 {
			t.Fatalf("first result = %+v", res[0])
		}
		for i, r := range res[1:] {
			if r.Created != 0 || r.Duplicates != 1 || r.Transition != store.TransitionUnchanged {
				t.Fatalf("result %d = %+v, want one duplicate", i+1, r)
			}
		}
		for i := 0; i < 50; i++ {
			r := ingest(t, s, observe(f, to("r1", "slack")))[0]
			if r.Created != 0 || r.Duplicates != 1 {
				t.Fatalf("batch %d: %+v", i, r)
			}
		}
		ds := all(t, s)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		d := ds[0]
		if d.Key != store.DeliveryKey("F1", "r1", "slack", 1, store.PhaseOpen) || d.Kind != store.KindNew ||
			d.Status != store.StatusPending || !d.NextAt.Equal(t0) || d.FindingKey != productARN+"|F1" {
			t.Errorf("delivery = %+v", d)
		}
		// The claimed delivery carries the event it was created from.
		c := claim(t, s, "w", t0, 10)
		if len(c) != 1 || !bytes.Equal(c[0].Event, event(f)) || c[0].Previous != nil {
			t.Fatalf("claimed = %+v", c)
		}
	})
}

func TestIngestNewRouteSameEpisode(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		f := failing("F1", t0)
		ingest(t, s, observe(f, to("r1", "slack")))
		newer := failing("F1", t0.Add(time.Minute))
		r := ingest(t, s, observe(newer, to("r1", "slack"), to("r2", "mail")))[0]
		if r.Created != 1 || r.Duplicates != 1 || r.Transition != store.TransitionUnchanged {
			t.Fatalf("result = %+v, want 1 created (r2) and 1 duplicate", r)
		}
		// Each delivery carries the event it was created from.
		for _, c := range claim(t, s, "w", t0.Add(time.Hour), 10) {
			want := event(f)
			if c.Route == "r2" {
				want = event(newer)
			}
			if !bytes.Equal(c.Event, want) {
				t.Errorf("%s: event %s, want %s", c.Route, c.Event, want)
			}
		}
	})
}

func TestIngestReopened(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ticket := store.Receipt{ID: "SYS-1", URL: "https://example.backlog.jp/view/SYS-1"}
		ingest(t, s, observe(failing("F1", t0), to("tickets", "backlog"), to("chat", "slack")))
		deliverAll(t, s, t0, func(c store.Claimed) store.Receipt {
			if c.Destination == "backlog" {
				return ticket
			}
			return store.Receipt{} // a webhook-like destination returns nothing
		})

		// Resolved, then failing again: episode 2.
		r := ingest(t, s, observe(passed("F1", t0.Add(time.Hour)), to("tickets", "backlog")))[0]
		if r.Transition != store.TransitionResolved || r.Episode != 1 || r.Created != 1 {
			t.Fatalf("resolve = %+v", r)
		}
		tk, err := s.Ticket(ctx, productARN+"|F1", "backlog")
		if err != nil || tk.State != store.TicketOpen || tk.Receipt != ticket || tk.Episode != 1 || !tk.UpdatedAt.Equal(t0) {
			t.Fatalf("ticket = %+v, %v", tk, err)
		}
		if _, err := s.Ticket(ctx, productARN+"|F1", "slack"); err == nil {
			t.Fatal("a delivery without receipt recorded a ticket")
		} else {
			wantErr(t, err, store.ErrNotFound)
		}
		res := deliverAll(t, s, t0.Add(time.Hour), noReceipt)
		if len(res) != 1 || res[0].Kind != store.KindResolved || res[0].Previous == nil || *res[0].Previous != ticket {
			t.Fatalf("resolved delivery = %+v", res)
		}
		if tk, err := s.Ticket(ctx, productARN+"|F1", "backlog"); err != nil || tk.State != store.TicketClosed || tk.Receipt != ticket {
			t.Fatalf("ticket after resolution = %+v, %v", tk, err)
		}
		r = ingest(t, s, observe(failing("F1", t0.Add(2*time.Hour)), to("tickets", "backlog"), to("chat", "slack")))[0]
		if r.Transition != store.TransitionOpened || r.Episode != 2 || r.Created != 2 {
			t.Fatalf("reopen = %+v", r)
		}
		cs := claim(t, s, "w", t0.Add(2*time.Hour), 10)
		if len(cs) != 2 {
			t.Fatalf("claimed %d, want 2", len(cs))
		}
		for _, c := range cs {
			switch c.Destination {
			case "backlog":
				if c.Kind != store.KindReopened || c.Previous == nil || *c.Previous != ticket || c.Episode != 2 {
					t.Errorf("backlog delivery = %+v (previous %v)", c.Delivery, c.Previous)
				}
				if c.Key != store.DeliveryKey("F1", "tickets", "backlog", 2, store.PhaseOpen) {
					t.Errorf("key = %q", c.Key)
				}
			case "slack":
				if c.Kind != store.KindNew || c.Previous != nil {
					t.Errorf("slack delivery = %+v (previous %v)", c.Delivery, c.Previous)
				}
			}
		}
		// The reopened ticket is recorded for episode 2.
		for _, c := range cs {
			complete(t, s, c, "w", store.Receipt{ID: "SYS-1", URL: ticket.URL, Thread: "2"}, t0.Add(2*time.Hour))
		}
		if tk, err := s.Ticket(ctx, productARN+"|F1", "backlog"); err != nil || tk.State != store.TicketOpen || tk.Episode != 2 || tk.Receipt.Thread != "2" {
			t.Fatalf("reopened ticket = %+v, %v", tk, err)
		}
		tr, err := s.Transitions(ctx, productARN+"|F1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range tr {
			got = append(got, x.From+">"+x.To)
			if x.Source != "test" {
				t.Errorf("source = %q", x.Source)
			}
		}
		if strings.Join(got, " ") != "unseen>open open>closed closed>open" || tr[2].Episode != 2 || !tr[1].At.Equal(t0.Add(time.Hour)) {
			t.Errorf("transitions = %+v", tr)
		}
	})
}

func TestIngestResolvedOnlyWhereTold(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		grouped := store.Planned{Route: "digest", Destination: "teams", GroupKey: "111111111111", Group: &store.GroupTiming{Wait: time.Second, Interval: time.Minute, Max: 5}}
		open := observe(failing("F1", t0),
			to("delivered", "slack"), // told and delivered
			to("pending", "mail"),    // told, still pending
			to("dead", "pagerduty"),  // never got through
			to("sticky", "backlog"),  // delivered; send_resolved; will not match the resolved finding
			to("quiet", "sns"),       // delivered; no send_resolved; will not match
			grouped,                  // grouped routes never get resolved rows
		)
		ingest(t, s, open)
		if _, err := s.FlushGroups(ctx, t0.Add(time.Second), 10); err != nil {
			t.Fatal(err)
		}
		for _, c := range claim(t, s, "w", t0, 100) {
			switch c.Destination {
			case "mail":
				if err := s.Retry(ctx, c.ID, "w", "503", t0.Add(time.Hour), t0); err != nil {
					t.Fatal(err)
				}
			case "pagerduty":
				if err := s.Kill(ctx, c.ID, "w", "400 bad request", t0); err != nil {
					t.Fatal(err)
				}
			default:
				complete(t, s, c, "w", store.Receipt{ID: c.Destination}, t0)
			}
		}
		closed := observe(passed("F1", t0.Add(time.Minute)),
			to("delivered", "slack"), to("pending", "mail"), to("dead", "pagerduty"), grouped,
			to("unknown", "jira")) // matches now, never told
		closed.SendResolved = map[string]bool{"sticky": true, "digest": true, "dead": true}
		r := ingest(t, s, closed)[0]
		if r.Transition != store.TransitionResolved || r.Created != 3 {
			t.Fatalf("result = %+v, want 3 resolved deliveries", r)
		}
		got := map[string]bool{}
		for _, d := range all(t, s) {
			if d.Kind == store.KindResolved {
				got[d.Route+"/"+d.Destination] = true
				if d.Phase != store.PhaseResolved || d.Episode != 1 || d.Status != store.StatusPending {
					t.Errorf("resolved delivery = %+v", d)
				}
			}
		}
		want := map[string]bool{"delivered/slack": true, "pending/mail": true, "sticky/backlog": true}
		if len(got) != len(want) {
			t.Fatalf("resolved deliveries to %v, want %v", got, want)
		}
		for k := range want {
			if !got[k] {
				t.Errorf("no resolved delivery for %s (got %v)", k, got)
			}
		}
		// The same resolution seen again creates nothing new.
		r = ingest(t, s, closed)[0]
		if r.Transition != store.TransitionUnchanged || r.Created != 0 {
			t.Errorf("repeat = %+v", r)
		}
	})
}

func TestIngestClosedNeverTold(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		// First sighting already passed: nothing to say.
		r := ingest(t, s, observe(passed("F1", t0), to("r", "slack")))[0]
		if r.Transition != store.TransitionUnchanged || r.Created != 0 || r.Episode != 0 {
			t.Fatalf("result = %+v", r)
		}
		// Open in a suppressed window, then resolved: never told, no resolved row.
		f2 := observe(failing("F2", t0))
		f2.SuppressedBy = "maintenance"
		ingest(t, s, f2)
		r = ingest(t, s, observe(passed("F2", t0.Add(time.Minute)), to("r", "slack")))[0]
		if r.Transition != store.TransitionResolved || r.Created != 0 {
			t.Fatalf("result = %+v", r)
		}
		if n := len(all(t, s)); n != 0 {
			t.Errorf("%d deliveries, want none", n)
		}
	})
}

func TestIngestStale(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, observe(failing("F1", t0.Add(time.Hour)), to("r", "slack")))
		// An older version that says "resolved" arrives late.
		r := ingest(t, s, observe(passed("F1", t0), to("r", "slack")))[0]
		if r.Transition != store.TransitionStale || r.Episode != 1 || r.Created+r.Duplicates != 0 {
			t.Fatalf("stale result = %+v", r)
		}
		// An older failing version with a new route: ignored too.
		r = ingest(t, s, observe(failing("F1", t0), to("other", "mail")))[0]
		if r.Transition != store.TransitionStale || r.Created != 0 {
			t.Fatalf("stale result = %+v", r)
		}
		if n := len(all(t, s)); n != 1 {
			t.Errorf("%d deliveries, want 1", n)
		}
		tr, err := s.Transitions(ctx, productARN+"|F1")
		if err != nil || len(tr) != 1 {
			t.Errorf("transitions = %+v, %v", tr, err)
		}
		// Still open: a newer passed version resolves it.
		r = ingest(t, s, observe(passed("F1", t0.Add(2*time.Hour)), to("r", "slack")))[0]
		if r.Transition != store.TransitionResolved {
			t.Errorf("newer result = %+v", r)
		}
	})
}

func TestIngestSuppressed(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		o := observe(failing("F1", t0), to("r", "slack"))
		o.SuppressedBy = "dev-accounts"
		r := ingest(t, s, o)[0]
		if r.Created != 0 || r.Transition != store.TransitionOpened || r.Episode != 1 {
			t.Fatalf("result = %+v", r)
		}
		if n := len(all(t, s)); n != 0 {
			t.Fatalf("%d deliveries, want none", n)
		}
		hits, err := s.SuppressionHits(context.Background(), productARN+"|F1")
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].Suppression != "dev-accounts" || hits[0].Episode != 1 || !hits[0].At.Equal(t0) {
			t.Errorf("hits = %+v", hits)
		}
	})
}

func TestIngestBatchOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		// One batch: open, resolve, reopen the same finding, with another in between.
		res := ingest(t, s,
			observe(failing("F1", t0), to("r", "slack")),
			observe(failing("F2", t0), to("r", "slack")),
			observe(passed("F1", t0.Add(time.Minute)), to("r", "slack")),
			observe(failing("F1", t0.Add(2*time.Minute)), to("r", "slack")),
		)
		want := []struct {
			tr store.Transition
			ep int
			n  int
		}{{store.TransitionOpened, 1, 1}, {store.TransitionOpened, 1, 1}, {store.TransitionResolved, 1, 1}, {store.TransitionOpened, 2, 1}}
		for i, w := range want {
			if res[i].Transition != w.tr || res[i].Episode != w.ep || res[i].Created != w.n {
				t.Errorf("result %d = %+v, want %+v", i, res[i], w)
			}
		}
	})
}

func TestIngestInvalid(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		good := observe(failing("F1", t0), to("r", "slack"))
		for _, tc := range []struct {
			name string
			mod  func(o *store.Observation)
			want string
		}{
			{"nil finding", func(o *store.Observation) { o.Finding = nil }, "observation 1: finding is nil"},
			{"no id", func(o *store.Observation) { o.Finding = &finding.Finding{ProductARN: productARN} }, "observation 1: finding ID is empty"},
			{"no route", func(o *store.Observation) { o.Deliveries = []store.Planned{{Destination: "d"}} }, "deliveries[0]: route is empty"},
			{"no destination", func(o *store.Observation) { o.Deliveries = []store.Planned{{Route: "r"}} }, `deliveries[0] (route "r"): destination is empty`},
			{"negative wait", func(o *store.Observation) {
				o.Deliveries = []store.Planned{{Route: "r", Destination: "d", Group: &store.GroupTiming{Wait: -time.Second}}}
			}, "must not be negative"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				bad := observe(failing("F2", t0), to("r", "slack"))
				tc.mod(&bad)
				_, err := s.Ingest(context.Background(), []store.Observation{good, bad})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.want)
				}
			})
		}
		// Nothing of a failed batch is kept.
		if n := len(all(t, s)); n != 0 {
			t.Errorf("%d deliveries after failed batches", n)
		}
	})
}

func TestIngestOddText(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		f := failing("F\x00odd\xff", t0)
		f.Title = "nul\x00 and bad \xc3 utf8"
		r := ingest(t, s, observe(f, to("r\x00", "d")))[0]
		if r.Created != 1 {
			t.Fatalf("result = %+v", r)
		}
		ds := all(t, s)
		if len(ds) != 1 || ds[0].FindingID != "Fodd\uFFFD" || ds[0].Route != "r" || ds[0].FindingKey != r.FindingKey {
			t.Errorf("deliveries = %+v, result key %q", ds, r.FindingKey)
		}
	})
}

// TestIngestConcurrentReplicas: two Stores (replicas) ingest the same
// findings at once, in different orders; each delivery exists once.
func TestIngestConcurrentReplicas(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		stores := []*store.Store{open(t, dsn), open(t, dsn)}
		const findings, rounds = 20, 5
		var mu sync.Mutex
		created := 0
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			s := stores[w%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < rounds; r++ {
					var obs []store.Observation
					for i := 0; i < findings; i++ {
						k := i
						if w%2 == 1 {
							k = findings - 1 - i // the other order
						}
						obs = append(obs, observe(failing(fmt.Sprintf("C%02d", k), t0), to("r", "slack"),
							store.Planned{Route: "g", Destination: "teams", GroupKey: fmt.Sprint(k % 3), Group: &store.GroupTiming{Wait: time.Second}}))
					}
					res, err := s.Ingest(context.Background(), obs)
					if err != nil {
						t.Errorf("Ingest: %v", err)
						return
					}
					mu.Lock()
					for _, x := range res {
						created += x.Created
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if created != 2*findings {
			t.Errorf("created %d deliveries in total, want %d", created, 2*findings)
		}
		if n := len(all(t, stores[0])); n != 2*findings {
			t.Errorf("%d deliveries stored, want %d", n, 2*findings)
		}
	})
}
