package pattern

// numberFilterCond validates a NumberFilter list and returns its condition.
// The members of one NumberFilter (Eq, Gt, Gte, Lt, Lte) must all hold: they
// form one range. Several NumberFilters in the list are OR'ed, like the
// positive StringFilters of one field. A range no number can fall in is an
// error, since such a filter can never match.
func numberFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	matchers := make([]any, 0, len(list))
	for i, item := range list {
		m, err := numericMatcher(item, at(listPath, i))
		if err != nil {
			return nil, err
		}
		matchers = append(matchers, m)
	}
	return leaf{path: a.path, matchers: matchers}, nil
}

// bound is one side of a numeric range.
type bound struct {
	n      number
	strict bool // > or < rather than >= or <=
	set    bool
}

func numericMatcher(item any, itemPath []any) (any, error) {
	obj, err := object(item, itemPath, "a NumberFilter", "Eq", "Gt", "Gte", "Lt", "Lte")
	if err != nil {
		return nil, err
	}
	read := func(key string) (number, bool, error) {
		n, ok, err := optionalNumber(obj, key, itemPath)
		if err == nil && ok {
			if _, comparable := comparableNumber([]byte(n.text)); !comparable {
				return n, ok, errAt(at(itemPath, key), "%s %s: %s", key, n.text, numberLimitsMsg)
			}
		}
		return n, ok, err
	}
	eq, hasEq, err := read("Eq")
	if err != nil {
		return nil, err
	}
	var lower, upper bound
	for _, m := range []struct {
		key    string
		strict bool
		b      *bound
		wins   func(candidate, current float64) bool
	}{
		{"Gt", true, &lower, func(c, cur float64) bool { return c >= cur }},
		{"Gte", false, &lower, func(c, cur float64) bool { return c > cur }},
		{"Lt", true, &upper, func(c, cur float64) bool { return c <= cur }},
		{"Lte", false, &upper, func(c, cur float64) bool { return c < cur }},
	} {
		n, ok, err := read(m.key)
		if err != nil {
			return nil, err
		}
		if ok && (!m.b.set || m.wins(n.value, m.b.n.value)) {
			*m.b = bound{n: n, strict: m.strict, set: true}
		}
	}
	if !hasEq && !lower.set && !upper.set {
		return nil, errAt(itemPath, "a NumberFilter needs at least one of Eq, Gt, Gte, Lt, Lte")
	}
	if hasEq {
		if !inRange(eq.value, lower, upper) {
			return nil, errAt(at(itemPath, "Eq"), "Eq %s lies outside the range set by the other members, so the filter matches nothing", eq.text)
		}
		return numeric("=", eq.text), nil
	}
	if lower.set && upper.set {
		switch {
		case lower.n.value > upper.n.value, lower.n.value == upper.n.value && (lower.strict || upper.strict):
			return nil, errAt(itemPath, "the range is empty (lower bound %s, upper bound %s), so the filter matches nothing", lower.n.text, upper.n.text)
		case lower.n.value == upper.n.value:
			return numeric("=", lower.n.text), nil
		}
	}
	var ops []any
	if lower.set {
		ops = append(ops, opFor(lower.strict, ">", ">="), numberLiteral(lower.n.text))
	}
	if upper.set {
		ops = append(ops, opFor(upper.strict, "<", "<="), numberLiteral(upper.n.text))
	}
	return map[string]any{"numeric": ops}, nil
}

func inRange(v float64, lower, upper bound) bool {
	if lower.set && (v < lower.n.value || lower.strict && v == lower.n.value) {
		return false
	}
	if upper.set && (v > upper.n.value || upper.strict && v == upper.n.value) {
		return false
	}
	return true
}

func opFor(strict bool, strictOp, inclusiveOp string) string {
	if strict {
		return strictOp
	}
	return inclusiveOp
}

func numeric(op, literal string) map[string]any {
	return map[string]any{"numeric": []any{op, numberLiteral(literal)}}
}
