package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func remind(t *testing.T, s *store.Store, at time.Duration, every map[string]time.Duration, want int) {
	t.Helper()
	n, err := s.Remind(context.Background(), t0.Add(at), every)
	if err != nil {
		t.Fatalf("Remind(+%v): %v", at, err)
	}
	if n != want {
		t.Fatalf("Remind(+%v) = %d, want %d", at, n, want)
	}
}

func TestRemind(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		every := map[string]time.Duration{"pager": time.Hour, "off": 0}
		ingest(t, s,
			observe(failing("F1", t0), to("pager", "pagerduty"), to("chat", "slack"), to("off", "sns")),
			observe(failing("F2", t0), to("pager", "pagerduty")),
		)
		deliverAll(t, s, t0, func(c store.Claimed) store.Receipt { return store.Receipt{ID: "inc-" + c.FindingID} })
		// F2 is resolved: no reminders for it.
		ingest(t, s, observe(passed("F2", t0.Add(10*time.Minute))))
		deliverAll(t, s, t0.Add(10*time.Minute), noReceipt)

		remind(t, s, 59*time.Minute, every, 0)
		// A newer version of F1 arrives; the reminder carries it.
		newer := failing("F1", t0.Add(30*time.Minute))
		newer.Title = "still failing"
		ingest(t, s, observe(newer, to("pager", "pagerduty")))
		remind(t, s, time.Hour, every, 1)
		remind(t, s, time.Hour, every, 0)                // idempotent
		remind(t, s, time.Hour+30*time.Minute, every, 0) // last notice is the reminder, 30 min ago
		cs := claim(t, s, "w", t0.Add(time.Hour), 10)
		if len(cs) != 1 {
			t.Fatalf("claimed %v", ids(cs))
		}
		c := cs[0]
		if c.Kind != store.KindReminder || c.Phase != "reminder-1" || c.Route != "pager" || c.Destination != "pagerduty" ||
			c.Key != store.DeliveryKey("F1", "pager", "pagerduty", 1, "reminder-1") ||
			!bytes.Equal(c.Event, event(newer)) || c.Previous == nil || c.Previous.ID != "inc-F1" {
			t.Fatalf("reminder = %+v previous %v", c.Delivery, c.Previous)
		}
		// Even undelivered, a reminder counts as the last notice.
		remind(t, s, 2*time.Hour-time.Millisecond, every, 0)
		remind(t, s, 2*time.Hour, every, 1)
		ds, err := s.Deliveries(context.Background(), store.Filter{FindingID: "F1", Route: "pager"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 3 || ds[0].Phase != "reminder-2" {
			t.Fatalf("deliveries = %+v", ds)
		}
		// Once resolved, reminders stop.
		ingest(t, s, observe(passed("F1", t0.Add(3*time.Hour)), to("pager", "pagerduty")))
		remind(t, s, 10*time.Hour, every, 0)
	})
}
