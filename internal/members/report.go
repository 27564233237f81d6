package members

import (
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// Report is what one check found. Its JSON form is the documented output
// of `hubrelay members --output json`, and (without announced and
// notices) the Data of the daily notice.
type Report struct {
	// Run is the run key: "members|<slot RFC 3339>" for a scheduled run,
	// "manual|…" or "check|…" for a one-off one.
	Run string `json:"run"`
	// Kind is scheduled, manual or check (store.MemberSnapshot*).
	Kind string `json:"kind"`
	// TakenAt is when ListMembers was read.
	TakenAt time.Time `json:"taken_at"`
	// PreviousAt is when the snapshot diffed against was taken; nil on
	// the first check, which reports no changes.
	PreviousAt *time.Time `json:"previous_at"`
	// Members counts the member accounts listed; Statuses counts them by
	// status.
	Members  int            `json:"members"`
	Statuses map[string]int `json:"statuses"`
	// Changes are the changes since PreviousAt, by account ID.
	Changes []Change `json:"changes"`
	// Unmanaged are the accounts now Resigned, Removed, Deleted or
	// AccountSuspended, by status then account ID.
	Unmanaged []Account `json:"unmanaged"`
	// CloudTrail are the leaves CloudTrail recorded since PreviousAt.
	CloudTrail []Event `json:"cloudtrail"`
	// Organizations is the cross-check with AWS Organizations; nil when
	// it is not configured.
	Organizations *OrgCheck `json:"organizations,omitempty"`
	// Announced reports whether the run's changes have been committed to
	// the notice queue (or there was nothing to send); false for a check.
	Announced bool `json:"announced"`
	// Notices counts the notices this call committed: 0 for a check, a
	// skipped "no change", or a run repeated after it had committed them.
	Notices int `json:"notices"`
}

// Account is a member account in a Report.
type Account struct {
	AccountID string `json:"account_id"`
	Status    string `json:"status"`
	// Name is the account's name in AWS Organizations, when known.
	Name string `json:"name,omitempty"`
	// UpdatedAt is the member's UpdatedAt: for an unmanaged account, when
	// it left. Zero when unknown.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Event is a leave CloudTrail recorded, in a Report.
type Event struct {
	EventID       string    `json:"event_id"`
	AccountID     string    `json:"account_id"`
	Name          string    `json:"name,omitempty"`
	EventName     string    `json:"event_name"`
	EventTime     time.Time `json:"event_time"`
	Actor         string    `json:"actor,omitempty"`
	CallerAccount string    `json:"caller_account,omitempty"`
	Region        string    `json:"region,omitempty"`
}

// OrgCheck is the AWS Organizations cross-check of a Report.
type OrgCheck struct {
	// Accounts counts the organization's accounts.
	Accounts int `json:"accounts"`
	// NotMembers are the organization's accounts that are not Security
	// Hub members (the administrator account itself excepted), by ID.
	NotMembers []OrgAccount `json:"not_members"`
	// Error says why the organization could not be read (the check then
	// has no accounts); empty when it was read. A failed cross-check does
	// not hold the members message back.
	Error string `json:"error,omitempty"`
}

// HasNews reports whether the report says more than "no change": a first
// check, changes, unmanaged accounts, CloudTrail leaves or organization
// accounts outside Security Hub. With no_change: skip, a report without
// news sends nothing.
func (r *Report) HasNews() bool {
	return r.PreviousAt == nil || len(r.Changes) > 0 || len(r.Unmanaged) > 0 || len(r.CloudTrail) > 0 ||
		(r.Organizations != nil && (len(r.Organizations.NotMembers) > 0 || r.Organizations.Error != ""))
}

// buildReport composes the report of snapshot cur against prev (nil on the
// first check), the CloudTrail events since prev, and the organization's
// accounts (nil: not checked). adminID is left out of the organization's
// non-members. It is a pure function.
func buildReport(cur store.MemberSnapshot, prev *store.MemberSnapshot, events []store.MemberEvent, org []OrgAccount, adminID string) Report {
	r := Report{
		Run:        cur.RunKey,
		Kind:       cur.Kind,
		TakenAt:    cur.TakenAt,
		Members:    len(cur.Accounts),
		Statuses:   map[string]int{},
		Changes:    []Change{},
		Unmanaged:  []Account{},
		CloudTrail: []Event{},
	}
	names := map[string]string{}
	for _, a := range org {
		names[a.AccountID] = a.Name
	}
	for _, a := range cur.Accounts {
		r.Statuses[a.Status]++
		if Unmanaged(a.Status) {
			r.Unmanaged = append(r.Unmanaged, Account{AccountID: a.AccountID, Status: a.Status, Name: names[a.AccountID], UpdatedAt: a.UpdatedAt})
		}
	}
	slices.SortFunc(r.Unmanaged, func(a, b Account) int {
		if c := compareStatus(a.Status, b.Status); c != 0 {
			return c
		}
		return strings.Compare(a.AccountID, b.AccountID)
	})
	if prev != nil {
		at := prev.TakenAt
		r.PreviousAt = &at
		r.Changes = Diff(prev.Accounts, cur.Accounts)
		for i := range r.Changes {
			r.Changes[i].Name = names[r.Changes[i].AccountID]
		}
	}
	for _, e := range events {
		r.CloudTrail = append(r.CloudTrail, Event{EventID: e.EventID, AccountID: e.AccountID, Name: names[e.AccountID],
			EventName: e.EventName, EventTime: e.EventTime, Actor: e.Actor, CallerAccount: e.CallerAccount, Region: e.Region})
	}
	if org != nil {
		members := make(map[string]bool, len(cur.Accounts))
		for _, a := range cur.Accounts {
			members[a.AccountID] = true
			if adminID == "" {
				adminID = a.AdministratorID
			}
		}
		check := &OrgCheck{Accounts: len(org), NotMembers: []OrgAccount{}}
		for _, a := range org {
			if !members[a.AccountID] && a.AccountID != adminID {
				check.NotMembers = append(check.NotMembers, a)
			}
		}
		slices.SortFunc(check.NotMembers, func(a, b OrgAccount) int { return strings.Compare(a.AccountID, b.AccountID) })
		r.Organizations = check
	}
	return r
}
