package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The kinds of member snapshot.
const (
	// MemberSnapshotScheduled is taken by the scheduled members job.
	MemberSnapshotScheduled = "scheduled"
	// MemberSnapshotManual is taken by a one-off run that announces its
	// changes (hubrelay members --send).
	MemberSnapshotManual = "manual"
	// MemberSnapshotCheck is taken by a one-off run that only prints its
	// changes. It is never announced, so later diffs are not taken
	// against it and nothing it saw goes untold.
	MemberSnapshotCheck = "check"
)

// MaxMemberRunKey is the longest snapshot run key, in bytes.
const MaxMemberRunKey = 200

// MemberAccount is one member account as a snapshot recorded it.
type MemberAccount struct {
	AccountID       string
	Email           string
	AdministratorID string
	// Status is the MemberStatus ListMembers reported, kept as is (also
	// one this version does not know).
	Status string
	// InvitedAt and UpdatedAt are zero when ListMembers did not report
	// them; stored to the millisecond.
	InvitedAt time.Time
	UpdatedAt time.Time
}

// MemberSnapshot is one check of the member accounts.
type MemberSnapshot struct {
	// ID is assigned by SaveMemberSnapshot.
	ID int64
	// RunKey names the run that took the snapshot ("members|2026-11-20T02:00:00Z");
	// a run key holds one snapshot.
	RunKey string
	// Kind is MemberSnapshotScheduled, MemberSnapshotManual or
	// MemberSnapshotCheck.
	Kind string
	// TakenAt is when ListMembers was read.
	TakenAt time.Time
	// AnnouncedAt is when the run's changes were committed to the notice
	// queue (AnnounceMemberSnapshot); zero while they are not. Diffs are
	// taken against the latest announced snapshot.
	AnnouncedAt time.Time
	// Accounts are the member accounts, ordered by account ID when read
	// back.
	Accounts []MemberAccount
}

// SaveMemberSnapshot stores snap under its RunKey and returns it with its
// ID and accounts ordered by account ID, and true. When a snapshot is
// already stored under that RunKey (the run is being repeated), it stores
// nothing and returns the stored one and false, so a repeated run reports
// what the first one saw. An account listed twice keeps its last entry.
// The scheduled members job and `hubrelay members` call it after reading
// ListMembers. Safe for concurrent use; of two callers saving one RunKey at
// once, one creates it and the other gets it back.
func (s *Store) SaveMemberSnapshot(ctx context.Context, snap MemberSnapshot) (MemberSnapshot, bool, error) {
	if err := checkMemberSnapshot(snap); err != nil {
		return MemberSnapshot{}, false, fmt.Errorf("store: save member snapshot: %w", err)
	}
	byID := make(map[string]MemberAccount, len(snap.Accounts))
	for _, a := range snap.Accounts {
		byID[a.AccountID] = a
	}
	accounts := make([]MemberAccount, 0, len(byID))
	for _, a := range byID {
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, func(a, b MemberAccount) int { return strings.Compare(a.AccountID, b.AccountID) })
	created := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created = false
		var id int64
		err := s.queryRow(ctx, tx, `INSERT INTO member_snapshots (run_key, kind, taken_at, members)
			VALUES (?, ?, ?, ?) ON CONFLICT (run_key) DO NOTHING RETURNING id`,
			text(snap.RunKey), snap.Kind, snap.TakenAt.UnixMilli(), len(accounts)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		rows := make([][]any, len(accounts))
		for i, a := range accounts {
			rows[i] = []any{id, text(a.AccountID), text(a.Status), text(a.Email), text(a.AdministratorID),
				unixMilliOrZero(a.InvitedAt), unixMilliOrZero(a.UpdatedAt)}
		}
		if err := s.bulk(ctx, tx, `INSERT INTO member_snapshot_accounts (snapshot_id, account_id, status, email,
			administrator_id, invited_at, updated_at)`, "", rows, nil); err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return MemberSnapshot{}, false, fmt.Errorf("store: save member snapshot %q: %w", snap.RunKey, err)
	}
	got, ok, err := s.MemberSnapshotByRunKey(ctx, snap.RunKey)
	if err != nil {
		return MemberSnapshot{}, false, fmt.Errorf("store: save member snapshot %q: %w", snap.RunKey, err)
	}
	if !ok {
		return MemberSnapshot{}, false, fmt.Errorf("store: save member snapshot %q: stored, then not found", snap.RunKey)
	}
	return got, created, nil
}

