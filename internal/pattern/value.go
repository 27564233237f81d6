package pattern

import "net/netip"

// valueKind is the JSON type of an event leaf value.
type valueKind uint8

const (
	vString valueKind = iota
	vNumber
	vTrue
	vFalse
	vNull
)

// eventValue is one leaf value of an event, as the matchers see it: string
// contents (unescaped) or a number's literal text, plus derived forms that
// matchers need and that are computed at most once per leaf.
type eventValue struct {
	kind valueKind
	raw  []byte

	numDone, numOK bool
	num            int64

	foldDone bool
	folded   []byte

	ipDone, ipOK bool
	ip           netip.Addr
}

func (v *eventValue) reset(kind valueKind, raw []byte) {
	v.kind, v.raw = kind, raw
	v.numDone, v.foldDone, v.ipDone = false, false, false
}

// number returns the comparable form of a number value.
func (v *eventValue) number() (int64, bool) {
	if v.kind != vNumber {
		return 0, false
	}
	if !v.numDone {
		v.num, v.numOK = comparableNumber(v.raw)
		v.numDone = true
	}
	return v.num, v.numOK
}

// fold returns the case-folded form of a string value.
func (v *eventValue) fold() []byte {
	if !v.foldDone {
		v.folded = appendFolded(v.folded[:0], v.raw)
		v.foldDone = true
	}
	return v.folded
}

// addr returns the IP address a string value spells, if any.
func (v *eventValue) addr() (netip.Addr, bool) {
	if v.kind != vString {
		return netip.Addr{}, false
	}
	if !v.ipDone {
		v.ip, v.ipOK = parseIP(v.raw)
		v.ipDone = true
	}
	return v.ip, v.ipOK
}

// literalText is how true, false and null are written.
func literalText(k valueKind) string {
	switch k {
	case vTrue:
		return "true"
	case vFalse:
		return "false"
	case vNull:
		return "null"
	}
	return ""
}
