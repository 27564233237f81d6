package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func grouped(key string, max int) store.Planned {
	return store.Planned{Route: "guardduty", Destination: "slack-a", GroupKey: key,
		Group: &store.GroupTiming{Wait: 30 * time.Second, Interval: 5 * time.Minute, Max: max}}
}

// flushAt checks how many digests FlushGroups creates at t0+at.
func flushAt(t *testing.T, s *store.Store, at time.Duration, want int) {
	t.Helper()
	n, err := s.FlushGroups(context.Background(), t0.Add(at), 100)
	if err != nil {
		t.Fatalf("FlushGroups(+%v): %v", at, err)
	}
	if n != want {
		t.Fatalf("FlushGroups(+%v) = %d digests, want %d", at, n, want)
	}
}

func arrive(t *testing.T, s *store.Store, id string, at time.Duration) store.IngestResult {
	t.Helper()
	return ingest(t, s, observe(failing(id, t0.Add(at)), grouped("111111111111", 10)))[0]
}

func TestGroupTiming(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if r := arrive(t, s, "F1", 0); r.Created != 1 {
			t.Fatalf("ingest = %+v", r)
		}
		if d := all(t, s); len(d) != 1 || d[0].Status != store.StatusGrouped || d[0].GroupKey != "111111111111" {
			t.Fatalf("member = %+v", d)
		}
		if cs := claim(t, s, "w", t0.Add(time.Hour), 10); len(cs) != 0 {
			t.Fatalf("grouped member claimed: %v", ids(cs))
		}
		// group_wait: the first member waits 30 s.
		flushAt(t, s, 29*time.Second, 0)
		flushAt(t, s, 30*time.Second, 1)
		flushAt(t, s, 31*time.Second, 0)
		cs := claim(t, s, "w", t0.Add(30*time.Second), 10)
		if len(cs) != 1 || cs[0].Kind != store.KindDigest || cs[0].Total != 1 || cs[0].Previous != nil ||
			cs[0].Key != "digest|guardduty|slack-a|111111111111|1" || cs[0].Members[0].FindingID != "F1" ||
			cs[0].Members[0].Event == nil || cs[0].Event != nil {
			t.Fatalf("digest = %+v", cs)
		}
		complete(t, s, cs[0], "w", store.Receipt{ID: "1700000000.000100", Channel: "C1"}, t0.Add(31*time.Second))
		m, err := s.Delivery(ctx, cs[0].Members[0].DeliveryID)
		if err != nil || m.Status != store.StatusDelivered || m.DigestID != cs[0].ID || m.Receipt.ID != "1700000000.000100" {
			t.Fatalf("member after digest = %+v, %v", m, err)
		}

		// group_interval: the next member joins 10 s after the flush; the
		// group flushes 5 min after the last flush, not 30 s after arrival.
		arrive(t, s, "F2", 40*time.Second)
		flushAt(t, s, 5*time.Minute+29*time.Second, 0)
		flushAt(t, s, 5*time.Minute+30*time.Second, 1)
		cs = claim(t, s, "w", t0.Add(6*time.Minute), 10)
		if len(cs) != 1 || cs[0].Previous == nil || cs[0].Previous.ID != "1700000000.000100" || cs[0].Key != "digest|guardduty|slack-a|111111111111|2" {
			t.Fatalf("second digest = %+v", cs)
		}
		complete(t, s, cs[0], "w", store.Receipt{ID: "2"}, t0.Add(6*time.Minute))

		// A quiet group: the next member waits group_wait again.
		arrive(t, s, "F3", 20*time.Minute)
		flushAt(t, s, 20*time.Minute+29*time.Second, 0)
		flushAt(t, s, 20*time.Minute+30*time.Second, 1)
		deliverAll(t, s, t0.Add(21*time.Minute), noReceipt)

		// Members joining a waiting group do not move its flush.
		arrive(t, s, "F4", 30*time.Minute)
		arrive(t, s, "F5", 30*time.Minute+20*time.Second)
		if r := arrive(t, s, "F4", 30*time.Minute); r.Duplicates != 1 {
			t.Fatalf("repeat member = %+v", r)
		}
		flushAt(t, s, 30*time.Minute+29*time.Second, 0)
		flushAt(t, s, 30*time.Minute+30*time.Second, 1)
		cs = claim(t, s, "w", t0.Add(31*time.Minute), 10)
		if len(cs) != 1 || cs[0].Total != 2 {
			t.Fatalf("digest = %v total %d", ids(cs), cs[0].Total)
		}

		// A dead digest takes its members with it; requeued, they come back.
		if err := s.Kill(ctx, cs[0].ID, "w", "channel_not_found", t0.Add(31*time.Minute)); err != nil {
			t.Fatal(err)
		}
		for _, mm := range cs[0].Members {
			m, _ := s.Delivery(ctx, mm.DeliveryID)
			if m.Status != store.StatusDead || m.LastError != "channel_not_found" {
				t.Errorf("member after kill = %+v", m)
			}
		}
		if err := s.Requeue(ctx, cs[0].ID, t0.Add(32*time.Minute)); err != nil {
			t.Fatal(err)
		}
		again := claim(t, s, "w", t0.Add(32*time.Minute), 10)
		if len(again) != 1 || again[0].ID != cs[0].ID || again[0].Total != 2 {
			t.Fatalf("requeued digest = %v", ids(again))
		}
		complete(t, s, again[0], "w", store.Receipt{ID: "4"}, t0.Add(32*time.Minute))
		for _, mm := range again[0].Members {
			m, _ := s.Delivery(ctx, mm.DeliveryID)
			if m.Status != store.StatusDelivered || m.Receipt.ID != "4" {
				t.Errorf("member after requeue = %+v", m)
			}
		}
	})
}

