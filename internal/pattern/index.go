package pattern

import (
	"slices"
	"strings"
	"sync"
)

// setIndex is the compiled, immutable matching structure of one Set
// snapshot. Every distinct (path, set of matchers) of every clause is a
// predicate; predicates share matchers and value lookups through a trie of
// event paths, and each clause is checked only when its rarest required
// predicate is hit.
type setIndex struct {
	root    *pathNode
	npreds  int
	nkeys   int
	hasDate bool

	clauses    []setClause
	anchored   [][]int32 // predicate → clauses whose anchor it is
	unanchored []int32   // clauses with no required predicate (only absences)

	pool sync.Pool // *setScratch sized for this index
}

// setClause is one clause of one pattern, in predicate form.
type setClause struct {
	key    int32
	fields []setField // required fields first
}

// setField is a clause field: pred is the predicate of its positive
// matchers (-1 if it has none), presence is the "any leaf at this path"
// predicate used to check absence (-1 if absence is not an alternative).
type setField struct {
	pred, presence int32
}

// pathNode is a node of the trie of event paths that patterns use.
type pathNode struct {
	names    []string // child keys, parallel to kids (for small nodes)
	kids     []*pathNode
	children map[string]*pathNode // for nodes with many children
	values   *valueIndex          // conditions on leaf values at this path, or nil
}

// child returns the child for an event key, or nil.
func (n *pathNode) child(key []byte) *pathNode {
	if n.children != nil {
		return n.children[string(key)]
	}
	for i, name := range n.names {
		if len(name) == len(key) && name == string(key) {
			return n.kids[i]
		}
	}
	return nil
}

const mapChildrenAbove = 8

// indexBuilder accumulates predicates and matchers while a snapshot is
// compiled.
type indexBuilder struct {
	ix       *setIndex
	predIDs  map[string]int32
	predUses []int // clauses that require each predicate
	// matchersAt collects, per trie node, each distinct matcher and the
	// predicates that contain it.
	matchersAt map[*pathNode]map[string]*scannedMatcher
	order      map[*pathNode][]string // matcher keys in first-seen order
}

func buildSetIndex(entries []setEntry, nkeys int) *setIndex {
	b := &indexBuilder{
		ix:         &setIndex{root: &pathNode{}, nkeys: nkeys},
		predIDs:    map[string]int32{},
		matchersAt: map[*pathNode]map[string]*scannedMatcher{},
		order:      map[*pathNode][]string{},
	}
	seen := map[[2]any]bool{}
	for _, e := range entries {
		k := [2]any{e.key, e.pattern}
		if seen[k] {
			continue // the same pattern added twice under one key
		}
		seen[k] = true
		if e.pattern.hasDate {
			b.ix.hasDate = true
		}
		for i := range e.pattern.clauses {
			b.addClause(e.key, &e.pattern.clauses[i])
		}
	}
	b.finish()
	ix := b.ix
	ix.pool.New = func() any { return newSetScratch(ix) }
	return ix
}

func (b *indexBuilder) addClause(key int32, c *andClause) {
	sc := setClause{key: key}
	var optional []setField
	for i := range c.fields {
		f := &c.fields[i]
		sf := setField{pred: -1, presence: -1}
		if len(f.matchers) > 0 {
			sf.pred = b.predicate(f.path, f.matchers)
		}
		if f.absent {
			sf.presence = b.predicate(f.path, []*matcher{{op: opExists}})
			optional = append(optional, sf)
			continue
		}
		sc.fields = append(sc.fields, sf)
		b.predUses[sf.pred]++
	}
	sc.fields = append(sc.fields, optional...)
	b.ix.clauses = append(b.ix.clauses, sc)
}

// predicate returns the id of the predicate "a leaf at path satisfies one
// of ms", creating it (and registering its matchers in the trie) if new.
func (b *indexBuilder) predicate(path []string, ms []*matcher) int32 {
	byKey := make(map[string]*matcher, len(ms))
	keys := make([]string, 0, len(ms))
	for _, m := range ms {
		k := m.key()
		if _, dup := byKey[k]; !dup {
			byKey[k] = m
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	id := strings.Join(path, "\x00") + "\x01" + strings.Join(keys, "\x02")
	if p, ok := b.predIDs[id]; ok {
		return p
	}
	p := int32(b.ix.npreds)
	b.ix.npreds++
	b.predIDs[id] = p
	b.predUses = append(b.predUses, 0)
	node := b.node(path)
	at := b.matchersAt[node]
	if at == nil {
		at = map[string]*scannedMatcher{}
		b.matchersAt[node] = at
	}
	for _, k := range keys {
		sm := at[k]
		if sm == nil {
			sm = &scannedMatcher{m: byKey[k]}
			at[k] = sm
			b.order[node] = append(b.order[node], k)
		}
		sm.preds = append(sm.preds, p) // p is new, so never already listed
	}
	return p
}

func (b *indexBuilder) node(path []string) *pathNode {
	n := b.ix.root
	for _, name := range path {
		next := n.child([]byte(name))
		if next == nil {
			next = &pathNode{}
			n.names = append(n.names, name)
			n.kids = append(n.kids, next)
			if n.children != nil || len(n.names) > mapChildrenAbove {
				if n.children == nil {
					n.children = map[string]*pathNode{}
					for i, nm := range n.names {
						n.children[nm] = n.kids[i]
					}
				}
				n.children[name] = next
			}
		}
		n = next
	}
	return n
}

// finish builds the value indexes and chooses each clause's anchor: the
// required predicate used by the fewest clauses.
func (b *indexBuilder) finish() {
	for node, at := range b.matchersAt {
		vi := &valueIndex{}
		for _, k := range b.order[node] {
			vi.add(at[k])
		}
		node.values = vi
	}
	ix := b.ix
	ix.anchored = make([][]int32, ix.npreds)
	for ci := range ix.clauses {
		c := &ix.clauses[ci]
		anchor := int32(-1)
		for _, f := range c.fields {
			if f.presence >= 0 {
				break // optional fields follow the required ones
			}
			if anchor < 0 || b.predUses[f.pred] < b.predUses[anchor] {
				anchor = f.pred
			}
		}
		if anchor < 0 {
			ix.unanchored = append(ix.unanchored, int32(ci))
			continue
		}
		ix.anchored[anchor] = append(ix.anchored[anchor], int32(ci))
	}
}
