package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
)

// Change is the kind of a recorded transition: what happened to the
// finding, as history and trends count it.
type Change string

// The kinds of change Ingest records. Every row carries the finding's
// severity label and workflow status at the time, so counts by severity
// follow a finding whose severity changed.
const (
	// ChangeNew: the finding opened for the first time (unseen → open, or
	// first seen closed and now open); its episode is 1.
	ChangeNew Change = "new"
	// ChangeUpdated: the finding stayed open and its severity label or its
	// workflow status changed (open → open). Changes while closed are not
	// recorded; the next reopening carries the severity of its time.
	ChangeUpdated Change = "updated"
	// ChangeResolved: the finding closed (open → closed) for any reason but
	// Workflow SUPPRESSED: compliance PASSED, RecordState ARCHIVED or
	// Workflow RESOLVED.
	ChangeResolved Change = "resolved"
	// ChangeReopened: a resolved or suppressed finding opened again (closed
	// → open): a new episode (2 or later).
	ChangeReopened Change = "reopened"
	// ChangeSuppressed: the finding closed because its Workflow became
	// SUPPRESSED in Security Hub. A hubrelay suppression rule does not
	// close a finding: it is recorded as a suppression hit, not here.
	ChangeSuppressed Change = "suppressed"
	// ChangeSeenClosed: the first version seen was already closed (a
	// PASSED control on the first poll). Trends count it nowhere.
	ChangeSeenClosed Change = "seen_closed"
)

// Changes lists every Change in the order above, for validation and
// documentation.
func Changes() []Change {
	return []Change{ChangeNew, ChangeUpdated, ChangeResolved, ChangeReopened, ChangeSuppressed, ChangeSeenClosed}
}

// transitionCols are the columns scanTransition reads, in order.
const transitionCols = `id, finding_key, episode, from_state, to_state, at, source, kind, account, severity_label, workflow`

// scanTransition reads one row of transitionCols.
func scanTransition(r rowScanner) (TransitionRecord, error) {
	var (
		t    TransitionRecord
		id   int64
		at   int64
		kind string
	)
	if err := r.Scan(&id, &t.FindingKey, &t.Episode, &t.From, &t.To, &at, &t.Source, &kind, &t.Account, &t.Severity, &t.Workflow); err != nil {
		return TransitionRecord{}, err
	}
	t.ID = id
	t.At = ms(at)
	t.Kind = Change(kind)
	return t, nil
}

// TransitionFilter selects the transitions ScanTransitions reads. Zero
// fields select everything.
type TransitionFilter struct {
	// Accounts keeps transitions of findings in these AWS accounts; empty
	// keeps every account.
	Accounts []string
	// Before keeps transitions recorded before this instant; zero keeps
	// all.
	Before time.Time

	page int // rows per query; 0: transitionPage (tests set it)
}

// transitionPage is how many rows ScanTransitions reads per query.
const transitionPage = 5000

// maxFilterAccounts bounds TransitionFilter.Accounts, far below either
// database's parameter limit.
const maxFilterAccounts = 10000

// ScanTransitions calls fn with every transition f selects, oldest first:
// ordered by the time it was recorded (the observation's clock), then by
// id. Rows are read in pages of a few thousand over an index on (at, id);
// between pages no connection is held, so fn may call the Store and a
// long history neither sits in memory nor blocks ingest on SQLite. Rows
// inserted after the call began are not read. An error from fn stops the
// scan and is returned as is. Read-only; safe for concurrent use.
func (s *Store) ScanTransitions(ctx context.Context, f TransitionFilter, fn func(TransitionRecord) error) error {
	if len(f.Accounts) > maxFilterAccounts {
		return fmt.Errorf("store: scan transitions: %d accounts in the filter, at most %d", len(f.Accounts), maxFilterAccounts)
	}
	var last sql.NullInt64
	if err := s.queryRow(ctx, s.db, `SELECT MAX(id) FROM transitions`).Scan(&last); err != nil {
		return fmt.Errorf("store: scan transitions: %w", err)
	}
	if !last.Valid {
		return nil
	}
	// Rows written after MAX(id) was read are skipped here, not by a
	// condition on id: PostgreSQL's generic plan would then walk the
	// primary key and sort every page.
	before := int64(math.MaxInt64)
	if !f.Before.IsZero() {
		before = f.Before.UnixMilli()
	}
	where := []string{"at < ?"}
	fixed := []any{before}
	if len(f.Accounts) > 0 {
		where = append(where, "account IN ("+placeholders(len(f.Accounts))+")")
		for _, a := range f.Accounts {
			fixed = append(fixed, text(a))
		}
	}
	size := transitionPage
	if f.page > 0 {
		size = f.page
	}
	base := `SELECT ` + transitionCols + ` FROM transitions WHERE ` + strings.Join(where, " AND ")
	first := base + ` ORDER BY at, id LIMIT ` + fmt.Sprint(size)
	// A row-value comparison, which both databases use as a range of the
	// (at, id) index; the equivalent OR is a filter PostgreSQL applies from
	// the first row on, page after page.
	next := base + ` AND (at, id) > (?, ?) ORDER BY at, id LIMIT ` + fmt.Sprint(size)

	page := make([]TransitionRecord, 0, size)
	query, args := first, fixed
	for {
		page = page[:0]
		err := s.scanAll(ctx, s.db, query, args, func(rs *sql.Rows) error {
			t, err := scanTransition(rs)
			if err != nil {
				return err
			}
			page = append(page, t)
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: scan transitions: %w", err)
		}
		for _, t := range page {
			if t.ID > last.Int64 {
				continue
			}
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(page) < size {
			return nil
		}
		end := page[len(page)-1]
		query = next
		args = append(append(make([]any, 0, len(fixed)+2), fixed...), end.At.UnixMilli(), end.ID)
	}
}
