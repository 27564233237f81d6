package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// slot is the scheduled run the tests' notices are for.
var slot = time.Date(2026, 11, 23, 11, 0, 0, 0, time.FixedZone("JST", 9*3600))

func notice(job, dest, topic string) store.NoticeDelivery {
	return store.NoticeDelivery{
		Key:         store.NoticeKey(job, slot, dest),
		Job:         job,
		Destination: dest,
		Topic:       topic,
		Body:        []byte(fmt.Sprintf(`{"topic":%q,"title":"2026/11/23","sections":[{"header":"to %s"}]}`, topic, dest)),
	}
}

func enqueue(t *testing.T, s *store.Store, now time.Time, ns ...store.NoticeDelivery) int {
	t.Helper()
	n, err := s.EnqueueNotices(context.Background(), ns, now)
	if err != nil {
		t.Fatalf("EnqueueNotices: %v", err)
	}
	return n
}

func TestNoticeKey(t *testing.T) {
	got := store.NoticeKey("members", slot, "slack-sec")
	if want := "notice|members|2026-11-23T02:00:00Z|slack-sec"; got != want {
		t.Fatalf("NoticeKey = %q, want %q (the slot in UTC, the same on every replica)", got, want)
	}
	if other := store.NoticeKey("members", slot.UTC(), "slack-sec"); other != got {
		t.Fatalf("the same instant in another zone gives %q", other)
	}
}

func TestEnqueueNoticesIsIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		a, b := notice("members", "slack-sec", "members"), notice("members", "teams-sec", "members")
		if n := enqueue(t, s, t0, a, b); n != 2 {
			t.Fatalf("created %d, want 2", n)
		}
		c := notice("report:system-a", "mail-a", "report")
		if n := enqueue(t, s, t0.Add(time.Minute), b, a, c, c); n != 1 {
			t.Fatalf("a replayed job created %d, want 1 (only the new key, once)", n)
		}
		ds := all(t, s)
		if len(ds) != 3 {
			t.Fatalf("%d deliveries, want 3", len(ds))
		}
		want := []store.NoticeDelivery{a, b, c}
		for i, d := range ds {
			w := want[i]
			if d.Kind != store.KindNotice || d.Key != w.Key || d.Route != w.Job || d.Destination != w.Destination ||
				d.Phase != w.Topic || d.FindingKey != "" || d.FindingID != "" || d.Status != store.StatusPending || d.Attempts != 0 {
				t.Errorf("delivery %d = %+v, want notice %+v", i, d, w)
			}
		}
		if !ds[0].NextAt.Equal(t0) || !ds[2].NextAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("due at %v and %v, want the enqueue times", ds[0].NextAt, ds[2].NextAt)
		}
		counts, err := s.Counts(context.Background())
		if err != nil || counts[store.StatusPending] != 3 {
			t.Fatalf("Counts = %v, %v; want 3 pending", counts, err)
		}
		byRoute, err := s.Deliveries(context.Background(), store.Filter{Route: "members"})
		if err != nil || len(byRoute) != 2 {
			t.Fatalf("deliveries of job members: %d, %v; want 2", len(byRoute), err)
		}
		if n := enqueue(t, s, t0, nil...); n != 0 {
			t.Fatalf("nothing to enqueue created %d", n)
		}
	})
}

func TestNoticeLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// A finding that wants feedback and has a delivery of its own, so
		// that a notice settling beside it could wrongly touch it.
		f := failing("arn:finding/1", t0)
		o := observe(f, to("r", "slack-sec"))
		o.MarkNotified = true
		ingest(t, s, o)
		ns := []store.NoticeDelivery{notice("members", "slack-sec", "members"), notice("members", "teams-sec", "members"), notice("members", "mail-sec", "members")}
		enqueue(t, s, t0, ns...)

		cs := claim(t, s, "w", t0, 10)
		if len(cs) != 4 {
			t.Fatalf("claimed %v, want the finding's delivery and 3 notices", ids(cs))
		}
		notices := map[string]store.Claimed{}
		for _, c := range cs {
			if c.Kind != store.KindNotice {
				continue
			}
			notices[c.Destination] = c
			want := ns[0].Body
			for _, n := range ns {
				if n.Destination == c.Destination {
					want = n.Body
				}
			}
			if !bytes.Equal(c.Event, want) || c.Previous != nil || c.Members != nil || c.Attempts != 1 {
				t.Errorf("claimed notice %s: event %q, previous %v, attempts %d", c.Destination, c.Event, c.Previous, c.Attempts)
			}
		}
		if len(notices) != 3 {
			t.Fatalf("claimed notices %v", ids(cs))
		}
		rc := store.Receipt{ID: "1700000000.000100", Channel: "C0SEC"}
		complete(t, s, notices["slack-sec"], "w", rc, t0)
		if err := s.Retry(ctx, notices["teams-sec"].ID, "w", "503 Service Unavailable", t0.Add(time.Minute), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.Kill(ctx, notices["mail-sec"].ID, "w", "550 mailbox unavailable", t0); err != nil {
			t.Fatal(err)
		}
		// The notice delivered to slack-sec left no ticket for anyone and
		// queued no feedback: the finding's own delivery is still out.
		if tk, err := s.Ticket(ctx, "", "slack-sec"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a delivered notice made a ticket: %+v, %v", tk, err)
		}
		if fb, err := s.ClaimFeedback(ctx, "w", t0, time.Hour, 100); err != nil || len(fb) != 0 {
			t.Fatalf("feedback after notices settled: %+v, %v", fb, err)
		}
		for _, c := range cs {
			if c.Kind != store.KindNotice {
				complete(t, s, c, "w", store.Receipt{ID: "1700000000.000200"}, t0)
			}
		}
		if fb, err := s.ClaimFeedback(ctx, "w", t0, time.Hour, 100); err != nil || len(fb) != 1 || fb[0].FindingID != f.ID {
			t.Fatalf("feedback once the finding's delivery completed: %+v, %v", fb, err)
		} else if len(fb[0].Notes) != 1 || fb[0].Notes[0].Receipt.ID != "1700000000.000200" {
			t.Errorf("the finding's notes carry a notice's receipt: %+v", fb[0].Notes)
		}

		d, err := s.Delivery(ctx, notices["slack-sec"].ID)
		if err != nil || d.Status != store.StatusDelivered || d.Receipt != rc {
			t.Errorf("delivered notice = %+v, %v", d, err)
		}
		dead, err := s.Delivery(ctx, notices["mail-sec"].ID)
		if err != nil || dead.Status != store.StatusDead || dead.LastError != "550 mailbox unavailable" {
			t.Errorf("killed notice = %+v, %v", dead, err)
		}
		// The operator's retry sends it again with its body.
		if err := s.Requeue(ctx, dead.ID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		again := claim(t, s, "w2", t0.Add(time.Minute), 10)
		if len(again) != 2 {
			t.Fatalf("claimed after retry and requeue: %v", ids(again))
		}
		for _, c := range again {
			if c.Kind != store.KindNotice || len(c.Event) == 0 {
				t.Errorf("claimed %+v without its body", c.Delivery)
			}
			if err := s.Kill(ctx, c.ID, "w2", "gave up", t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Drop(ctx, dead.ID, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[store.StatusDelivered] != 2 || counts[store.StatusDead] != 1 || counts[store.StatusDropped] != 1 {
			t.Errorf("counts %v, want 2 delivered (a notice and the finding), 1 dead, 1 dropped", counts)
		}
	})
}

// TestNoticeLargeBody stores and claims a 5 MB body (a report attached
// to an email notice) on both databases.
func TestNoticeLargeBody(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		body := make([]byte, 0, 5<<20+64)
		body = append(body, `{"topic":"report","title":"r","attachment":{"name":"r.xlsx","content_type":"application/octet-stream","data":"`...)
		for len(body) < 5<<20 {
			body = append(body, "UEsDBBQABgAIAAAAIQBi7p1oXgEAAJAEAAATAAgCW0NvbnRlbnRfVHlwZXNdLnhtbCCiBAIooAAC"...)
		}
		body = append(body, `"}}`...)
		n := notice("report:system-a", "mail-a", "report")
		n.Body = body
		enqueue(t, s, t0, n)
		cs := claim(t, s, "w", t0, 1)
		if len(cs) != 1 || !bytes.Equal(cs[0].Event, body) {
			t.Fatalf("claimed %d deliveries; body intact: %v", len(cs), len(cs) == 1 && bytes.Equal(cs[0].Event, body))
		}
	})
}