func TestGroupDropped(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		arrive(t, s, "F1", 0)
		m := all(t, s)[0]
		if err := s.Drop(ctx, m.ID, t0); err != nil {
			t.Fatal(err)
		}
		// Due, but no member left: no digest, and the group is idle again.
		flushAt(t, s, time.Minute, 0)
		arrive(t, s, "F2", 10*time.Minute)
		flushAt(t, s, 10*time.Minute+29*time.Second, 0)
		flushAt(t, s, 10*time.Minute+30*time.Second, 1)
		cs := claim(t, s, "w", t0.Add(11*time.Minute), 10)
		if len(cs) != 1 || cs[0].Total != 1 || cs[0].Members[0].FindingID != "F2" {
			t.Fatalf("digest = %+v", cs)
		}
		if err := s.Retry(ctx, cs[0].ID, "w", "429", t0.Add(12*time.Minute), t0.Add(11*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.Drop(ctx, cs[0].ID, t0.Add(11*time.Minute)); err != nil {
			t.Fatal(err)
		}
		mm, _ := s.Delivery(ctx, cs[0].Members[0].DeliveryID)
		if mm.Status != store.StatusDropped {
			t.Errorf("member of dropped digest = %s", mm.Status)
		}
	})
}

func TestGroupLarge(t *testing.T) {
	const n, max = 5000, 25
	forEachStore(t, func(t *testing.T, s *store.Store) {
		var batch []store.Observation
		for i := 0; i < n; i++ {
			f := failing(fmt.Sprintf("F%05d", i), t0)
			f.Severity.Normalized = (i * 37) % 101
			f.Severity.Label = fmt.Sprint(f.Severity.Normalized)
			batch = append(batch, observe(f, grouped("acct", max)))
			if len(batch) == 500 {
				ingest(t, s, batch...)
				batch = nil
			}
		}
		flushAt(t, s, time.Minute, 1)
		flushAt(t, s, time.Hour, 0)
		cs := claim(t, s, "w", t0.Add(time.Minute), 10)
		if len(cs) != 1 {
			t.Fatalf("claimed %v", ids(cs))
		}
		d := cs[0]
		if d.Total != n || len(d.Members) != n {
			t.Fatalf("digest total %d members %d, want %d", d.Total, len(d.Members), n)
		}
		withEvent := 0
		for i, m := range d.Members {
			if m.Event != nil {
				withEvent++
				if i >= max {
					t.Fatalf("member %d beyond Max carries its event", i)
				}
			}
			if i > 0 {
				var prev, cur int
				fmt.Sscan(d.Members[i-1].Severity, &prev)
				fmt.Sscan(m.Severity, &cur)
				if cur > prev {
					t.Fatalf("member %d severity %d after %d: not ordered", i, cur, prev)
				}
			}
		}
		if withEvent != max {
			t.Errorf("%d members carry events, want %d", withEvent, max)
		}
		if d.Members[0].Severity != "100" {
			t.Errorf("first member severity %s, want 100", d.Members[0].Severity)
		}
	})
}
