package pattern

import (
	"slices"
	"strings"
)

// StringFilter and MapFilter comparison operators.
const (
	cmpEquals          = "EQUALS"
	cmpPrefix          = "PREFIX"
	cmpNotEquals       = "NOT_EQUALS"
	cmpPrefixNotEquals = "PREFIX_NOT_EQUALS"
	cmpContains        = "CONTAINS"
	cmpNotContains     = "NOT_CONTAINS"
	cmpContainsWord    = "CONTAINS_WORD"
)

var (
	stringComparisons = []string{cmpEquals, cmpPrefix, cmpNotEquals, cmpPrefixNotEquals, cmpContains, cmpNotContains}
	mapComparisons    = []string{cmpEquals, cmpNotEquals, cmpContains, cmpNotContains}
)

// stringGroup collects the values of the filters on one field by operator.
type stringGroup struct {
	equals, prefixes, contains              []string
	notEquals, prefixNotEquals, notContains []string
	// firstIndex is the list index where each operator first appeared, for
	// naming the earlier filter in an invalid-mix error.
	firstIndex map[string]int
}

func newStringGroup() *stringGroup {
	return &stringGroup{firstIndex: map[string]int{}}
}

// add records filter i of the list at listPath. It rejects the mixes the
// API rejects: CONTAINS or NOT_CONTAINS with any other operator, and EQUALS
// with NOT_EQUALS or PREFIX_NOT_EQUALS.
func (g *stringGroup) add(listPath []any, i int, comparison, value string) error {
	for _, earlier := range stringComparisons {
		j, seen := g.firstIndex[earlier]
		if !seen || !comparisonsConflict(comparison, earlier) {
			continue
		}
		return errAt(at(at(listPath, i), "Comparison"), "%s cannot be combined with %s (%s) on the same field%s",
			comparison, earlier, FormatPath(at(listPath, j)), conflictReason(comparison, earlier))
	}
	if _, seen := g.firstIndex[comparison]; !seen {
		g.firstIndex[comparison] = i
	}
	switch comparison {
	case cmpEquals:
		g.equals = appendUnique(g.equals, value)
	case cmpPrefix:
		g.prefixes = appendUnique(g.prefixes, value)
	case cmpContains:
		g.contains = appendUnique(g.contains, value)
	case cmpNotEquals:
		g.notEquals = appendUnique(g.notEquals, value)
	case cmpPrefixNotEquals:
		g.prefixNotEquals = appendUnique(g.prefixNotEquals, value)
	case cmpNotContains:
		g.notContains = appendUnique(g.notContains, value)
	}
	return nil
}

func comparisonsConflict(a, b string) bool {
	if a == b {
		return false
	}
	if a == cmpContains || b == cmpContains || a == cmpNotContains || b == cmpNotContains {
		return true
	}
	pair := func(x, y string) bool { return (a == x && b == y) || (a == y && b == x) }
	return pair(cmpEquals, cmpNotEquals) || pair(cmpEquals, cmpPrefixNotEquals)
}

