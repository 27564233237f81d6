package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// This file is the reference evaluator behind Pattern.Match: it decodes the
// whole event with encoding/json, lists every leaf value with its path and
// array positions, and searches for an array-consistent assignment of leaves
// to a clause's fields. It is written for clarity, not speed; the Set's fast
// path is tested against it.

// ErrEventNotObject is returned, wrapped, by Pattern.Match and Set.Match when
// the event is valid JSON but not a JSON object. Test for it with
// errors.Is.
var ErrEventNotObject = errors.New("event is not a JSON object")

// arrayPos says that a leaf sits in element index of the array with id array
// (ids are unique within one event).
type arrayPos struct {
	array, index int
}

type eventLeaf struct {
	path []string
	val  eventValue
	pos  []arrayPos // enclosing arrays, outermost first
}

type decodedEvent struct {
	leaves []eventLeaf
}

// validateEvent checks that event is one valid JSON object.
func validateEvent(event []byte) error {
	if !json.Valid(event) {
		var v any
		err := json.Unmarshal(event, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return fmt.Errorf("pattern: event: %w", err)
	}
	if first := firstNonSpace(event); first != '{' {
		return fmt.Errorf("pattern: event: %w", ErrEventNotObject)
	}
	return nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

func decodeEvent(event []byte) (*decodedEvent, error) {
	if err := validateEvent(event); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	ev := &decodedEvent{}
	arrays := 0
	var walk func(path []string, pos []arrayPos) error
	walk = func(path []string, pos []arrayPos) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					if err := walk(withField(path, kt.(string)), pos); err != nil {
						return err
					}
				}
				_, err := dec.Token()
				return err
			case '[':
				id := arrays
				arrays++
				for i := 0; dec.More(); i++ {
					p := append(slices.Clone(pos), arrayPos{array: id, index: i})
					if err := walk(path, p); err != nil {
						return err
					}
				}
				_, err := dec.Token()
				return err
			}
		case string:
			ev.leaves = append(ev.leaves, eventLeaf{path: path, val: eventValue{kind: vString, raw: []byte(t)}, pos: pos})
		case json.Number:
			ev.leaves = append(ev.leaves, eventLeaf{path: path, val: eventValue{kind: vNumber, raw: []byte(t)}, pos: pos})
		case bool:
			k := vFalse
			if t {
				k = vTrue
			}
			ev.leaves = append(ev.leaves, eventLeaf{path: path, val: eventValue{kind: k}, pos: pos})
		case nil:
			ev.leaves = append(ev.leaves, eventLeaf{path: path, val: eventValue{kind: vNull}, pos: pos})
		}
		return nil
	}
	if err := walk(nil, nil); err != nil {
		return nil, fmt.Errorf("pattern: event: %w", err)
	}
	return ev, nil
}

// consistent reports whether two leaves may be used together: they must not
// sit in different elements of the same array.
func positionsConsistent(a, b []arrayPos) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].array != b[i].array {
			return true
		}
		if a[i].index != b[i].index {
			return false
		}
	}
	return true
}

// matchClause searches for leaves, one per field, that satisfy the clause
// and are pairwise array-consistent; fields that may be absent are checked
// against the chosen leaves at the end. Two sound prunings keep events with
// large arrays from making the search explode: after each choice every
// later required field must still have a consistent candidate, and a field
// can only count as absent if each of its leaves is inconsistent with some
// candidate of another field.
func (ev *decodedEvent) matchClause(c *andClause, now time.Time) bool {
	candidates := make([][]int, len(c.fields))
	for fi := range c.fields {
		f := &c.fields[fi]
		for li := range ev.leaves {
			l := &ev.leaves[li]
			if slices.Equal(l.path, f.path) && f.matchLeaf(&l.val, now) {
				candidates[fi] = append(candidates[fi], li)
			}
		}
	}
	absentPossible := make([]bool, len(c.fields))
	for fi := range c.fields {
		absentPossible[fi] = c.fields[fi].absent && ev.absenceBlockable(c, fi, candidates)
		if len(candidates[fi]) == 0 && !absentPossible[fi] {
			return false
		}
	}
	var chosen []int
	var absentFields []int
	laterPossible := func(from int) bool {
		for fj := from; fj < len(c.fields); fj++ {
			if absentPossible[fj] {
				continue
			}
			if !slices.ContainsFunc(candidates[fj], func(li int) bool { return ev.consistentWith(li, chosen) }) {
				return false
			}
		}
		return true
	}
	var search func(fi int) bool
	search = func(fi int) bool {
		if fi == len(c.fields) {
			return ev.absentHolds(c, absentFields, chosen)
		}
		for _, li := range candidates[fi] {
			if !ev.consistentWith(li, chosen) {
				continue
			}
			chosen = append(chosen, li)
			if laterPossible(fi+1) && search(fi+1) {
				return true
			}
			chosen = chosen[:len(chosen)-1]
		}
		if absentPossible[fi] {
			absentFields = append(absentFields, fi)
			if search(fi + 1) {
				return true
			}
			absentFields = absentFields[:len(absentFields)-1]
		}
		return false
	}
	return search(0)
}

// absenceBlockable reports whether field fi could count as absent: every
// leaf at its path must be inconsistent with some candidate of another
// field, or no choice of leaves can hide it.
func (ev *decodedEvent) absenceBlockable(c *andClause, fi int, candidates [][]int) bool {
	for li := range ev.leaves {
		if !slices.Equal(ev.leaves[li].path, c.fields[fi].path) {
			continue
		}
		blocked := false
		for fj := range c.fields {
			if fj == fi {
				continue
			}
			for _, cj := range candidates[fj] {
				if !positionsConsistent(ev.leaves[li].pos, ev.leaves[cj].pos) {
					blocked = true
					break
				}
			}
			if blocked {
				break
			}
		}
		if !blocked {
			return false
		}
	}
	return true
}

func (f *matchField) matchLeaf(v *eventValue, now time.Time) bool {
	for _, m := range f.matchers {
		if m.match(v, now) {
			return true
		}
	}
	return false
}

func (ev *decodedEvent) consistentWith(li int, chosen []int) bool {
	for _, cj := range chosen {
		if !positionsConsistent(ev.leaves[li].pos, ev.leaves[cj].pos) {
			return false
		}
	}
	return true
}

// absentHolds checks that every field relying on absence has no leaf that is
// consistent with all the chosen leaves.
func (ev *decodedEvent) absentHolds(c *andClause, absentFields, chosen []int) bool {
	for _, fi := range absentFields {
		for li := range ev.leaves {
			if slices.Equal(ev.leaves[li].path, c.fields[fi].path) && ev.consistentWith(li, chosen) {
				return false
			}
		}
	}
	return true
}
