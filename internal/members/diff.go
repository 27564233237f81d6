package members

import (
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// The member statuses ListMembers documents. Others are kept as they come.
const (
	StatusCreated          = "Created"
	StatusInvited          = "Invited"
	StatusEnabled          = "Enabled"
	StatusRemoved          = "Removed"
	StatusResigned         = "Resigned"
	StatusDeleted          = "Deleted"
	StatusAccountSuspended = "AccountSuspended"
)

// Unmanaged reports whether status means the account is outside Security
// Hub management: Resigned (the member disassociated itself), Removed (the
// administrator disassociated it), Deleted or AccountSuspended.
func Unmanaged(status string) bool {
	switch status {
	case StatusResigned, StatusRemoved, StatusDeleted, StatusAccountSuspended:
		return true
	}
	return false
}

// statusOrder ranks statuses for display: the documented ones in the
// order of an account's life, unknown ones after them, "" (no longer
// listed) last.
func statusOrder(status string) int {
	switch status {
	case StatusEnabled:
		return 0
	case StatusInvited:
		return 1
	case StatusCreated:
		return 2
	case StatusResigned:
		return 3
	case StatusRemoved:
		return 4
	case StatusDeleted:
		return 5
	case StatusAccountSuspended:
		return 6
	case "":
		return 8
	}
	return 7
}

// compareStatus orders statuses by statusOrder, then by name.
func compareStatus(a, b string) int {
	if c := statusOrder(a) - statusOrder(b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// ChangeKind says how a member account changed between two snapshots.
type ChangeKind string

// The kinds of change, as they appear in Change.Kind and the JSON output.
const (
	// ChangeNew is an account that was not listed before.
	ChangeNew ChangeKind = "new"
	// ChangeJoined is an account whose status became Enabled.
	ChangeJoined ChangeKind = "joined"
	// ChangeLeft is an account that went outside Security Hub management
	// (Resigned, Removed, Deleted, AccountSuspended) or is no longer
	// listed, from a status inside it.
	ChangeLeft ChangeKind = "left"
	// ChangeStatus is any other change of status (Created → Invited,
	// Resigned → Removed, Resigned → no longer listed).
	ChangeStatus ChangeKind = "changed"
	// ChangeUpdated is an account whose status is the same but whose
	// membership was updated since (UpdatedAt moved): it changed and
	// came back between the two checks, for example left and rejoined.
	ChangeUpdated ChangeKind = "updated"
)

// Change is one member account's change between two snapshots.
type Change struct {
	AccountID string     `json:"account_id"`
	Kind      ChangeKind `json:"kind"`
	// From is the status in the previous snapshot; empty for ChangeNew.
	From string `json:"from,omitempty"`
	// To is the status now; empty when the account is no longer listed.
	To string `json:"to"`
	// UpdatedAt is the member's UpdatedAt now (before, when no longer
	// listed); zero when unknown.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Name is the account's name in AWS Organizations, when known.
	Name string `json:"name,omitempty"`
}

// Diff compares two snapshots' member accounts and returns the changes,
// ordered by account ID. prev and cur need not be sorted; an account
// listed twice counts once (its last entry). A status is compared as a
// string, so unknown statuses are kept and compared like the documented
// ones. Diff is a pure function, safe for concurrent use.
func Diff(prev, cur []store.MemberAccount) []Change {
	before := make(map[string]store.MemberAccount, len(prev))
	for _, a := range prev {
		before[a.AccountID] = a
	}
	now := make(map[string]store.MemberAccount, len(cur))
	for _, a := range cur {
		now[a.AccountID] = a
	}
	var out []Change
	for id, a := range now {
		p, ok := before[id]
		switch {
		case !ok:
			out = append(out, Change{AccountID: id, Kind: ChangeNew, To: a.Status, UpdatedAt: a.UpdatedAt})
		case p.Status != a.Status:
			out = append(out, Change{AccountID: id, Kind: statusChange(p.Status, a.Status), From: p.Status, To: a.Status, UpdatedAt: a.UpdatedAt})
		case !p.UpdatedAt.IsZero() && !a.UpdatedAt.IsZero() && !p.UpdatedAt.Equal(a.UpdatedAt):
			out = append(out, Change{AccountID: id, Kind: ChangeUpdated, From: p.Status, To: a.Status, UpdatedAt: a.UpdatedAt})
		}
	}
	for id, p := range before {
		if _, ok := now[id]; !ok {
			out = append(out, Change{AccountID: id, Kind: statusChange(p.Status, ""), From: p.Status, UpdatedAt: p.UpdatedAt})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.AccountID, b.AccountID) })
	return out
}

// statusChange classifies a change of status from → to ("" for no longer
// listed).
func statusChange(from, to string) ChangeKind {
	switch {
	case to == StatusEnabled:
		return ChangeJoined
	case (to == "" || Unmanaged(to)) && !Unmanaged(from):
		return ChangeLeft
	}
	return ChangeStatus
}
