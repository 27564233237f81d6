// Package trend computes a project's finding history from the transitions
// the store records: findings open at the end of each day by severity, new,
// reopened, resolved and suppressed findings per ISO week, and the mean and
// median time to resolve by severity. It reads the history in one pass in
// time order, whatever the length of the period, and writes the results as
// CSV, JSON or a text table in Japanese or English.
//
// Decisions, in one place:
//   - A finding is open at an instant when its episode is open then, as
//     reconstructed from the recorded transitions (not from the finding's
//     state today): opened by a "new" or "reopened" transition, closed by a
//     "resolved" or "suppressed" one. A finding first seen closed is never
//     open.
//   - Open at the end of a day means at the next midnight in the Location
//     (a transition at midnight belongs to the new day), or at To for a day
//     that To cuts short.
//   - Each open finding counts under the severity it had at that instant:
//     "updated" transitions move it between severities.
//   - Week counts and MTTR count transitions recorded in [From, To); weeks
//     are ISO weeks (Monday 00:00 in the Location), and the first and last
//     may be cut by From and To.
//   - Resolved means the "resolved" transition (compliance PASSED, record
//     ARCHIVED or workflow RESOLVED). Suppressed (workflow SUPPRESSED) is
//     counted apart and is not a resolution: it closes the episode but
//     does not enter MTTR. A reopened finding's later episode is resolved
//     again and counts again.
//   - Time to resolve runs from the transition that opened the episode to
//     the one that resolved it, and counts under the severity the finding
//     had when it was resolved. Only episodes resolved within [From, To)
//     count, wherever they began.
package trend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// Summary is a project's history over a period. Compute fills every field;
// a Summary is not changed afterwards and is safe to read concurrently.
type Summary struct {
	// Project is the Query's project name ("" for all accounts).
	Project string
	// From and To bound the period: [From, To).
	From, To time.Time
	// Location is the time zone of days and weeks.
	Location *time.Location
	// Severities are the severity labels in column order: CRITICAL, HIGH,
	// MEDIUM, LOW, INFORMATIONAL, then any other label seen, sorted.
	Severities []string
	// Days has one entry per calendar day in Location that the period
	// touches, oldest first.
	Days []Day
	// Weeks has one entry per ISO week (Monday start) in Location that the
	// period touches, oldest first.
	Weeks []Week
	// MTTR has one entry per label of Severities, in that order.
	MTTR []SeverityMTTR
}

// Day is the state at the end of one calendar day.
type Day struct {
	// Date is the midnight that starts the day, in the Summary's Location.
	Date time.Time
	// Open maps a severity label to the findings open at the end of the
	// day (see the package doc). Labels with no open finding may be
	// missing; a missing label reads as 0.
	Open map[string]int
}

// Total is the number of findings open at the end of the day.
func (d Day) Total() int {
	n := 0
	for _, v := range d.Open {
		n += v
	}
	return n
}

// Week counts the transitions of one ISO week within the period.
type Week struct {
	// Start is the Monday 00:00 that starts the week, in the Summary's
	// Location; it may be before the period's From.
	Start time.Time
	// New counts findings opened for the first time, Reopened findings
	// opened again after being resolved or suppressed, Resolved findings
	// resolved, Suppressed findings closed by Workflow SUPPRESSED.
	New, Resolved, Reopened, Suppressed int
}

// SeverityMTTR is the time to resolve of the episodes resolved in the
// period with one severity.
type SeverityMTTR struct {
	Severity string
	// Resolved is the number of episodes resolved; Mean and Median are 0
	// when it is 0.
	Resolved int
	Mean     time.Duration
	Median   time.Duration
}

// Query names a project's accounts and a period.
type Query struct {
	// Project is a name carried into the Summary; it selects nothing.
	Project string
	// Accounts are the AWS account IDs whose findings count; empty counts
	// every account.
	Accounts []string
	// From and To bound the period [From, To); both are required, From
	// before To, at most MaxDays days apart.
	From, To time.Time
	// Location is the time zone of days and weeks; nil means UTC.
	Location *time.Location
}

