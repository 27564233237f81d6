package pattern

import (
	"fmt"
	"slices"
	"time"
)

// match scans the event, then checks the clauses anchored on the predicates
// it hit. It returns the matching key indexes in ascending order; the slice
// belongs to sc.
func (ix *setIndex) match(event []byte, now time.Time, sc *setScratch) ([]int32, error) {
	s := eventScanner{data: event, sc: sc, now: now}
	if err := s.scan(ix.root); err != nil {
		return nil, fmt.Errorf("pattern: event: %w", err)
	}
	for _, p := range sc.touched {
		for _, ci := range ix.anchored[p] {
			ix.tryClause(ci, sc)
		}
	}
	for _, ci := range ix.unanchored {
		ix.tryClause(ci, sc)
	}
	slices.Sort(sc.matched)
	return sc.matched, nil
}

func (ix *setIndex) tryClause(ci int32, sc *setScratch) {
	c := &ix.clauses[ci]
	if sc.keySeen[c.key] {
		return
	}
	several := false
	for _, f := range c.fields {
		if f.presence >= 0 {
			break
		}
		if sc.predHead[f.pred] < 0 {
			return
		}
		if sc.predHits[f.pred] > 1 {
			several = true
		}
	}
	fields := c.fields
	if several {
		// Choose among few hits first so that inconsistent combinations
		// are cut early.
		sc.order = append(sc.order[:0], c.fields...)
		for i := 1; i < len(sc.order); i++ { // insertion sort: few fields, no allocation
			for j := i; j > 0 && sc.fieldRank(sc.order[j]) < sc.fieldRank(sc.order[j-1]); j-- {
				sc.order[j], sc.order[j-1] = sc.order[j-1], sc.order[j]
			}
		}
		fields = sc.order
	}
	sc.chosen = sc.chosen[:0]
	sc.absent = sc.absent[:0]
	sc.forward = several
	if several && !sc.absencesPossible(fields) {
		return
	}
	if sc.assign(fields) {
		sc.keySeen[c.key] = true
		sc.matched = append(sc.matched, c.key)
	}
}

// fieldRank orders fields for the search: required fields by their number
// of hits, then fields that may be absent.
func (sc *setScratch) fieldRank(f setField) int32 {
	if f.presence >= 0 {
		return 1 << 30
	}
	return sc.predHits[f.pred]
}

// assign searches for one hit per field, pairwise array-consistent, with
// fields that may be absent checked against the choice at the end. When
// fields have several hits it checks ahead that every remaining required
// field still has a usable hit, which keeps the search short on events with
// large arrays.
func (sc *setScratch) assign(fields []setField) bool {
	if len(fields) == 0 {
		return sc.absencesHold()
	}
	f := fields[0]
	if f.pred >= 0 {
		for h := sc.predHead[f.pred]; h >= 0; h = sc.hits[h].next {
			ctx := sc.hits[h].ctx
			if !sc.consistentWithChosen(ctx) {
				continue
			}
			sc.chosen = append(sc.chosen, ctx)
			if sc.forward && !sc.remainingPossible(fields[1:]) {
				sc.chosen = sc.chosen[:len(sc.chosen)-1]
				continue
			}
			if sc.assign(fields[1:]) {
				return true
			}
			sc.chosen = sc.chosen[:len(sc.chosen)-1]
		}
	}
	if f.presence >= 0 {
		sc.absent = append(sc.absent, f.presence)
		if sc.assign(fields[1:]) {
			return true
		}
		sc.absent = sc.absent[:len(sc.absent)-1]
	}
	return false
}

// remainingPossible reports whether every remaining required field has a
// hit consistent with the leaves chosen so far.
func (sc *setScratch) remainingPossible(fields []setField) bool {
	for _, f := range fields {
		if f.presence >= 0 {
			return true // optional fields come last
		}
		found := false
		for h := sc.predHead[f.pred]; h >= 0 && !found; h = sc.hits[h].next {
			found = sc.consistentWithChosen(sc.hits[h].ctx)
		}
		if !found {
			return false
		}
	}
	return true
}

// absencesPossible rules out absence options that no choice can make true:
// a field can only count as absent if every leaf at its path can be made
// inconsistent by some hit of another field. A field that must then be
// present but has no positive condition makes the clause fail.
func (sc *setScratch) absencesPossible(fields []setField) bool {
	for _, f := range fields {
		if f.presence < 0 || f.pred >= 0 {
			continue
		}
		for q := sc.predHead[f.presence]; q >= 0; q = sc.hits[q].next {
			if !sc.blockable(sc.hits[q].ctx, fields) {
				return false
			}
		}
	}
	return true
}

// blockable reports whether some hit of a positive field is inconsistent
// with context q.
func (sc *setScratch) blockable(q int32, fields []setField) bool {
	for _, f := range fields {
		if f.pred < 0 {
			continue
		}
		for h := sc.predHead[f.pred]; h >= 0; h = sc.hits[h].next {
			if !sc.consistent(q, sc.hits[h].ctx) {
				return true
			}
		}
	}
	return false
}

func (sc *setScratch) absencesHold() bool {
	for _, p := range sc.absent {
		for h := sc.predHead[p]; h >= 0; h = sc.hits[h].next {
			if sc.consistentWithChosen(sc.hits[h].ctx) {
				return false
			}
		}
	}
	return true
}
