package pattern

import (
	"net/netip"
	"slices"
	"sort"
	"time"
)

// valueIndex holds every distinct matcher used at one path, organised for
// lookup by value. Each lookup yields the predicates that the value hits.
type valueIndex struct {
	exactString map[string][]int32
	exactIP     map[netip.Addr][]int32
	exactNumber map[int64][]int32  // comparable form
	exactLit    map[string][]int32 // number literal text
	literal     [3][]int32         // true, false, null

	prefix, suffix         lengthGroups
	prefixFold, suffixFold lengthGroups
	equalsFold             map[string][]int32

	scanned []scannedMatcher // matchers evaluated one by one
	anyNum  bool             // some matcher needs the comparable number
}

// lengthGroups finds prefixes (or suffixes) of a value by one hash lookup
// per distinct pattern length.
type lengthGroups struct {
	lengths []int // ascending
	byLen   map[int]map[string][]int32
}

func (g *lengthGroups) add(s string, preds []int32) {
	if g.byLen == nil {
		g.byLen = map[int]map[string][]int32{}
	}
	m := g.byLen[len(s)]
	if m == nil {
		m = map[string][]int32{}
		g.byLen[len(s)] = m
		g.lengths = append(g.lengths, len(s))
		sort.Ints(g.lengths)
	}
	m[s] = mergePreds(m[s], preds)
}

type scannedMatcher struct {
	m     *matcher
	preds []int32
}

// mergePreds appends to a the predicates of b it does not already hold.
func mergePreds(a, b []int32) []int32 {
	if len(a) == 0 {
		return slices.Clone(b) // b never repeats a predicate
	}
	if len(a)*len(b) <= 1024 {
		for _, p := range b {
			if !slices.Contains(a, p) {
				a = append(a, p)
			}
		}
		return a
	}
	have := make(map[int32]bool, len(a))
	for _, p := range a {
		have[p] = true
	}
	for _, p := range b {
		if !have[p] {
			have[p] = true
			a = append(a, p)
		}
	}
	return a
}

// add files one distinct matcher under the lookup structure that serves it.
func (vi *valueIndex) add(sm *scannedMatcher) {
	m := sm.m
	switch m.op {
	case opExactString:
		if vi.exactString == nil {
			vi.exactString = map[string][]int32{}
		}
		vi.exactString[m.str] = mergePreds(vi.exactString[m.str], sm.preds)
		if m.isIP {
			if vi.exactIP == nil {
				vi.exactIP = map[netip.Addr][]int32{}
			}
			vi.exactIP[m.ip] = mergePreds(vi.exactIP[m.ip], sm.preds)
		}
	case opExactNumber:
		if m.numOK {
			if vi.exactNumber == nil {
				vi.exactNumber = map[int64][]int32{}
			}
			vi.exactNumber[m.num] = mergePreds(vi.exactNumber[m.num], sm.preds)
			vi.anyNum = true
		}
		if vi.exactLit == nil {
			vi.exactLit = map[string][]int32{}
		}
		vi.exactLit[m.lit] = mergePreds(vi.exactLit[m.lit], sm.preds)
	case opExactLiteral:
		i := map[string]int{"true": 0, "false": 1, "null": 2}[m.lit]
		vi.literal[i] = mergePreds(vi.literal[i], sm.preds)
	case opPrefix:
		vi.prefix.add(m.str, sm.preds)
	case opSuffix:
		vi.suffix.add(m.str, sm.preds)
	case opPrefixFold:
		vi.prefixFold.add(m.str, sm.preds)
	case opSuffixFold:
		vi.suffixFold.add(m.str, sm.preds)
	case opEqualsFold:
		if vi.equalsFold == nil {
			vi.equalsFold = map[string][]int32{}
		}
		vi.equalsFold[m.str] = mergePreds(vi.equalsFold[m.str], sm.preds)
	default:
		vi.scanned = append(vi.scanned, *sm)
	}
}

// eval finds the predicates that the leaf value v hits and records them in
// context ctx. It must agree with matcher.match for every matcher filed in
// vi; the differential tests hold it to that.
func (vi *valueIndex) eval(v *eventValue, sc *setScratch, ctx int32, now time.Time) {
	switch v.kind {
	case vString:
		if vi.exactString != nil {
			if ps, ok := vi.exactString[string(v.raw)]; ok {
				sc.hitAll(ps, ctx)
			}
		}
		if vi.exactIP != nil {
			if a, ok := v.addr(); ok {
				sc.hitAll(vi.exactIP[a], ctx)
			}
		}
		vi.prefix.hitPrefixes(v.raw, sc, ctx)
		vi.suffix.hitSuffixes(v.raw, sc, ctx)
		if vi.prefixFold.byLen != nil || vi.suffixFold.byLen != nil || vi.equalsFold != nil {
			f := v.fold()
			vi.prefixFold.hitPrefixes(f, sc, ctx)
			vi.suffixFold.hitSuffixes(f, sc, ctx)
			if vi.equalsFold != nil {
				if ps, ok := vi.equalsFold[string(f)]; ok {
					sc.hitAll(ps, ctx)
				}
			}
		}
	case vNumber:
		if vi.anyNum {
			if n, ok := v.number(); ok {
				sc.hitAll(vi.exactNumber[n], ctx)
			}
		}
		if vi.exactLit != nil {
			if ps, ok := vi.exactLit[string(v.raw)]; ok {
				sc.hitAll(ps, ctx)
			}
		}
	case vTrue:
		sc.hitAll(vi.literal[0], ctx)
	case vFalse:
		sc.hitAll(vi.literal[1], ctx)
	case vNull:
		sc.hitAll(vi.literal[2], ctx)
	}
	for i := range vi.scanned {
		if vi.scanned[i].m.match(v, now) {
			sc.hitAll(vi.scanned[i].preds, ctx)
		}
	}
}

func (g *lengthGroups) hitPrefixes(v []byte, sc *setScratch, ctx int32) {
	for _, n := range g.lengths {
		if n > len(v) {
			return
		}
		if ps, ok := g.byLen[n][string(v[:n])]; ok {
			sc.hitAll(ps, ctx)
		}
	}
}

func (g *lengthGroups) hitSuffixes(v []byte, sc *setScratch, ctx int32) {
	for _, n := range g.lengths {
		if n > len(v) {
			return
		}
		if ps, ok := g.byLen[n][string(v[len(v)-n:])]; ok {
			sc.hitAll(ps, ctx)
		}
	}
}