// conflictReason explains a CONTAINS or NOT_CONTAINS conflict as a message
// suffix; the EQUALS conflicts need no explanation.
func conflictReason(a, b string) string {
	switch {
	case a == cmpContains || b == cmpContains:
		return ": CONTAINS filters can only be used with other CONTAINS filters"
	case a == cmpNotContains || b == cmpNotContains:
		return ": NOT_CONTAINS filters can only be used with other NOT_CONTAINS filters"
	}
	return ""
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// positive returns the matchers of the EQUALS, PREFIX and CONTAINS filters;
// the field matches when any of them does.
func (g *stringGroup) positive() []any {
	var out []any
	for _, v := range g.equals {
		out = append(out, v)
	}
	for _, v := range g.prefixes {
		out = append(out, map[string]any{"prefix": v})
	}
	for _, v := range g.contains {
		out = append(out, map[string]any{"wildcard": containsWildcard(v)})
	}
	return out
}

// negative returns one anything-but matcher that holds when the value passes
// every NOT_EQUALS, PREFIX_NOT_EQUALS and NOT_CONTAINS filter, or nil when
// there are none.
func (g *stringGroup) negative() any {
	switch {
	case len(g.notEquals)+len(g.prefixNotEquals)+len(g.notContains) == 0:
		return nil
	case len(g.prefixNotEquals) == 0 && len(g.notContains) == 0:
		values := make([]any, len(g.notEquals))
		for i, v := range g.notEquals {
			values[i] = v
		}
		return map[string]any{"anything-but": values}
	case len(g.notEquals) == 0 && len(g.notContains) == 0 && len(g.prefixNotEquals) == 1 && g.prefixNotEquals[0] != "":
		return map[string]any{"anything-but": map[string]any{"prefix": g.prefixNotEquals[0]}}
	}
	var patterns []any
	for _, v := range g.notEquals {
		patterns = append(patterns, escapeWildcard(v))
	}
	for _, v := range g.prefixNotEquals {
		patterns = append(patterns, escapeWildcard(v)+"*")
	}
	for _, v := range g.notContains {
		patterns = append(patterns, containsWildcard(v))
	}
	if len(patterns) == 1 {
		return map[string]any{"anything-but": map[string]any{"wildcard": patterns[0]}}
	}
	return map[string]any{"anything-but": map[string]any{"wildcard": patterns}}
}

// containsWildcard is the wildcard pattern matching any string that holds v.
func containsWildcard(v string) string {
	if v == "" {
		return "*"
	}
	return "*" + escapeWildcard(v) + "*"
}

// escapeWildcard quotes the wildcard pattern metacharacters '*' and '\' so
// v matches only itself.
func escapeWildcard(v string) string {
	if !strings.ContainsAny(v, `*\`) {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		if r == '*' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fieldCond is the condition for one field (or for a value held in either of
// two fields): (no positive filters, or any positive filter matches) AND
// (every negative filter holds). A negative filter holds when the field is
// absent: a finding without a value does not equal, start with or contain
// anything.
//
// With two fields the value is taken from both: a positive filter needs
// either field to match, a negative filter needs both to pass.
func fieldCond(paths [][]string, g *stringGroup) cond {
	var all allOf
	if pos := g.positive(); len(pos) > 0 {
		if len(paths) == 1 {
			all = append(all, leaf{path: paths[0], matchers: pos})
		} else {
			var alternatives anyOf
			for _, p := range paths {
				alternatives = append(alternatives, leaf{path: p, matchers: pos})
			}
			all = append(all, alternatives)
		}
	}
	if neg := g.negative(); neg != nil {
		absent := map[string]any{"exists": false}
		for _, p := range paths {
			if len(paths) == 1 && len(all) > 0 {
				// The field already carries the positive filters; the pattern
				// language has no AND on one field, so the negative condition
				// goes into a "$or" (absent, or passing), which the engine
				// requires together with the field's other condition.
				all = append(all, anyOf{leaf{path: p, matchers: []any{absent}}, leaf{path: p, matchers: []any{neg}}})
				continue
			}
			all = append(all, leaf{path: p, matchers: []any{absent, neg}})
		}
	}
	if len(all) == 1 {
		return all[0]
	}
	return all
}

// stringFilterCond validates a StringFilter list and returns its condition.
func stringFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	g := newStringGroup()
	for i, item := range list {
		itemPath := at(listPath, i)
		obj, err := object(item, itemPath, "a StringFilter", "Comparison", "Value")
		if err != nil {
			return nil, err
		}
		comparison, err := comparisonOf(obj, itemPath, stringComparisons)
		if err != nil {
			return nil, err
		}
		value, err := requiredString(obj, "Value", itemPath)
		if err != nil {
			return nil, err
		}
		if err := g.add(listPath, i, comparison, value); err != nil {
			return nil, err
		}
	}
	paths := [][]string{a.path}
	if a.alt != nil {
		paths = append(paths, a.alt)
	}
	return fieldCond(paths, g), nil
}

// mapFilterCond validates a MapFilter list and returns its condition. Each
// Key is its own field: filters on one key are grouped like StringFilters
// (positive OR'ed, negative AND'ed, the same invalid mixes), and different
// keys are AND'ed, as different attributes are.
func mapFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	groups := map[string]*stringGroup{}
	var keys []string
	for i, item := range list {
		itemPath := at(listPath, i)
		obj, err := object(item, itemPath, "a MapFilter", "Comparison", "Key", "Value")
		if err != nil {
			return nil, err
		}
		comparison, err := comparisonOf(obj, itemPath, mapComparisons)
		if err != nil {
			return nil, err
		}
		key, err := requiredString(obj, "Key", itemPath)
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, errAt(at(itemPath, "Key"), "Key must not be empty")
		}
		if key == "$or" {
			return nil, errAt(at(itemPath, "Key"), `Key "$or" cannot be matched: the pattern language reserves it`)
		}
		value, err := requiredString(obj, "Value", itemPath)
		if err != nil {
			return nil, err
		}
		g, ok := groups[key]
		if !ok {
			g = newStringGroup()
			groups[key] = g
			keys = append(keys, key)
		}
		if err := g.add(listPath, i, comparison, value); err != nil {
			return nil, err
		}
	}
	var all allOf
	for _, key := range keys {
		all = append(all, fieldCond([][]string{pathJoin(a.path, []string{key})}, groups[key]))
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return all, nil
}

// comparisonOf reads and checks the Comparison member of a filter.
func comparisonOf(obj map[string]any, itemPath []any, allowed []string) (string, error) {
	c, err := requiredString(obj, "Comparison", itemPath)
	if err != nil {
		return "", err
	}
	if slices.Contains(allowed, c) {
		return c, nil
	}
	p := at(itemPath, "Comparison")
	switch {
	case c == cmpContainsWord:
		return "", errAt(p, "CONTAINS_WORD is only supported by the Security Hub V2 (OCSF) APIs, not by ASFF finding filters")
	case c == cmpPrefix || c == cmpPrefixNotEquals:
		return "", errAt(p, "%s is not a MapFilter comparison; use one of %s", c, strings.Join(allowed, ", "))
	}
	return "", errAt(p, "unknown Comparison %s; use one of %s%s", quoteInput(c), strings.Join(allowed, ", "), didYouMean(closestName(c, allowed)))
}