// MaxDays is the longest period a Query may span.
const MaxDays = 3660

// Store is what Compute reads: the store's transitions in time order.
// *store.Store implements it.
type Store interface {
	ScanTransitions(ctx context.Context, f store.TransitionFilter, fn func(store.TransitionRecord) error) error
}

// Compute returns q's Summary, reading the history once (see the package
// doc for what is counted). An invalid Query fails with an error naming
// the field.
func Compute(ctx context.Context, st Store, q Query) (*Summary, error) {
	sums, err := ComputeAll(ctx, st, []Query{q})
	if err != nil {
		return nil, err
	}
	return sums[0], nil
}

// ComputeAll returns one Summary per query, in order, reading the history
// once for all of them: the reports of every project cost one pass. The
// queries may differ in accounts, period and time zone.
func ComputeAll(ctx context.Context, st Store, qs []Query) ([]*Summary, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	tallies := make([]*tally, len(qs))
	for i, q := range qs {
		if err := validate(q); err != nil {
			if len(qs) == 1 {
				return nil, fmt.Errorf("trend: %w", err)
			}
			return nil, fmt.Errorf("trend: query %d (project %q): %w", i, q.Project, err)
		}
		tallies[i] = newTally(q)
	}
	filter, route := plan(qs)
	err := st.ScanTransitions(ctx, filter, func(r store.TransitionRecord) error {
		for _, i := range route.all {
			tallies[i].add(&r)
		}
		for _, i := range route.byAccount[r.Account] {
			tallies[i].add(&r)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("trend: read history: %w", err)
	}
	out := make([]*Summary, len(qs))
	for i, t := range tallies {
		out[i] = t.summary()
	}
	return out, nil
}

// validate checks one query.
func validate(q Query) error {
	switch {
	case q.From.IsZero():
		return errors.New("query.From is required")
	case q.To.IsZero():
		return errors.New("query.To is required")
	case !q.From.Before(q.To):
		return fmt.Errorf("query.From (%s) is not before query.To (%s)", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	case q.To.Sub(q.From) > MaxDays*24*time.Hour:
		return fmt.Errorf("the period from %s to %s is longer than %d days", q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), MaxDays)
	}
	for i, a := range q.Accounts {
		if strings.TrimSpace(a) == "" {
			return fmt.Errorf("query.Accounts[%d] is empty", i)
		}
	}
	return nil
}

// routing sends each transition to the tallies that want it.
type routing struct {
	all       []int            // tallies of every account
	byAccount map[string][]int // account → tallies naming it
}

// plan returns the one filter that reads what every query needs and how
// to route its rows.
func plan(qs []Query) (store.TransitionFilter, routing) {
	var f store.TransitionFilter
	r := routing{byAccount: map[string][]int{}}
	every := false
	for i, q := range qs {
		if q.To.After(f.Before) {
			f.Before = q.To
		}
		if len(q.Accounts) == 0 {
			every = true
			r.all = append(r.all, i)
			continue
		}
		seen := map[string]bool{}
		for _, a := range q.Accounts {
			a = strings.TrimSpace(a)
			if seen[a] {
				continue
			}
			seen[a] = true
			r.byAccount[a] = append(r.byAccount[a], i)
		}
	}
	if !every && len(r.byAccount) <= maxFilterAccounts {
		for a := range r.byAccount {
			f.Accounts = append(f.Accounts, a)
		}
		slices.Sort(f.Accounts)
	}
	return f, r
}

// maxFilterAccounts is the most accounts the store is asked to filter on.
// Beyond it every transition is read in (at, id) order and the rows of
// other accounts are dropped here: a long account list makes each page a
// scan of the rest of the history.
const maxFilterAccounts = 50
