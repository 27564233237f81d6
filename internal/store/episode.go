package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// FindingKey names a finding across its versions: ProductARN + "|" + ID.
// The key is stable: it is stored in every table that refers to a finding.
func FindingKey(f *finding.Finding) string {
	return f.ProductARN + "|" + f.ID
}

// DeliveryKey is a delivery's idempotency key:
// findingID|route|destination|episode|phase, phase being "open", "resolved"
// or "reminder-N". Ingest and Remind insert deliveries under it, so the same
// message is never owed twice.
func DeliveryKey(findingID, route, dest string, episode int, phase string) string {
	return findingID + "|" + route + "|" + dest + "|" + strconv.Itoa(episode) + "|" + phase
}

// ReminderPhase is the phase of the n-th reminder (n >= 1).
func ReminderPhase(n int) string { return "reminder-" + strconv.Itoa(n) }

// IsOpen reports whether a finding is active and failing: its RecordState is
// not ARCHIVED, its Workflow is not RESOLVED or SUPPRESSED and its
// Compliance.Status is not PASSED. A finding without a compliance status (not
// a control finding) is open while active. Comparisons ignore case.
func IsOpen(f *finding.Finding) bool {
	switch {
	case strings.EqualFold(f.RecordState, "ARCHIVED"):
		return false
	case strings.EqualFold(f.Workflow, "RESOLVED"), strings.EqualFold(f.Workflow, "SUPPRESSED"):
		return false
	case strings.EqualFold(f.Compliance.Status, "PASSED"):
		return false
	}
	return true
}

// findingState is what the store keeps per finding to follow episodes.
type findingState struct {
	Seen      bool      // a version of the finding was applied before
	Episode   int       // 0 = never open
	Open      bool      // open in Episode
	UpdatedAt time.Time // the finding's UpdatedAt of the last applied observation
}

// step applies one observation (the finding's UpdatedAt and whether it is
// open) to st. It returns the new state, the transition and, when the state
// changed, the from/to states to record.
func step(st findingState, updatedAt time.Time, open bool) (next findingState, tr Transition, from, to string) {
	if st.Seen && updatedAt.Before(st.UpdatedAt) {
		return st, TransitionStale, "", ""
	}
	next = findingState{Seen: true, Episode: st.Episode, Open: open, UpdatedAt: updatedAt}
	switch {
	case !st.Seen && open:
		next.Episode++
		return next, TransitionOpened, StateUnseen, StateOpen
	case !st.Seen:
		return next, TransitionUnchanged, StateUnseen, StateClosed
	case !st.Open && open:
		next.Episode++
		return next, TransitionOpened, StateClosed, StateOpen
	case st.Open && !open:
		return next, TransitionResolved, StateOpen, StateClosed
	}
	return next, TransitionUnchanged, "", ""
}

// version is what the history keeps of an applied finding version besides
// its openness: the severity label and the workflow status.
type version struct{ Severity, Workflow string }

// classify decides whether an applied observation is recorded in the
// transitions table and as what. from and to are step's states ("" when
// the episode state did not change), episode and open the state after the
// observation, prev the previously applied version (zero when unseen) and
// cur this one. It returns the kind and the states to record, ok false
// when nothing is recorded. Labels and statuses compare case-insensitively.
func classify(from, to string, episode int, open bool, prev, cur version) (kind Change, rfrom, rto string, ok bool) {
	switch {
	case from == StateUnseen && to == StateClosed:
		return ChangeSeenClosed, from, to, true
	case to == StateOpen && episode > 1:
		return ChangeReopened, from, to, true
	case to == StateOpen:
		return ChangeNew, from, to, true
	case to == StateClosed && strings.EqualFold(cur.Workflow, "SUPPRESSED"):
		return ChangeSuppressed, from, to, true
	case to == StateClosed:
		return ChangeResolved, from, to, true
	case from == "" && open && (!strings.EqualFold(prev.Severity, cur.Severity) || !strings.EqualFold(prev.Workflow, cur.Workflow)):
		return ChangeUpdated, StateOpen, StateOpen, true
	}
	return "", "", "", false
}
