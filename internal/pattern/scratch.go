package pattern

// setScratch is the per-Match working memory of a Set snapshot, reused
// through the snapshot's sync.Pool so that matching does not allocate.
type setScratch struct {
	predHead []int32 // per predicate: latest hit in hits, or -1
	predHits []int32 // per predicate: number of hits (valid when predHead >= 0)
	touched  []int32 // predicates hit by this event, in first-hit order
	hits     []predHit
	ctxs     []arrayContext

	keySeen []bool
	matched []int32

	// clause search state
	chosen  []int32    // contexts of the leaves chosen so far
	absent  []int32    // presence predicates of fields satisfied by absence
	order   []setField // a clause's fields, fewest hits first
	forward bool       // check ahead during the search (fields with several hits)

	val    eventValue
	strBuf []byte // unescaped string value
	keyBuf []byte // unescaped object key
}

// predHit records that a leaf in context ctx hit a predicate; next chains
// to the predicate's previous hit.
type predHit struct {
	ctx, next int32
}

// arrayContext is one element of one array of the event (context 0 is the
// event root, outside every array). Leaves in different elements of the
// same array are not array-consistent.
type arrayContext struct {
	parent, array, depth int32
}

func newSetScratch(ix *setIndex) *setScratch {
	sc := &setScratch{
		predHead: make([]int32, ix.npreds),
		predHits: make([]int32, ix.npreds),
		keySeen:  make([]bool, ix.nkeys),
	}
	for i := range sc.predHead {
		sc.predHead[i] = -1
	}
	sc.ctxs = append(sc.ctxs, arrayContext{parent: -1, array: -1})
	return sc
}

func (ix *setIndex) getScratch() *setScratch {
	return ix.pool.Get().(*setScratch)
}

// putScratch clears what the last Match touched and returns sc to the pool.
func (ix *setIndex) putScratch(sc *setScratch) {
	for _, p := range sc.touched {
		sc.predHead[p] = -1
	}
	for _, k := range sc.matched {
		sc.keySeen[k] = false
	}
	sc.touched = sc.touched[:0]
	sc.matched = sc.matched[:0]
	sc.hits = sc.hits[:0]
	sc.ctxs = sc.ctxs[:1]
	sc.chosen = sc.chosen[:0]
	sc.absent = sc.absent[:0]
	ix.pool.Put(sc)
}

// hit records that predicate p was satisfied by a leaf in context ctx.
func (sc *setScratch) hit(p, ctx int32) {
	head := sc.predHead[p]
	if head < 0 {
		sc.touched = append(sc.touched, p)
		sc.predHits[p] = 0
	} else if sc.hits[head].ctx == ctx {
		return // the same leaf (or a sibling in the same element) again
	}
	sc.hits = append(sc.hits, predHit{ctx: ctx, next: head})
	sc.predHead[p] = int32(len(sc.hits) - 1)
	sc.predHits[p]++
}

func (sc *setScratch) hitAll(preds []int32, ctx int32) {
	for _, p := range preds {
		sc.hit(p, ctx)
	}
}

// newContext opens a context for an element of array in context parent.
func (sc *setScratch) newContext(parent, array int32) int32 {
	sc.ctxs = append(sc.ctxs, arrayContext{parent: parent, array: array, depth: sc.ctxs[parent].depth + 1})
	return int32(len(sc.ctxs) - 1)
}

// consistent reports whether leaves in contexts a and b may be used
// together: true unless they lie in different elements of one array.
func (sc *setScratch) consistent(a, b int32) bool {
	if a == b || a == 0 || b == 0 {
		return true
	}
	ctxs := sc.ctxs
	for ctxs[a].depth > ctxs[b].depth {
		a = ctxs[a].parent
	}
	for ctxs[b].depth > ctxs[a].depth {
		b = ctxs[b].parent
	}
	if a == b {
		return true // one encloses the other
	}
	for ctxs[a].parent != ctxs[b].parent {
		a, b = ctxs[a].parent, ctxs[b].parent
	}
	return ctxs[a].array != ctxs[b].array
}

func (sc *setScratch) consistentWithChosen(ctx int32) bool {
	for _, c := range sc.chosen {
		if !sc.consistent(ctx, c) {
			return false
		}
	}
	return true
}