func TestEnqueueNoticesBadInput(t *testing.T) {
	good := notice("members", "slack-sec", "members")
	with := func(f func(n *store.NoticeDelivery)) store.NoticeDelivery {
		n := good
		n.Key = "notice|other"
		f(&n)
		return n
	}
	tests := []struct {
		name string
		n    store.NoticeDelivery
		want string
	}{
		{"no key", with(func(n *store.NoticeDelivery) { n.Key = "" }), "notices[1]: key is empty"},
		{"long key", with(func(n *store.NoticeDelivery) { n.Key = strings.Repeat("k", store.MaxNoticeKey+1) }), "notices[1]: key is 1001 bytes long; at most 1000"},
		{"key not UTF-8", with(func(n *store.NoticeDelivery) { n.Key = "notice|\xff" }), `key "notice|\xff" is not valid UTF-8`},
		{"key with NUL", with(func(n *store.NoticeDelivery) { n.Key = "notice|\x00" }), "control character"},
		{"no job", with(func(n *store.NoticeDelivery) { n.Job = "" }), `notices[1] (key "notice|other"): job is empty`},
		{"no destination", with(func(n *store.NoticeDelivery) { n.Destination = "" }), "destination is empty"},
		{"no topic", with(func(n *store.NoticeDelivery) { n.Topic = "" }), "topic is empty"},
		{"topic not a word", with(func(n *store.NoticeDelivery) { n.Topic = "Members!" }), `topic "Members!" must be a lower-case word`},
		{"no body", with(func(n *store.NoticeDelivery) { n.Body = nil }), "body is empty"},
	}
	forEachStore(t, func(t *testing.T, s *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n, err := s.EnqueueNotices(context.Background(), []store.NoticeDelivery{good, tt.n}, t0)
				if err == nil || n != 0 || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "store: enqueue notices: ") {
					t.Fatalf("EnqueueNotices = %d, %v; want an error containing %q", n, err, tt.want)
				}
			})
		}
		if ds := all(t, s); len(ds) != 0 {
			t.Fatalf("a failed batch wrote %d deliveries", len(ds))
		}
	})
}

// TestEnqueueNoticesReplicas has four replicas run the same job at once:
// each notice is created once and leaves one body behind.
func TestEnqueueNoticesReplicas(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		var ns []store.NoticeDelivery
		for i := range 20 {
			ns = append(ns, notice("members", fmt.Sprintf("dest-%02d", i), "members"))
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			total int
		)
		for r := range 4 {
			s := open(t, dsn)
			batch := append([]store.NoticeDelivery(nil), ns...)
			if r%2 == 1 {
				for i, j := 0, len(batch)-1; i < j; i, j = i+1, j-1 {
					batch[i], batch[j] = batch[j], batch[i]
				}
			}
			wg.Go(func() {
				n, err := s.EnqueueNotices(context.Background(), batch, t0)
				if err != nil {
					t.Errorf("replica %d: %v", r, err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != len(ns) {
			t.Fatalf("replicas created %d notices in all, want %d", total, len(ns))
		}
		s := open(t, dsn)
		if ds := all(t, s); len(ds) != len(ns) {
			t.Fatalf("%d deliveries, want %d", len(ds), len(ns))
		}
		var bodies int
		if err := rawDB(t, dialect, dsn).QueryRow(`SELECT COUNT(*) FROM events WHERE finding_key LIKE 'notice:%'`).Scan(&bodies); err != nil {
			t.Fatal(err)
		}
		if bodies != len(ns) {
			t.Fatalf("%d notice bodies stored for %d notices", bodies, len(ns))
		}
	})
}

// rawDB opens the test database behind dsn with database/sql, to look at
// what the Store API does not show.
func rawDB(t *testing.T, dialect, dsn string) *sql.DB {
	t.Helper()
	driver, conn := "pgx", dsn
	if dialect == store.DialectSQLite {
		driver, conn = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
