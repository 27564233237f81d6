package hubtest

import (
	"slices"
	"sort"
)

// state is everything the server stores; Server.mu guards it.
type state struct {
	asff    map[asffKey]*asffRecord
	ocsf    map[string]*ocsfRecord // by metadata.uid
	members map[string]Member      // by account ID
	actions map[string]*actionTarget
	// fail holds finding IDs (ASFF Id, OCSF metadata.uid or
	// finding_info.uid) whose updates fail (FailUpdates).
	fail map[string]bool
	// seq numbers records in the order they were first stored.
	seq int64
	// version counts changes to findings; a cached query result is
	// valid while it is unchanged.
	version int64
	// queries caches the result lists of the last maxCachedQueries
	// finding queries (by operation and fingerprint), so the pages of one
	// query are cut from one list, also while other queries are read
	// side by side.
	queries map[string]cachedQuery
	// used stamps cache entries for eviction.
	used int64
}

// maxCachedQueries bounds the query results kept.
const maxCachedQueries = 8

// cachedQuery is the result of one query: its fingerprint, the state
// version it was computed at, and the matching records in order.
type cachedQuery struct {
	version int64
	used    int64
	hits    any // []*asffRecord or []*ocsfRecord
}

// changed records a change to the stored findings.
func (st *state) changed() { st.version++ }

// cached returns the cached result of op's query fp if the findings have
// not changed since.
func (st *state) cached(op, fp string) (any, bool) {
	key := op + "\x00" + fp
	q, ok := st.queries[key]
	if !ok || q.version != st.version {
		return nil, false
	}
	st.used++
	q.used = st.used
	st.queries[key] = q
	return q.hits, true
}

// remember caches a query result, forgetting the least recently used one
// beyond maxCachedQueries.
func (st *state) remember(op, fp string, hits any) {
	st.used++
	st.queries[op+"\x00"+fp] = cachedQuery{version: st.version, used: st.used, hits: hits}
	if len(st.queries) <= maxCachedQueries {
		return
	}
	oldest, stamp := "", int64(-1)
	for k, q := range st.queries {
		if stamp < 0 || q.used < stamp {
			oldest, stamp = k, q.used
		}
	}
	delete(st.queries, oldest)
}

func newState() state {
	return state{
		asff:    make(map[asffKey]*asffRecord),
		ocsf:    make(map[string]*ocsfRecord),
		members: make(map[string]Member),
		actions: make(map[string]*actionTarget),
		fail:    make(map[string]bool),
		queries: make(map[string]cachedQuery),
	}
}

// nextSeq returns the next insertion number.
func (st *state) nextSeq() int64 {
	st.seq++
	return st.seq
}

// asffKey identifies an ASFF finding: Security Hub's finding identifier is
// the pair of product ARN and the product's finding Id.
type asffKey struct {
	productARN string
	id         string
}

// asffRecord is one stored ASFF finding.
type asffRecord struct {
	seq   int64
	doc   map[string]any // decoded with json.Number
	raw   []byte         // the current finding JSON, compact
	event []byte         // raw wrapped in its EventBridge event
}

// sortedASFF returns the stored ASFF findings in insertion order.
func (st *state) sortedASFF() []*asffRecord {
	out := make([]*asffRecord, 0, len(st.asff))
	for _, r := range st.asff {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *asffRecord) int { return compareInt64(a.seq, b.seq) })
	return out
}

// sortedOCSF returns the stored OCSF findings in insertion order.
func (st *state) sortedOCSF() []*ocsfRecord {
	out := make([]*ocsfRecord, 0, len(st.ocsf))
	for _, r := range st.ocsf {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *ocsfRecord) int { return compareInt64(a.seq, b.seq) })
	return out
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
