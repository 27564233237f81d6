package trend

import (
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// standardSeverities are Security Hub's severity labels, most severe first.
var standardSeverities = [...]string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}

// unknownSeverity stands for an empty severity label.
const unknownSeverity = "UNKNOWN"

// severityLabel is the label a finding counts under: upper case, trimmed,
// UNKNOWN when empty.
func severityLabel(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return unknownSeverity
	}
	return s
}

// orderSeverities returns the standard labels and then the others of seen,
// sorted.
func orderSeverities(seen map[string]bool) []string {
	out := standardSeverities[:]
	out = slices.Clone(out)
	var extra []string
	for s := range seen {
		if !slices.Contains(standardSeverities[:], s) {
			extra = append(extra, s)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// findingState is one finding as the pass has reconstructed it so far.
type findingState struct {
	open     bool
	episode  int    // the open episode, or the last one opened
	closed   int    // the highest episode seen closed
	severity string // the label it counts under
	openedAt int64  // unix ms of the transition that opened the episode
}

// tally folds one query's transitions, in time order, into a Summary.
type tally struct {
	q        Query
	loc      *time.Location
	from, to int64 // the period, unix ms

	days     []time.Time // start of each day
	ends     []int64     // instant of each day's snapshot: min(next midnight, To), unix ms
	weekOf   []int       // day → index in weeks
	weeks    []Week
	snapped  int // days whose snapshot is taken
	dayAt    int // the day of the last counted transition
	openDays []map[string]int

	open      map[string]int           // severity → open now
	findings  map[string]*findingState // finding key → state
	durations map[string][]int64       // severity → times to resolve, ms
	seen      map[string]bool          // severities seen in the period
}

func newTally(q Query) *tally {
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	t := &tally{
		q: q, loc: loc,
		from: q.From.UnixMilli(), to: q.To.UnixMilli(),
		open:      map[string]int{},
		findings:  map[string]*findingState{},
		durations: map[string][]int64{},
		seen:      map[string]bool{},
	}
	from := q.From.In(loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	for day.Before(q.To) {
		next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
		end := next.UnixMilli()
		if end > t.to {
			end = t.to
		}
		t.days = append(t.days, day)
		t.ends = append(t.ends, end)
		start := weekStart(day)
		if n := len(t.weeks); n == 0 || !t.weeks[n-1].Start.Equal(start) {
			t.weeks = append(t.weeks, Week{Start: start})
		}
		t.weekOf = append(t.weekOf, len(t.weeks)-1)
		day = next
	}
	t.openDays = make([]map[string]int, len(t.days))
	return t
}

// weekStart returns the Monday 00:00 of day's ISO week, in day's location.
func weekStart(day time.Time) time.Time {
	back := (int(day.Weekday()) + 6) % 7
	return time.Date(day.Year(), day.Month(), day.Day()-back, 0, 0, 0, 0, day.Location())
}

// kindOf is r's kind; rows without one (never written by Ingest since
// migration 0007, which filled the older ones) get the kind their states
// imply.
func kindOf(r *store.TransitionRecord) store.Change {
	if r.Kind != "" {
		return r.Kind
	}
	switch {
	case r.From == store.StateUnseen && r.To == store.StateClosed:
		return store.ChangeSeenClosed
	case r.To == store.StateOpen && r.From == store.StateOpen:
		return store.ChangeUpdated
	case r.To == store.StateOpen && r.Episode > 1:
		return store.ChangeReopened
	case r.To == store.StateOpen:
		return store.ChangeNew
	}
	return store.ChangeResolved
}

// add applies one transition; transitions arrive in time order. A
// finding's transitions are matched by episode, so a close recorded (by a
// replica with a slower clock) before the opening it closes still closes
// it. seen_closed and unknown kinds change nothing.
func (t *tally) add(r *store.TransitionRecord) {
	at := r.At.UnixMilli()
	if at >= t.to {
		return
	}
	for t.snapped < len(t.ends) && t.ends[t.snapped] <= at {
		t.snapshot()
	}
	inPeriod := at >= t.from
	if inPeriod {
		for t.dayAt+1 < len(t.days) && t.days[t.dayAt+1].UnixMilli() <= at {
			t.dayAt++
		}
	}
	sev := severityLabel(r.Severity)
	f := t.findings[r.FindingKey]
	if f == nil {
		f = &findingState{severity: sev}
		t.findings[r.FindingKey] = f
	}
	switch kind := kindOf(r); kind {
	case store.ChangeNew, store.ChangeReopened:
		switch {
		case r.Episode <= f.closed:
			return // its close was recorded at an earlier instant (clocks of replicas differ): never open
		case f.open:
			t.move(f, sev) // a second opening without a close between: keep the episode
			return
		}
		f.open, f.episode, f.severity, f.openedAt = true, r.Episode, sev, at
		t.open[sev]++
		if inPeriod {
			t.seen[sev] = true
			w := &t.weeks[t.weekOf[t.dayAt]]
			if kind == store.ChangeNew {
				w.New++
			} else {
				w.Reopened++
			}
		}
	case store.ChangeUpdated:
		switch {
		case f.open && r.Episode == f.episode:
			t.move(f, sev)
		case !f.open && r.Episode > f.closed:
			f.severity = sev
		}
	case store.ChangeResolved, store.ChangeSuppressed:
		f.closed = max(f.closed, r.Episode)
		if !f.open || r.Episode < f.episode {
			return // closes an episode that is not the open one
		}
		t.open[f.severity]--
		f.open, f.severity = false, sev
		if !inPeriod {
			return
		}
		w := &t.weeks[t.weekOf[t.dayAt]]
		if kind == store.ChangeSuppressed {
			w.Suppressed++
			return
		}
		w.Resolved++
		t.seen[sev] = true
		t.durations[sev] = append(t.durations[sev], at-f.openedAt)
	}
}

// move recounts an open finding under a new severity.
func (t *tally) move(f *findingState, sev string) {
	if f.severity == sev {
		return
	}
	t.open[f.severity]--
	t.open[sev]++
	f.severity = sev
}

// snapshot records the open counts as the state at the end of the next day.
func (t *tally) snapshot() {
	m := make(map[string]int, len(t.open))
	for s, n := range t.open {
		if n != 0 {
			m[s] = n
			t.seen[s] = true
		}
	}
	t.openDays[t.snapped] = m
	t.snapped++
}

// summary finishes the pass: the remaining days are snapshot with the
// final counts.
func (t *tally) summary() *Summary {
	for t.snapped < len(t.ends) {
		t.snapshot()
	}
	s := &Summary{
		Project: t.q.Project, From: t.q.From, To: t.q.To, Location: t.loc,
		Severities: orderSeverities(t.seen),
		Weeks:      t.weeks,
	}
	s.Days = make([]Day, len(t.days))
	for i, d := range t.days {
		s.Days[i] = Day{Date: d, Open: t.openDays[i]}
	}
	for _, sev := range s.Severities {
		ds := t.durations[sev]
		m := SeverityMTTR{Severity: sev, Resolved: len(ds)}
		if len(ds) > 0 {
			m.Mean, m.Median = meanMedian(ds)
		}
		s.MTTR = append(s.MTTR, m)
	}
	return s
}

// meanMedian returns the mean and the median of durations in ms (sorting
// them), to the millisecond. The sum is kept in ms: a million durations
// of ten years each still fit in an int64.
func meanMedian(ms []int64) (mean, median time.Duration) {
	slices.Sort(ms)
	var sum int64
	for _, d := range ms {
		sum += d
	}
	n := len(ms)
	mean = time.Duration(sum/int64(n)) * time.Millisecond
	if n%2 == 1 {
		median = time.Duration(ms[n/2]) * time.Millisecond
	} else {
		median = time.Duration(ms[n/2-1]+(ms[n/2]-ms[n/2-1])/2) * time.Millisecond
	}
	return mean, median
}
