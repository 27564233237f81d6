package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
)

func TestIsOpen(t *testing.T) {
	records := []string{"ACTIVE", "ARCHIVED", "archived", ""}
	workflows := []string{"NEW", "NOTIFIED", "RESOLVED", "resolved", "SUPPRESSED", "Suppressed", ""}
	compliance := []string{"FAILED", "WARNING", "NOT_AVAILABLE", "PASSED", "passed", ""}
	for _, rs := range records {
		for _, wf := range workflows {
			for _, cs := range compliance {
				want := !strings.EqualFold(rs, "ARCHIVED") &&
					!strings.EqualFold(wf, "RESOLVED") && !strings.EqualFold(wf, "SUPPRESSED") &&
					!strings.EqualFold(cs, "PASSED")
				t.Run(fmt.Sprintf("%s/%s/%s", rs, wf, cs), func(t *testing.T) {
					f := &finding.Finding{RecordState: rs, Workflow: wf, Compliance: finding.Compliance{Status: cs}}
					if got := store.IsOpen(f); got != want {
						t.Errorf("IsOpen = %v, want %v", got, want)
					}
				})
			}
		}
	}
	// Spot checks that do not restate the rule.
	for _, tc := range []struct {
		name string
		f    finding.Finding
		want bool
	}{
		{"guardduty finding without compliance", finding.Finding{RecordState: "ACTIVE", Workflow: "NEW"}, true},
		{"notified failing control", finding.Finding{RecordState: "ACTIVE", Workflow: "NOTIFIED", Compliance: finding.Compliance{Status: "FAILED"}}, true},
		{"archived failing control", finding.Finding{RecordState: "ARCHIVED", Workflow: "NEW", Compliance: finding.Compliance{Status: "FAILED"}}, false},
		{"passed control", finding.Finding{RecordState: "ACTIVE", Workflow: "NEW", Compliance: finding.Compliance{Status: "PASSED"}}, false},
		{"suppressed by user", finding.Finding{RecordState: "ACTIVE", Workflow: "SUPPRESSED"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.IsOpen(&tc.f); got != tc.want {
				t.Errorf("IsOpen = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	f := &finding.Finding{ID: "arn:aws:securityhub:ap-northeast-1:111111111111:finding/abc", ProductARN: productARN}
	if got, want := store.FindingKey(f), productARN+"|"+f.ID; got != want {
		t.Errorf("FindingKey = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		phase string
		want  string
	}{
		{store.PhaseOpen, "F|r|d|3|open"},
		{store.PhaseResolved, "F|r|d|3|resolved"},
		{store.ReminderPhase(2), "F|r|d|3|reminder-2"},
	} {
		t.Run(tc.phase, func(t *testing.T) {
			if got := store.DeliveryKey("F", "r", "d", 3, tc.phase); got != tc.want {
				t.Errorf("DeliveryKey = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEpisodes walks findings through sequences of observations and checks
// the transition and episode reported for each, on both databases.
func TestEpisodes(t *testing.T) {
	type step struct {
		open bool
		at   time.Duration // UpdatedAt offset from t0
		tr   store.Transition
		ep   int
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"first seen open", []step{{true, 0, store.TransitionOpened, 1}}},
		{"first seen closed", []step{{false, 0, store.TransitionUnchanged, 0}}},
		{"closed then open", []step{{false, 0, store.TransitionUnchanged, 0}, {true, time.Minute, store.TransitionOpened, 1}}},
		{"open again same version", []step{{true, 0, store.TransitionOpened, 1}, {true, 0, store.TransitionUnchanged, 1}}},
		{"open again newer", []step{{true, 0, store.TransitionOpened, 1}, {true, time.Minute, store.TransitionUnchanged, 1}}},
		{"resolve", []step{{true, 0, store.TransitionOpened, 1}, {false, time.Minute, store.TransitionResolved, 1}}},
		{"resolve twice", []step{{true, 0, store.TransitionOpened, 1}, {false, time.Minute, store.TransitionResolved, 1}, {false, 2 * time.Minute, store.TransitionUnchanged, 1}}},
		{"reopen", []step{{true, 0, store.TransitionOpened, 1}, {false, time.Minute, store.TransitionResolved, 1}, {true, 2 * time.Minute, store.TransitionOpened, 2}}},
		{"three episodes", []step{
			{true, 0, store.TransitionOpened, 1}, {false, 1 * time.Minute, store.TransitionResolved, 1},
			{true, 2 * time.Minute, store.TransitionOpened, 2}, {false, 3 * time.Minute, store.TransitionResolved, 2},
			{true, 4 * time.Minute, store.TransitionOpened, 3},
		}},
		{"stale close ignored", []step{{true, time.Minute, store.TransitionOpened, 1}, {false, 0, store.TransitionStale, 1}, {true, time.Minute, store.TransitionUnchanged, 1}}},
		{"stale open ignored", []step{{true, 0, store.TransitionOpened, 1}, {false, 2 * time.Minute, store.TransitionResolved, 1}, {true, time.Minute, store.TransitionStale, 1}}},
		{"same time close applies", []step{{true, 0, store.TransitionOpened, 1}, {false, 0, store.TransitionResolved, 1}}},
	}
	forEachStore(t, func(t *testing.T, s *store.Store) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				id := "ep-" + tc.name
				for i, st := range tc.steps {
					f := failing(id, t0.Add(st.at))
					if !st.open {
						f = passed(id, t0.Add(st.at))
					}
					r := ingest(t, s, observe(f))[0]
					if r.Transition != st.tr || r.Episode != st.ep {
						t.Fatalf("step %d: got %s episode %d, want %s episode %d", i, r.Transition, r.Episode, st.tr, st.ep)
					}
				}
			})
		}
	})
}
