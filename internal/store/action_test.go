package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// A custom action ("Send to Backlog") is a person asking for a finding to
// be sent now: it is delivered whatever was told before, once per action
// event, and it does not change the finding's episode.
func TestCustomActionEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		f := failing("arn:finding/action", t0)
		// Imported: told once in episode 1.
		ingest(t, s, observe(f, to("tickets", "backlog")))
		deliverAll(t, s, t0.Add(time.Minute), noReceipt)

		// The finding was archived; then someone clicks the action on the
		// (older) snapshot they see.
		ingest(t, s, observe(passed(f.ID, t0.Add(time.Hour)), to("tickets", "backlog")))
		click := failing(f.ID, t0)
		click.ActionName = "Send to Backlog"
		o := observe(click, to("action-ticket", "backlog"))
		o.Event = []byte(strings.Replace(string(o.Event), `"source"`, `"id":"click-1","source"`, 1))
		res := ingest(t, s, o, o) // EventBridge may send the same event twice
		if res[0].Created != 1 || res[1].Duplicates != 1 || res[0].Transition != store.TransitionUnchanged {
			t.Fatalf("results %+v, want one delivery, then a duplicate, and no change of state", res)
		}
		// A second click is a new request.
		o2 := o
		o2.Event = []byte(strings.Replace(string(o.Event), "click-1", "click-2", 1))
		if res := ingest(t, s, o2); res[0].Created != 1 {
			t.Fatalf("second click: %+v", res)
		}
		var actions int
		for _, d := range all(t, s) {
			if strings.HasPrefix(d.Phase, store.PhaseActionPrefix) {
				actions++
				if d.Kind != store.KindNew || d.Route != "action-ticket" {
					t.Errorf("action delivery %+v", d)
				}
			}
		}
		if actions != 2 {
			t.Fatalf("%d action deliveries, want 2", actions)
		}
		// The episode is what the Imported events said: resolved, so a
		// failing import now opens episode 2.
		if res := ingest(t, s, observe(failing(f.ID, t0.Add(2*time.Hour)), to("tickets", "backlog"))); res[0].Episode != 2 || res[0].Transition != store.TransitionOpened {
			t.Fatalf("after the actions: %+v, want episode 2 opened", res)
		}
	})
}
