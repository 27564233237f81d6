package pattern

import (
	"strings"
)

// matchField is one AND-ed condition of a clause: the leaf values at path must
// include one that satisfies any matcher, or, when absent is set, the path
// may instead have no (array-consistent) leaf value at all.
type matchField struct {
	path     []string
	matchers []*matcher
	absent   bool
}

// andClause is one conjunction of fields; a pattern is the OR of its clauses
// ($or is expanded at compile time).
type andClause struct {
	fields []matchField
}

// maxClauses bounds the $or expansion of one pattern.
const maxClauses = 4096

// orKeyword is the key that introduces an OR of objects.
const orKeyword = "$or"

// reservedInOr are the names that may not appear as field names inside an
// "$or" branch (event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP, plus
// the private date operator). When a branch uses one, "$or" is not an OR but
// an ordinary field name.
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true,
	"cidr": true, "html": true, "=": true, "<": true, "<=": true, ">": true,
	">=": true, "regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true,
	"date-on-or-before": true, "in-date-range": true, "ip-address-in-range": true,
	"ip-address-not-in-range": true, dateOperator: true,
}

// patternCompiler turns a decoded pattern into clauses.
type patternCompiler struct {
	ext     bool // accept the private date operator
	hasDate bool
}

func pathWith(path []any, step any) []any {
	p := make([]any, len(path), len(path)+1)
	copy(p, path)
	return append(p, step)
}

func withField(path []string, key string) []string {
	p := make([]string, len(path), len(path)+1)
	copy(p, path)
	return append(p, key)
}

// object compiles an object of the pattern found at fieldPath (event field
// names) and errPath (pattern JSON path).
func (c *patternCompiler) object(v *jvalue, fieldPath []string, errPath []any) ([]andClause, error) {
	if len(v.members) == 0 {
		return nil, errAt(errPath, "empty object: give at least one matchField to match")
	}
	result := []andClause{{}}
	for _, m := range v.members {
		mp := pathWith(errPath, m.key)
		var alts []andClause
		switch {
		case m.key == orKeyword && isOrArray(m.val):
			for i, branch := range m.val.elems {
				sub, err := c.object(branch, fieldPath, pathWith(mp, i))
				if err != nil {
					return nil, err
				}
				alts = append(alts, sub...)
			}
		case m.val.kind == jObject:
			sub, err := c.object(m.val, withField(fieldPath, m.key), mp)
			if err != nil {
				return nil, err
			}
			alts = sub
		case m.val.kind == jArray:
			f, err := c.compileField(m.val, withField(fieldPath, m.key), mp)
			if err != nil {
				return nil, err
			}
			alts = []andClause{{fields: []matchField{f}}}
		default:
			return nil, errAt(mp, "must be an object or an array of values to match, got %s", m.val.describe())
		}
		if len(result)*len(alts) > maxClauses {
			return nil, errAt(mp, "$or expands to more than %d alternatives", maxClauses)
		}
		result = crossClauses(result, alts)
	}
	return result, nil
}

func crossClauses(a, b []andClause) []andClause {
	out := make([]andClause, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			fs := make([]matchField, 0, len(x.fields)+len(y.fields))
			fs = append(fs, x.fields...)
			fs = append(fs, y.fields...)
			out = append(out, andClause{fields: fs})
		}
	}
	return out
}

// isOrArray reports whether the value of an "$or" key is an OR: an array of
// at least two non-empty objects that use no reserved name as a field name.
// Anything else makes "$or" an ordinary field name (event-ruler's backward
// compatibility rule).
func isOrArray(v *jvalue) bool {
	if v.kind != jArray || len(v.elems) < 2 {
		return false
	}
	for _, e := range v.elems {
		if e.kind != jObject || len(e.members) == 0 || usesReserved(e) {
			return false
		}
	}
	return true
}

func usesReserved(obj *jvalue) bool {
	for _, m := range obj.members {
		if m.key == orKeyword {
			if m.val.kind == jArray {
				for _, e := range m.val.elems {
					if e.kind == jObject && usesReserved(e) {
						return true
					}
				}
			}
			continue
		}
		if reservedInOr[m.key] {
			return true
		}
		if m.val.kind == jObject && usesReserved(m.val) {
			return true
		}
	}
	return false
}

// compileField compiles the array of values to match for one event field.
func (c *patternCompiler) compileField(arr *jvalue, fieldPath []string, errPath []any) (matchField, error) {
	f := matchField{path: fieldPath}
	if len(arr.elems) == 0 {
		return f, errAt(errPath, "empty array: give at least one value to match")
	}
	for i, e := range arr.elems {
		ep := pathWith(errPath, i)
		switch e.kind {
		case jString:
			f.matchers = append(f.matchers, exactStringMatcher(e.text))
		case jNumber:
			m := &matcher{op: opExactNumber, lit: e.text}
			m.num, m.numOK = comparableNumber([]byte(e.text))
			f.matchers = append(f.matchers, m)
		case jBool, jNull:
			f.matchers = append(f.matchers, &matcher{op: opExactLiteral, lit: e.describe()})
		case jArray:
			return f, errAt(ep, "nested arrays are not allowed in a list of values")
		case jObject:
			m, absent, err := c.operator(e, ep)
			if err != nil {
				return f, err
			}
			if absent {
				f.absent = true
			} else {
				f.matchers = append(f.matchers, m)
			}
		}
	}
	return f, nil
}

func exactStringMatcher(s string) *matcher {
	m := &matcher{op: opExactString, str: s}
	if strings.ContainsAny(s, ".:") {
		m.ip, m.isIP = parseIP([]byte(s))
	}
	return m
}