// MemberSnapshotByRunKey returns the snapshot stored under runKey and true,
// or false when there is none. Safe for concurrent use.
func (s *Store) MemberSnapshotByRunKey(ctx context.Context, runKey string) (MemberSnapshot, bool, error) {
	snap, ok, err := s.oneMemberSnapshot(ctx, `SELECT `+snapshotCols+` FROM member_snapshots WHERE run_key = ?`, text(runKey))
	if err != nil {
		return MemberSnapshot{}, false, fmt.Errorf("store: member snapshot %q: %w", runKey, err)
	}
	return snap, ok, nil
}

// PreviousMemberSnapshot returns the latest announced snapshot taken
// before snap (an earlier TakenAt, or the same TakenAt and a smaller ID)
// and true; false when there is none. A members run diffs against it.
// Safe for concurrent use.
func (s *Store) PreviousMemberSnapshot(ctx context.Context, snap MemberSnapshot) (MemberSnapshot, bool, error) {
	at := snap.TakenAt.UnixMilli()
	prev, ok, err := s.oneMemberSnapshot(ctx, `SELECT `+snapshotCols+` FROM member_snapshots
		WHERE announced_at > 0 AND (taken_at < ? OR (taken_at = ? AND id < ?))
		ORDER BY taken_at DESC, id DESC LIMIT 1`, at, at, snap.ID)
	if err != nil {
		return MemberSnapshot{}, false, fmt.Errorf("store: member snapshot before %q: %w", snap.RunKey, err)
	}
	return prev, ok, nil
}

// AnnounceMemberSnapshot records that the changes of snapshot id were
// committed to the notice queue (or that there was nothing to send) at
// `at`. Announcing twice keeps the first time. It fails for an unknown id
// and for a check snapshot, which is never announced. Safe for concurrent
// use.
func (s *Store) AnnounceMemberSnapshot(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("store: announce member snapshot %d: the time is zero", id)
	}
	var kind string
	var announced int64
	err := s.queryRow(ctx, s.db, `SELECT kind, announced_at FROM member_snapshots WHERE id = ?`, id).Scan(&kind, &announced)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: announce member snapshot %d: no such snapshot", id)
	case err != nil:
		return fmt.Errorf("store: announce member snapshot %d: %w", id, err)
	case kind == MemberSnapshotCheck:
		return fmt.Errorf("store: announce member snapshot %d: a check snapshot is never announced", id)
	case announced > 0:
		return nil
	}
	if _, err := s.exec(ctx, s.db, `UPDATE member_snapshots SET announced_at = ? WHERE id = ? AND announced_at = 0`,
		max(at.UnixMilli(), 1), id); err != nil {
		return fmt.Errorf("store: announce member snapshot %d: %w", id, err)
	}
	return nil
}

// snapshotCols are the member_snapshots columns oneMemberSnapshot reads.
const snapshotCols = `id, run_key, kind, taken_at, announced_at`

// oneMemberSnapshot reads the snapshot query selects (snapshotCols) and
// its accounts.
func (s *Store) oneMemberSnapshot(ctx context.Context, query string, args ...any) (MemberSnapshot, bool, error) {
	var snap MemberSnapshot
	var taken, announced int64
	err := s.queryRow(ctx, s.db, query, args...).Scan(&snap.ID, &snap.RunKey, &snap.Kind, &taken, &announced)
	if errors.Is(err, sql.ErrNoRows) {
		return MemberSnapshot{}, false, nil
	}
	if err != nil {
		return MemberSnapshot{}, false, err
	}
	snap.TakenAt, snap.AnnouncedAt = ms(taken), msOrZero(announced)
	err = s.scanAll(ctx, s.db, `SELECT account_id, status, email, administrator_id, invited_at, updated_at
		FROM member_snapshot_accounts WHERE snapshot_id = ? ORDER BY account_id`, []any{snap.ID}, func(rs *sql.Rows) error {
		var a MemberAccount
		var invited, updated int64
		if err := rs.Scan(&a.AccountID, &a.Status, &a.Email, &a.AdministratorID, &invited, &updated); err != nil {
			return err
		}
		a.InvitedAt, a.UpdatedAt = msOrZero(invited), msOrZero(updated)
		snap.Accounts = append(snap.Accounts, a)
		return nil
	})
	if err != nil {
		return MemberSnapshot{}, false, err
	}
	return snap, true, nil
}

