package pattern

import (
	"slices"
	"strconv"
	"strings"
)

// cond is a condition on a finding, built from filters before it is written
// as pattern JSON: a leaf (one field, matchers OR'ed), an AND or an OR.
type cond interface{ isCond() }

// leaf matches when the field at path (below the finding) matches any of the
// matchers, which are pattern JSON values: strings, numbers, booleans or
// operator objects such as {"prefix": "Aws"}.
type leaf struct {
	path     []string
	matchers []any
}

// allOf matches when every condition matches.
type allOf []cond

// anyOf matches when at least one condition matches.
type anyOf []cond

func (leaf) isCond()  {}
func (allOf) isCond() {}
func (anyOf) isCond() {}

// renderFindingPattern writes c as the pattern object for one finding: fields
// of the finding as nested objects, OR as "$or" lists. The pattern language
// has no AND on one field, so two conditions on the same field are written as
// the field in an object plus the field again inside a "$or" branch of that
// object: the engine requires both, as it requires every member of an object.
func renderFindingPattern(c cond) map[string]any {
	node := map[string]any{}
	r := renderer{ors: map[string]anyOf{}}
	r.place(node, nil, []cond{c})
	return node
}

// renderer places conditions into one pattern object tree. ors remembers the
// OR condition rendered at each object (keyed by its path), so a second OR
// arriving at the same object can be combined with it.
type renderer struct {
	ors map[string]anyOf
}

// place writes the AND of conds into node, the object for base (a path
// below the finding).
func (r *renderer) place(node map[string]any, base []string, conds []cond) {
	var leaves []leaf
	var ors []anyOf
	for _, c := range flattenAll(conds) {
		switch t := c.(type) {
		case leaf:
			leaves = append(leaves, t)
		case anyOf:
			if len(t) == 1 {
				// A one-branch "$or" is not an OR in the pattern language.
				r.place(node, base, []cond{t[0]})
				continue
			}
			ors = append(ors, t)
		}
	}
	for _, l := range leaves {
		if moved, ok := r.placeLeaf(node, base, l); !ok {
			ors = append(ors, moved)
		}
	}
	for _, o := range ors {
		r.placeOr(node, base, o)
	}
}

// flattenAll expands nested ANDs into one list.
func flattenAll(conds []cond) []cond {
	var out []cond
	for _, c := range conds {
		if a, ok := c.(allOf); ok {
			out = append(out, flattenAll(a)...)
			continue
		}
		out = append(out, c)
	}
	return out
}

// placeLeaf writes l into node. When the field is already taken (another
// condition on the same field) it returns l rewritten as an OR of its
// matchers, to be placed as a "$or" instead, and false.
func (r *renderer) placeLeaf(node map[string]any, base []string, l leaf) (anyOf, bool) {
	rel := l.path[len(base):]
	obj := node
	for _, step := range rel[:len(rel)-1] {
		next, exists := obj[step]
		if !exists {
			child := map[string]any{}
			obj[step] = child
			obj = child
			continue
		}
		child, isObject := next.(map[string]any)
		if !isObject {
			return splitLeaf(l), false
		}
		obj = child
	}
	last := rel[len(rel)-1]
	if _, taken := obj[last]; taken {
		return splitLeaf(l), false
	}
	obj[last] = slices.Clone(l.matchers)
	return nil, true
}

// splitLeaf rewrites a leaf as an OR of one leaf per matcher. A "$or" needs
// at least two branches, so a single matcher is repeated.
func splitLeaf(l leaf) anyOf {
	if len(l.matchers) == 1 {
		return anyOf{l, l}
	}
	out := make(anyOf, len(l.matchers))
	for i, m := range l.matchers {
		out[i] = leaf{path: l.path, matchers: []any{m}}
	}
	return out
}

// placeOr writes o as a "$or" in the deepest object that holds all of its
// fields. If that object already has a "$or", an enclosing object without
// one is used; if every enclosing object has one, o is combined with the
// existing OR by distribution: (a OR b) AND o = (a AND o) OR (b AND o).
func (r *renderer) placeOr(node map[string]any, base []string, o anyOf) {
	anchor := commonParent(o)[len(base):]
	// chain[i] is the object for base+anchor[:i], as far as it can be reached.
	chain := []map[string]any{node}
	obj := node
	for _, step := range anchor {
		next, exists := obj[step]
		if !exists {
			child := map[string]any{}
			obj[step] = child
			next = child
		}
		child, isObject := next.(map[string]any)
		if !isObject {
			break
		}
		chain = append(chain, child)
		obj = child
	}
	for depth := len(chain) - 1; depth >= 0; depth-- {
		if _, taken := chain[depth]["$or"]; !taken {
			r.writeOr(chain[depth], pathJoin(base, anchor[:depth]), o)
			return
		}
	}
	deepest := len(chain) - 1
	at := pathJoin(base, anchor[:deepest])
	existing := r.ors[pathKey(at)]
	combined := make(anyOf, len(existing))
	for i, branch := range existing {
		combined[i] = allOf{branch, o}
	}
	r.writeOr(chain[deepest], at, combined)
}

// writeOr renders each branch of o as its own object and stores the list as
// the "$or" member of obj, the object for path.
func (r *renderer) writeOr(obj map[string]any, path []string, o anyOf) {
	r.ors[pathKey(path)] = o
	branches := make([]any, len(o))
	for i, b := range o {
		branch := map[string]any{}
		sub := renderer{ors: map[string]anyOf{}}
		sub.place(branch, path, []cond{b})
		branches[i] = branch
	}
	obj["$or"] = branches
}

// commonParent is the longest path that contains every field c tests: the
// object where an OR over them can be written.
func commonParent(c cond) []string {
	switch t := c.(type) {
	case leaf:
		return t.path[:len(t.path)-1]
	case allOf:
		return commonOfAll([]cond(t))
	case anyOf:
		return commonOfAll([]cond(t))
	}
	return nil
}

func commonOfAll(conds []cond) []string {
	var common []string
	for i, c := range conds {
		p := commonParent(c)
		if i == 0 {
			common = p
			continue
		}
		n := 0
		for n < len(common) && n < len(p) && common[n] == p[n] {
			n++
		}
		common = common[:n]
	}
	return common
}

func pathJoin(base, rel []string) []string {
	out := make([]string, 0, len(base)+len(rel))
	return append(append(out, base...), rel...)
}

// pathKey turns a path into a map key. Each element is length-prefixed, so
// keys holding any character cannot make two paths collide.
func pathKey(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

// clauseCount is how many alternatives c expands to when every OR is
// multiplied out, as the engine does (see maxClauses); it stops counting at
// limit+1.
func clauseCount(c cond, limit int) int {
	switch t := c.(type) {
	case allOf:
		n := 1
		for _, sub := range t {
			n = min(n*clauseCount(sub, limit), limit+1)
		}
		return n
	case anyOf:
		n := 0
		for _, sub := range t {
			n = min(n+clauseCount(sub, limit), limit+1)
		}
		return n
	}
	return 1
}
