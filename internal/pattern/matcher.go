package pattern

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// matchOp is the kind of a leaf matcher.
type matchOp uint8

const (
	opExactString matchOp = iota
	opExactNumber
	opExactLiteral
	opPrefix
	opPrefixFold
	opSuffix
	opSuffixFold
	opEqualsFold
	opWildcard
	opAnythingBut
	opAnythingButNumber
	opAnythingButPrefix
	opAnythingButSuffix
	opAnythingButFold
	opAnythingButWildcard
	opNumeric
	opCIDR
	opExists
	opDate
)

// matcher is one positive value condition of a pattern field: a leaf value
// satisfies the field when it satisfies any of the field's matchers.
type matcher struct {
	op matchOp

	str  string   // exact string; prefix/suffix (folded for the fold ops); folded equals-ignore-case
	strs []string // anything-but strings, prefixes, suffixes (folded for opAnythingButFold)

	lit   string // exact number literal, or "true"/"false"/"null"
	num   int64  // exact number, comparable form
	numOK bool

	ip   netip.Addr // exact string that spells an IP address
	isIP bool

	nums []int64 // anything-but numbers, comparable form

	lo, hi         int64 // numeric range, comparable form
	hasLo, hasHi   bool
	loOpen, hiOpen bool

	prefix netip.Prefix

	wild  wildcardPattern
	wilds []wildcardPattern

	date *dateMatcher
}

// match reports whether the leaf value v satisfies m. It is the definition
// of every operator's semantics; the Set's indexes must agree with it.
func (m *matcher) match(v *eventValue, now time.Time) bool {
	switch m.op {
	case opExactString:
		if v.kind != vString {
			return false
		}
		if string(v.raw) == m.str {
			return true
		}
		if m.isIP {
			a, ok := v.addr()
			return ok && a == m.ip
		}
		return false
	case opExactNumber:
		if v.kind != vNumber {
			return false
		}
		if m.numOK {
			if n, ok := v.number(); ok {
				return n == m.num
			}
		}
		return string(v.raw) == m.lit
	case opExactLiteral:
		return literalText(v.kind) == m.lit
	case opPrefix:
		return v.kind == vString && bytes.HasPrefix(v.raw, []byte(m.str))
	case opPrefixFold:
		return v.kind == vString && bytes.HasPrefix(v.fold(), []byte(m.str))
	case opSuffix:
		return v.kind == vString && bytes.HasSuffix(v.raw, []byte(m.str))
	case opSuffixFold:
		return v.kind == vString && bytes.HasSuffix(v.fold(), []byte(m.str))
	case opEqualsFold:
		return v.kind == vString && string(v.fold()) == m.str
	case opWildcard:
		return v.kind == vString && m.wild.match(v.raw)
	case opAnythingBut:
		if v.kind != vString {
			return true
		}
		for _, s := range m.strs {
			if string(v.raw) == s {
				return false
			}
		}
		return true
	case opAnythingButNumber:
		n, ok := v.number()
		if !ok {
			return true
		}
		return !slices.Contains(m.nums, n)
	case opAnythingButPrefix:
		if v.kind != vString {
			return true
		}
		for _, s := range m.strs {
			if bytes.HasPrefix(v.raw, []byte(s)) {
				return false
			}
		}
		return true
	case opAnythingButSuffix:
		if v.kind != vString {
			return true
		}
		for _, s := range m.strs {
			if bytes.HasSuffix(v.raw, []byte(s)) {
				return false
			}
		}
		return true
	case opAnythingButFold:
		if v.kind != vString {
			return true
		}
		f := v.fold()
		for _, s := range m.strs {
			if string(f) == s {
				return false
			}
		}
		return true
	case opAnythingButWildcard:
		if v.kind != vString {
			return true
		}
		for _, w := range m.wilds {
			if w.match(v.raw) {
				return false
			}
		}
		return true
	case opNumeric:
		n, ok := v.number()
		return ok && m.inRange(n)
	case opCIDR:
		a, ok := v.addr()
		return ok && m.prefix.Contains(a)
	case opExists:
		return true
	case opDate:
		return v.kind == vString && m.date.match(v.raw, now)
	}
	return false
}

func (m *matcher) inRange(n int64) bool {
	if m.hasLo && (n < m.lo || (m.loOpen && n == m.lo)) {
		return false
	}
	if m.hasHi && (n > m.hi || (m.hiOpen && n == m.hi)) {
		return false
	}
	return true
}

// key identifies a matcher for de-duplication: two matchers with the same
// key match exactly the same values.
func (m *matcher) key() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(m.op)))
	b.WriteByte('|')
	switch m.op {
	case opExactString, opPrefix, opPrefixFold, opSuffix, opSuffixFold, opEqualsFold:
		b.WriteString(strconv.Quote(m.str))
	case opExactNumber, opExactLiteral:
		b.WriteString(m.lit)
		if m.numOK {
			fmt.Fprintf(&b, "=%d", m.num)
		}
	case opAnythingBut, opAnythingButPrefix, opAnythingButSuffix, opAnythingButFold:
		s := slices.Clone(m.strs)
		slices.Sort(s)
		for _, x := range s {
			b.WriteString(strconv.Quote(x))
			b.WriteByte(',')
		}
	case opAnythingButNumber:
		n := slices.Clone(m.nums)
		slices.Sort(n)
		for _, x := range n {
			fmt.Fprintf(&b, "%d,", x)
		}
	case opWildcard:
		writeWildcardKey(&b, m.wild)
	case opAnythingButWildcard:
		keys := make([]string, len(m.wilds))
		for i, w := range m.wilds {
			var kb strings.Builder
			writeWildcardKey(&kb, w)
			keys[i] = kb.String()
		}
		slices.Sort(keys)
		b.WriteString(strings.Join(keys, ","))
	case opNumeric:
		fmt.Fprintf(&b, "%t%t%d%t|%t%t%d", m.hasLo, m.loOpen, m.lo, m.hasHi, m.hiOpen, m.hasHi, m.hi)
	case opCIDR:
		b.WriteString(m.prefix.String())
	case opDate:
		d := m.date
		fmt.Fprintf(&b, "%t%d|%t%d|%t%d|%t%d", d.hasStart, d.start.UnixNano(), d.hasEnd, d.end.UnixNano(),
			d.hasWithin, d.withinDays, d.hasOlder, d.olderDays)
	}
	return b.String()
}

func writeWildcardKey(b *strings.Builder, w wildcardPattern) {
	for i, s := range w.segments {
		if i > 0 {
			b.WriteString("*")
		}
		b.WriteString(strconv.Quote(string(s)))
	}
}
