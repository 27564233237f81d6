package pattern

// operator compiles one operator object such as {"prefix": "x"}. absent is
// true for {"exists": false}, which is not a leaf matcher.
func (c *patternCompiler) operator(v *jvalue, path []any) (m *matcher, absent bool, err error) {
	if len(v.members) != 1 {
		if len(v.members) == 0 {
			return nil, false, errAt(path, "empty operator object: give one operator such as prefix, numeric or exists")
		}
		return nil, false, errAt(path, "an operator object must have exactly one key, got %d (%s, %s, …)", len(v.members), v.members[0].key, v.members[1].key)
	}
	name, arg := v.members[0].key, v.members[0].val
	switch name {
	case "prefix", "suffix":
		m, err = compilePrefixSuffix(name, arg, path)
	case "equals-ignore-case":
		if arg.kind != jString {
			return nil, false, errAt(path, "equals-ignore-case wants a string, got %s", arg.describe())
		}
		m = &matcher{op: opEqualsFold, str: foldString(arg.text)}
	case "wildcard":
		if arg.kind != jString {
			return nil, false, errAt(path, "wildcard wants a string, got %s", arg.describe())
		}
		w, werr := parseWildcard(arg.text)
		if werr != nil {
			return nil, false, errAt(path, "wildcard %q: %v", arg.text, werr)
		}
		m = &matcher{op: opWildcard, wild: w}
	case "anything-but":
		m, err = compileAnythingBut(arg, path)
	case "numeric":
		m, err = compileNumeric(arg, path)
	case "cidr":
		if arg.kind != jString {
			return nil, false, errAt(path, "cidr wants a string such as \"10.0.0.0/24\", got %s", arg.describe())
		}
		p, perr := parseCIDR(arg.text)
		if perr != nil {
			return nil, false, errAt(path, "%v", perr)
		}
		m = &matcher{op: opCIDR, prefix: p}
	case "exists":
		if arg.kind != jBool {
			return nil, false, errAt(path, "exists wants true or false, got %s", arg.describe())
		}
		if !arg.b {
			return nil, true, nil
		}
		m = &matcher{op: opExists}
	case dateOperator:
		if !c.ext {
			return nil, false, errAt(path, "unknown operator %q", name)
		}
		d, derr := parseDateOperand(arg, path)
		if derr != nil {
			return nil, false, derr
		}
		c.hasDate = true
		m = &matcher{op: opDate, date: d}
	default:
		return nil, false, errAt(path, "unknown operator %q", name)
	}
	if err != nil {
		return nil, false, err
	}
	return m, false, nil
}

// prefixSuffix compiles {"prefix": "x"}, {"prefix": {"equals-ignore-case": "x"}}
// and the suffix forms.
func compilePrefixSuffix(name string, arg *jvalue, path []any) (*matcher, error) {
	plain, fold := opPrefix, opPrefixFold
	if name == "suffix" {
		plain, fold = opSuffix, opSuffixFold
	}
	switch arg.kind {
	case jString:
		return &matcher{op: plain, str: arg.text}, nil
	case jObject:
		if len(arg.members) == 1 && arg.members[0].key == "equals-ignore-case" {
			inner := arg.members[0].val
			if inner.kind != jString {
				return nil, errAt(path, "%s equals-ignore-case wants a string, got %s", name, inner.describe())
			}
			return &matcher{op: fold, str: foldString(inner.text)}, nil
		}
	}
	return nil, errAt(path, "%s wants a string or {\"equals-ignore-case\": string}, got %s", name, arg.describe())
}

// anythingBut compiles every documented form of anything-but: a string, a
// number, a list of strings or of numbers, and {"prefix"|"suffix"|
// "equals-ignore-case"|"wildcard": string or list of strings}.
func compileAnythingBut(arg *jvalue, path []any) (*matcher, error) {
	switch arg.kind {
	case jString:
		return &matcher{op: opAnythingBut, strs: []string{arg.text}}, nil
	case jNumber:
		n, ok := comparableNumber([]byte(arg.text))
		if !ok {
			return nil, errAt(path, "anything-but %s: %s", arg.text, numberLimitsMsg)
		}
		return &matcher{op: opAnythingButNumber, nums: []int64{n}}, nil
	case jArray:
		if len(arg.elems) == 0 {
			return nil, errAt(path, "anything-but wants a non-empty list")
		}
		var strs []string
		var nums []int64
		for i, e := range arg.elems {
			switch e.kind {
			case jString:
				strs = append(strs, e.text)
			case jNumber:
				n, ok := comparableNumber([]byte(e.text))
				if !ok {
					return nil, errAt(pathWith(path, i), "anything-but %s: %s", e.text, numberLimitsMsg)
				}
				nums = append(nums, n)
			default:
				return nil, errAt(path, "anything-but list wants only strings or only numbers, got %s at index %d", e.describe(), i)
			}
		}
		if len(strs) > 0 && len(nums) > 0 {
			return nil, errAt(path, "anything-but list mixes strings and numbers; use only one type")
		}
		if len(nums) > 0 {
			return &matcher{op: opAnythingButNumber, nums: nums}, nil
		}
		return &matcher{op: opAnythingBut, strs: strs}, nil
	case jObject:
		return compileAnythingButObject(arg, path)
	}
	return nil, errAt(path, "anything-but wants a string, a number, a list or an object, got %s", arg.describe())
}