func checkMemberSnapshot(snap MemberSnapshot) error {
	switch {
	case snap.RunKey == "":
		return errors.New("the run key is empty")
	case len(snap.RunKey) > MaxMemberRunKey:
		return fmt.Errorf("the run key is %d bytes long; at most %d", len(snap.RunKey), MaxMemberRunKey)
	case snap.TakenAt.IsZero():
		return fmt.Errorf("run %q: taken_at is zero", snap.RunKey)
	}
	switch snap.Kind {
	case MemberSnapshotScheduled, MemberSnapshotManual, MemberSnapshotCheck:
	default:
		return fmt.Errorf("run %q: kind %q is not one of scheduled, manual, check", snap.RunKey, snap.Kind)
	}
	for i, a := range snap.Accounts {
		if a.AccountID == "" {
			return fmt.Errorf("run %q: accounts[%d]: the account ID is empty", snap.RunKey, i)
		}
	}
	return nil
}

// MemberEvent is one member account leaving Security Hub, as a CloudTrail
// event recorded it. One event may name several accounts
// (DisassociateMembers); it is then one MemberEvent per account.
type MemberEvent struct {
	// EventID is CloudTrail's eventID; with AccountID it identifies the
	// record.
	EventID   string
	AccountID string
	// EventName is the API call: DisassociateFromAdministratorAccount,
	// DisassociateFromMasterAccount, DisassociateMembers or DeleteMembers.
	EventName string
	// EventTime is when the call was made.
	EventTime time.Time
	// Actor is the caller's ARN (userIdentity.arn); CallerAccount its
	// account.
	Actor         string
	CallerAccount string
	Region        string
	// ReceivedAt is when hubrelay received the event.
	ReceivedAt time.Time
}

// RecordMemberEvents stores evs and returns how many were new; an event
// already stored (same EventID and AccountID, a replay) is left as it is.
// The members CloudTrail hook calls it before enqueueing its alert. Safe
// for concurrent use.
func (s *Store) RecordMemberEvents(ctx context.Context, evs []MemberEvent) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	rows := make([][]any, 0, len(evs))
	seen := make(map[[2]string]bool, len(evs))
	for i, e := range evs {
		switch {
		case e.EventID == "":
			return 0, fmt.Errorf("store: record member events: [%d]: the event ID is empty", i)
		case e.AccountID == "":
			return 0, fmt.Errorf("store: record member events: [%d] (event %s): the account ID is empty", i, e.EventID)
		case e.EventTime.IsZero():
			return 0, fmt.Errorf("store: record member events: [%d] (event %s): the event time is zero", i, e.EventID)
		}
		k := [2]string{text(e.EventID), text(e.AccountID)}
		if seen[k] {
			continue
		}
		seen[k] = true
		rows = append(rows, []any{k[0], k[1], text(e.EventName), e.EventTime.UnixMilli(), text(e.Actor),
			text(e.CallerAccount), text(e.Region), unixMilliOrZero(e.ReceivedAt)})
	}
	created := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created = 0
		return s.bulk(ctx, tx, `INSERT INTO member_events (event_id, account_id, event_name, event_time, actor,
			caller_account, region, received_at)`, `ON CONFLICT (event_id, account_id) DO NOTHING RETURNING event_id`,
			rows, func(*sql.Rows) error { created++; return nil })
	})
	if err != nil {
		return 0, fmt.Errorf("store: record member events: %w", err)
	}
	return created, nil
}

// MemberEvents returns the events whose EventTime is after `after` and
// not after upTo, oldest first (then by event ID and account). The daily
// members message lists those since the previous check. Safe for
// concurrent use.
func (s *Store) MemberEvents(ctx context.Context, after, upTo time.Time) ([]MemberEvent, error) {
	var out []MemberEvent
	err := s.scanAll(ctx, s.db, `SELECT event_id, account_id, event_name, event_time, actor, caller_account, region,
		received_at FROM member_events WHERE event_time > ? AND event_time <= ?
		ORDER BY event_time, event_id, account_id`, []any{after.UnixMilli(), upTo.UnixMilli()}, func(rs *sql.Rows) error {
		var e MemberEvent
		var at, received int64
		if err := rs.Scan(&e.EventID, &e.AccountID, &e.EventName, &at, &e.Actor, &e.CallerAccount, &e.Region, &received); err != nil {
			return err
		}
		e.EventTime, e.ReceivedAt = ms(at), msOrZero(received)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: member events: %w", err)
	}
	return out, nil
}

// unixMilliOrZero stores a zero time as 0.
func unixMilliOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// msOrZero reads 0 as the zero time.
func msOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return ms(v)
}
