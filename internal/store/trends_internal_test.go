package store

import "testing"

// TestClassify covers every combination of step's outcome with the
// version before and after.
func TestClassify(t *testing.T) {
	high := version{Severity: "HIGH", Workflow: "NEW"}
	cases := []struct {
		name      string
		from, to  string
		episode   int
		open      bool
		prev, cur version
		kind      Change
		rfrom     string
		rto       string
	}{
		{"first seen open", StateUnseen, StateOpen, 1, true, version{}, high, ChangeNew, StateUnseen, StateOpen},
		{"first seen closed", StateUnseen, StateClosed, 0, false, version{}, high, ChangeSeenClosed, StateUnseen, StateClosed},
		{"first opening after seen closed", StateClosed, StateOpen, 1, true, high, high, ChangeNew, StateClosed, StateOpen},
		{"reopened", StateClosed, StateOpen, 2, true, high, high, ChangeReopened, StateClosed, StateOpen},
		{"reopened with another severity", StateClosed, StateOpen, 3, true, high, version{"LOW", "NEW"}, ChangeReopened, StateClosed, StateOpen},
		{"resolved", StateOpen, StateClosed, 1, false, high, version{"HIGH", "RESOLVED"}, ChangeResolved, StateOpen, StateClosed},
		{"resolved by compliance", StateOpen, StateClosed, 1, false, high, high, ChangeResolved, StateOpen, StateClosed},
		{"suppressed", StateOpen, StateClosed, 1, false, high, version{"HIGH", "SUPPRESSED"}, ChangeSuppressed, StateOpen, StateClosed},
		{"suppressed, any case", StateOpen, StateClosed, 2, false, high, version{"HIGH", "suppressed"}, ChangeSuppressed, StateOpen, StateClosed},
		{"severity changed while open", "", "", 1, true, high, version{"CRITICAL", "NEW"}, ChangeUpdated, StateOpen, StateOpen},
		{"workflow changed while open", "", "", 1, true, high, version{"HIGH", "NOTIFIED"}, ChangeUpdated, StateOpen, StateOpen},
		{"case only", "", "", 1, true, high, version{"high", "new"}, "", "", ""},
		{"nothing changed", "", "", 1, true, high, high, "", "", ""},
		{"changed while closed", "", "", 1, false, high, version{"LOW", "RESOLVED"}, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kind, rfrom, rto, ok := classify(tc.from, tc.to, tc.episode, tc.open, tc.prev, tc.cur)
			if kind != tc.kind || rfrom != tc.rfrom || rto != tc.rto || ok != (tc.kind != "") {
				t.Errorf("classify = %q %q>%q %v; want %q %q>%q", kind, rfrom, rto, ok, tc.kind, tc.rfrom, tc.rto)
			}
		})
	}
}