func compileAnythingButObject(arg *jvalue, path []any) (*matcher, error) {
	if len(arg.members) != 1 {
		return nil, errAt(path, "anything-but object must have exactly one of prefix, suffix, equals-ignore-case or wildcard")
	}
	name, inner := arg.members[0].key, arg.members[0].val
	switch name {
	case "prefix", "suffix", "equals-ignore-case", "wildcard":
	default:
		return nil, errAt(path, "anything-but does not support %q (want prefix, suffix, equals-ignore-case or wildcard)", name)
	}
	var values []string
	switch inner.kind {
	case jString:
		values = []string{inner.text}
	case jArray:
		if len(inner.elems) == 0 {
			return nil, errAt(path, "anything-but %s wants a string or a non-empty list of strings", name)
		}
		for i, e := range inner.elems {
			if e.kind != jString {
				return nil, errAt(path, "anything-but %s wants strings, got %s at index %d", name, e.describe(), i)
			}
			values = append(values, e.text)
		}
	default:
		return nil, errAt(path, "anything-but %s wants a string or a list of strings, got %s", name, inner.describe())
	}
	switch name {
	case "prefix", "suffix":
		for _, s := range values {
			if s == "" {
				return nil, errAt(path, "anything-but %s must not be empty", name)
			}
		}
		if name == "prefix" {
			return &matcher{op: opAnythingButPrefix, strs: values}, nil
		}
		return &matcher{op: opAnythingButSuffix, strs: values}, nil
	case "equals-ignore-case":
		folded := make([]string, len(values))
		for i, s := range values {
			folded[i] = foldString(s)
		}
		return &matcher{op: opAnythingButFold, strs: folded}, nil
	case "wildcard":
		ws := make([]wildcardPattern, len(values))
		for i, s := range values {
			w, err := parseWildcard(s)
			if err != nil {
				return nil, errAt(path, "anything-but wildcard %q: %v", s, err)
			}
			ws[i] = w
		}
		return &matcher{op: opAnythingButWildcard, wilds: ws}, nil
	}
	return nil, errAt(path, "anything-but does not support %q", name)
}

const numberLimitsMsg = "numbers must lie within -5.0e9 … 5.0e9 with at most 6 digits after the decimal point"

// numeric compiles ["op", n] and [">"|">=", n, "<"|"<=", m].
func compileNumeric(arg *jvalue, path []any) (*matcher, error) {
	if arg.kind != jArray {
		return nil, errAt(path, "numeric wants an array such as [\">\", 0, \"<=\", 5], got %s", arg.describe())
	}
	el := arg.elems
	if len(el) != 2 && len(el) != 4 {
		return nil, errAt(path, "numeric wants [op, number] or [lower-op, number, upper-op, number], got %d elements", len(el))
	}
	bound := func(i int) (string, int64, error) {
		if el[i].kind != jString {
			return "", 0, errAt(pathWith(path, "numeric"), "element %d: want an operator (=, <, <=, >, >=), got %s", i, el[i].describe())
		}
		if el[i+1].kind != jNumber {
			return "", 0, errAt(pathWith(path, "numeric"), "element %d: %s wants a number, got %s", i+1, el[i].text, el[i+1].describe())
		}
		n, ok := comparableNumber([]byte(el[i+1].text))
		if !ok {
			return "", 0, errAt(pathWith(path, "numeric"), "element %d: %s: %s", i+1, el[i+1].text, numberLimitsMsg)
		}
		return el[i].text, n, nil
	}
	op1, n1, err := bound(0)
	if err != nil {
		return nil, err
	}
	m := &matcher{op: opNumeric}
	switch op1 {
	case "=":
		if len(el) != 2 {
			return nil, errAt(path, "numeric \"=\" takes exactly one number")
		}
		m.lo, m.hi, m.hasLo, m.hasHi = n1, n1, true, true
		return m, nil
	case ">", ">=":
		m.lo, m.hasLo, m.loOpen = n1, true, op1 == ">"
	case "<", "<=":
		if len(el) != 2 {
			return nil, errAt(path, "numeric range must give the lower bound (> or >=) first, then the upper bound (< or <=)")
		}
		m.hi, m.hasHi, m.hiOpen = n1, true, op1 == "<"
		return m, nil
	default:
		return nil, errAt(path, "numeric: unknown operator %q (want =, <, <=, >, >=)", op1)
	}
	if len(el) == 2 {
		return m, nil
	}
	op2, n2, err := bound(2)
	if err != nil {
		return nil, err
	}
	if op2 != "<" && op2 != "<=" {
		return nil, errAt(path, "numeric range upper bound wants < or <=, got %q", op2)
	}
	if n2 <= n1 {
		return nil, errAt(path, "numeric range is empty: lower bound %s is not below upper bound %s", el[1].text, el[3].text)
	}
	m.hi, m.hasHi, m.hiOpen = n2, true, op2 == "<"
	return m, nil
}
