package hubtest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// The V2 filter shapes (OcsfFindingFilters), as the SDK sends them.
type ocsfFindingFilters struct {
	CompositeFilters  []compositeFilter `json:"CompositeFilters"`
	CompositeOperator *string           `json:"CompositeOperator"`
}

type compositeFilter struct {
	StringFilters          []ocsfStringFilter  `json:"StringFilters"`
	NumberFilters          []ocsfNumberFilter  `json:"NumberFilters"`
	DateFilters            []ocsfDateFilter    `json:"DateFilters"`
	BooleanFilters         []ocsfBooleanFilter `json:"BooleanFilters"`
	MapFilters             []ocsfMapFilter     `json:"MapFilters"`
	IPFilters              []ocsfIPFilter      `json:"IpFilters"`
	NestedCompositeFilters []compositeFilter   `json:"NestedCompositeFilters"`
	Operator               *string             `json:"Operator"`
}

type ocsfStringFilter struct {
	FieldName *string           `json:"FieldName"`
	Filter    *stringFilterBody `json:"Filter"`
}

type stringFilterBody struct {
	Comparison *string `json:"Comparison"`
	Value      *string `json:"Value"`
}

type ocsfNumberFilter struct {
	FieldName *string           `json:"FieldName"`
	Filter    *numberFilterBody `json:"Filter"`
}

// numberFilterBody members are raw: the SDK writes NaN and infinities as
// strings, which the server rejects.
type numberFilterBody struct {
	Eq  json.RawMessage `json:"Eq"`
	Gt  json.RawMessage `json:"Gt"`
	Gte json.RawMessage `json:"Gte"`
	Lt  json.RawMessage `json:"Lt"`
	Lte json.RawMessage `json:"Lte"`
}

type ocsfDateFilter struct {
	FieldName *string         `json:"FieldName"`
	Filter    *dateFilterBody `json:"Filter"`
}

type dateFilterBody struct {
	Start     *string        `json:"Start"`
	End       *string        `json:"End"`
	DateRange *dateRangeBody `json:"DateRange"`
}

type dateRangeBody struct {
	Value      *number `json:"Value"`
	Unit       *string `json:"Unit"`
	Comparison *string `json:"Comparison"`
}

type ocsfBooleanFilter struct {
	FieldName *string `json:"FieldName"`
	Filter    *struct {
		Value *bool `json:"Value"`
	} `json:"Filter"`
}

type ocsfMapFilter struct {
	FieldName *string `json:"FieldName"`
	Filter    *struct {
		Comparison *string `json:"Comparison"`
		Key        *string `json:"Key"`
		Value      *string `json:"Value"`
	} `json:"Filter"`
}

type ocsfIPFilter struct {
	FieldName *string `json:"FieldName"`
	Filter    *struct {
		Cidr *string `json:"Cidr"`
	} `json:"Filter"`
}

// The documented limits of GetFindingsV2 Filters: "You can filter up to 10
// composite filters. For each filter type inside of a composite filter, you
// can provide up to 20 filters."
const (
	maxCompositeFilters = 10
	maxFiltersPerType   = 20
)

// predicate tests one OCSF finding.
type predicate func(doc map[string]any) bool

// compileV2 holds what compiling one Filters value needs: the clock that
// DateRange filters are relative to.
type compileV2 struct {
	now time.Time
}

// compileOCSFFilters compiles GetFindingsV2 Filters. Semantics (the API
// reference says what the operators are; the rest is decided here):
//   - CompositeFilters are combined with CompositeOperator, the filters of
//     one CompositeFilter (every StringFilter, NumberFilter, …, and every
//     NestedCompositeFilter) with its Operator; both AND or OR, default AND.
//     NestedCompositeFilters nest one level (the documented three layers).
//   - A field path is looked up through arrays ("resources.type" reads the
//     type of every resource). Positive conditions hold when any value
//     does; NOT_EQUALS, PREFIX_NOT_EQUALS and NOT_CONTAINS hold when no
//     value matches the positive form, so also when the field is absent.
//   - String values are case-sensitive. CONTAINS_WORD matches the value as
//     a whole word (bounded by characters other than letters and digits).
//   - NumberFilter members form a range (AND). DateFilter Start and End are
//     inclusive; DateRange WITHIN N DAYS is now-N days <= t <= now,
//     OLDER_THAN is t < now-N days. A missing boolean is false.
//   - MapFilter fields are lists of {name, value} objects (resources.tags;
//     {name, values[]} in compliance.control_parameters) or JSON objects;
//     Key selects the entries, any of whose values may match.
//   - IpFilter Cidr is a CIDR block or a bare address.
//
// Field names must be those the SDK enumerates for each filter type.
func compileOCSFFilters(f *ocsfFindingFilters, now time.Time) (predicate, *apiError) {
	if f == nil || len(f.CompositeFilters) == 0 {
		return nil, nil
	}
	if len(f.CompositeFilters) > maxCompositeFilters {
		return nil, validation("GetFindingsV2: Filters.CompositeFilters: you can filter up to %d composite filters, got %d", maxCompositeFilters, len(f.CompositeFilters))
	}
	and, err := operator(f.CompositeOperator, "Filters.CompositeOperator")
	if err != nil {
		return nil, err
	}
	c := compileV2{now: now}
	preds := make([]predicate, 0, len(f.CompositeFilters))
	for i := range f.CompositeFilters {
		p, err := c.composite(&f.CompositeFilters[i], fmt.Sprintf("Filters.CompositeFilters[%d]", i), 0)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return combine(preds, and), nil
}

func operator(op *string, where string) (bool, *apiError) {
	if op == nil {
		return true, nil
	}
	switch *op {
	case "AND":
		return true, nil
	case "OR":
		return false, nil
	}
	return false, validation("GetFindingsV2: %s must be AND or OR, got %q", where, *op)
}

func combine(preds []predicate, and bool) predicate {
	return func(doc map[string]any) bool {
		for _, p := range preds {
			if p(doc) != and {
				return !and
			}
		}
		return and
	}
}

// fieldNames lists the names the SDK enumerates for a filter type.
func fieldNames(kind string) []string {
	var vs []string
	switch kind {
	case "StringFilters":
		for _, v := range types.OcsfStringField("").Values() {
			vs = append(vs, string(v))
		}
	case "NumberFilters":
		for _, v := range types.OcsfNumberField("").Values() {
			vs = append(vs, string(v))
		}
	case "DateFilters":
		for _, v := range types.OcsfDateField("").Values() {
			vs = append(vs, string(v))
		}
	case "BooleanFilters":
		for _, v := range types.OcsfBooleanField("").Values() {
			vs = append(vs, string(v))
		}
	case "MapFilters":
		for _, v := range types.OcsfMapField("").Values() {
			vs = append(vs, string(v))
		}
	case "IpFilters":
		for _, v := range types.OcsfIpField("").Values() {
			vs = append(vs, string(v))
		}
	}
	return vs
}

// fieldPath checks a FieldName of a filter type and splits it.
func fieldPath(name *string, kind, where string) ([]string, *apiError) {
	if name == nil || *name == "" {
		return nil, validation("GetFindingsV2: %s.FieldName is required", where)
	}
	if !slices.Contains(fieldNames(kind), *name) {
		return nil, validation("GetFindingsV2: %s.FieldName: %q is not a field %s can filter on", where, *name, kind)
	}
	return strings.Split(*name, "."), nil
}

func (c *compileV2) composite(cf *compositeFilter, where string, depth int) (predicate, *apiError) {
	and, err := operator(cf.Operator, where+".Operator")
	if err != nil {
		return nil, err
	}
	lists := []struct {
		name string
		n    int
	}{
		{"StringFilters", len(cf.StringFilters)}, {"NumberFilters", len(cf.NumberFilters)},
		{"DateFilters", len(cf.DateFilters)}, {"BooleanFilters", len(cf.BooleanFilters)},
		{"MapFilters", len(cf.MapFilters)}, {"IpFilters", len(cf.IPFilters)},
		{"NestedCompositeFilters", len(cf.NestedCompositeFilters)},
	}
	total := 0
	for _, l := range lists {
		if l.n > maxFiltersPerType {
			return nil, validation("GetFindingsV2: %s.%s: you can provide up to %d filters of each type, got %d", where, l.name, maxFiltersPerType, l.n)
		}
		total += l.n
	}
	if total == 0 {
		return nil, validation("GetFindingsV2: %s has no filters", where)
	}
	if depth > 0 && len(cf.NestedCompositeFilters) > 0 {
		return nil, validation("GetFindingsV2: %s.NestedCompositeFilters: nested composite filters nest one level (three layers in all)", where)
	}
	var preds []predicate
	add := func(p predicate, err *apiError) *apiError {
		if err == nil {
			preds = append(preds, p)
		}
		return err
	}
	for i := range cf.StringFilters {
		if err := add(stringPredicate(&cf.StringFilters[i], fmt.Sprintf("%s.StringFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.NumberFilters {
		if err := add(numberPredicate(&cf.NumberFilters[i], fmt.Sprintf("%s.NumberFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.DateFilters {
		if err := add(c.datePredicate(&cf.DateFilters[i], fmt.Sprintf("%s.DateFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.BooleanFilters {
		if err := add(booleanPredicate(&cf.BooleanFilters[i], fmt.Sprintf("%s.BooleanFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.MapFilters {
		if err := add(mapPredicate(&cf.MapFilters[i], fmt.Sprintf("%s.MapFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.IPFilters {
		if err := add(ipPredicate(&cf.IPFilters[i], fmt.Sprintf("%s.IpFilters[%d]", where, i))); err != nil {
			return nil, err
		}
	}
	for i := range cf.NestedCompositeFilters {
		if err := add(c.composite(&cf.NestedCompositeFilters[i], fmt.Sprintf("%s.NestedCompositeFilters[%d]", where, i), depth+1)); err != nil {
			return nil, err
		}
	}
	return combine(preds, and), nil
}

// stringValues returns the string leaves at a path.
func stringValues(doc map[string]any, path []string) []string {
	var out []string
	for _, v := range values(doc, path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stringMatcher returns the positive test of a comparison and whether the
// comparison is negative.
func stringMatcher(comparison, value string) (func(string) bool, bool, bool) {
	switch comparison {
	case "EQUALS":
		return func(s string) bool { return s == value }, false, true
	case "PREFIX":
		return func(s string) bool { return strings.HasPrefix(s, value) }, false, true
	case "CONTAINS":
		return func(s string) bool { return strings.Contains(s, value) }, false, true
	case "CONTAINS_WORD":
		return func(s string) bool { return containsWord(s, value) }, false, true
	case "NOT_EQUALS":
		return func(s string) bool { return s == value }, true, true
	case "PREFIX_NOT_EQUALS":
		return func(s string) bool { return strings.HasPrefix(s, value) }, true, true
	case "NOT_CONTAINS":
		return func(s string) bool { return strings.Contains(s, value) }, true, true
	}
	return nil, false, false
}

// containsWord reports whether word occurs in s bounded by non-word
// characters (anything but letters and digits) or the ends of s.
func containsWord(s, word string) bool {
	if word == "" {
		return false
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i+len(word) <= len(s); {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		before := start == 0 || !isWord(lastRune(s[:start]))
		after := end == len(s) || !isWord(firstRune(s[end:]))
		if before && after {
			return true
		}
		i = start + 1
	}
	return false
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func stringPredicate(f *ocsfStringFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "StringFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil || f.Filter.Comparison == nil || f.Filter.Value == nil {
		return nil, validation("GetFindingsV2: %s.Filter needs Comparison and Value", where)
	}
	match, negative, ok := stringMatcher(*f.Filter.Comparison, *f.Filter.Value)
	if !ok {
		return nil, validation("GetFindingsV2: %s.Filter.Comparison: %q is not one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS, CONTAINS_WORD", where, *f.Filter.Comparison)
	}
	return func(doc map[string]any) bool {
		return slices.ContainsFunc(stringValues(doc, path), match) != negative
	}, nil
}

// finiteNumber reads a NumberFilter member: a JSON number, finite.
func finiteNumber(raw json.RawMessage, where string) (*float64, *apiError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, validation("GetFindingsV2: %s must be a finite number, got %s", where, truncate(string(raw), 40))
	}
	return &f, nil
}

func numberPredicate(f *ocsfNumberFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "NumberFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil {
		return nil, validation("GetFindingsV2: %s.Filter is required", where)
	}
	type bound struct {
		v  *float64
		ok func(x, b float64) bool
	}
	var bounds []bound
	for _, m := range []struct {
		name string
		raw  json.RawMessage
		ok   func(x, b float64) bool
	}{
		{"Eq", f.Filter.Eq, func(x, b float64) bool { return x == b }},
		{"Gt", f.Filter.Gt, func(x, b float64) bool { return x > b }},
		{"Gte", f.Filter.Gte, func(x, b float64) bool { return x >= b }},
		{"Lt", f.Filter.Lt, func(x, b float64) bool { return x < b }},
		{"Lte", f.Filter.Lte, func(x, b float64) bool { return x <= b }},
	} {
		v, err := finiteNumber(m.raw, where+".Filter."+m.name)
		if err != nil {
			return nil, err
		}
		if v != nil {
			bounds = append(bounds, bound{v: v, ok: m.ok})
		}
	}
	if len(bounds) == 0 {
		return nil, validation("GetFindingsV2: %s.Filter needs Eq, Gt, Gte, Lt or Lte", where)
	}
	return func(doc map[string]any) bool {
		for _, v := range values(doc, path) {
			num, ok := v.(json.Number)
			if !ok {
				continue
			}
			x, err := num.Float64()
			if err != nil {
				continue
			}
			all := true
			for _, b := range bounds {
				if !b.ok(x, *b.v) {
					all = false
					break
				}
			}
			if all {
				return true
			}
		}
		return false
	}, nil
}

func (c *compileV2) datePredicate(f *ocsfDateFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "DateFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil {
		return nil, validation("GetFindingsV2: %s.Filter is required", where)
	}
	var tests []func(time.Time) bool
	for _, m := range []struct {
		name  string
		v     *string
		start bool
	}{{"Start", f.Filter.Start, true}, {"End", f.Filter.End, false}} {
		if m.v == nil {
			continue
		}
		t, perr := parseTimestamp(*m.v)
		if perr != nil {
			return nil, validation("GetFindingsV2: %s.Filter.%s: %v", where, m.name, perr)
		}
		if m.start {
			tests = append(tests, func(x time.Time) bool { return !x.Before(t) })
		} else {
			tests = append(tests, func(x time.Time) bool { return !x.After(t) })
		}
	}
	if dr := f.Filter.DateRange; dr != nil {
		if dr.Value == nil {
			return nil, validation("GetFindingsV2: %s.Filter.DateRange.Value is required", where)
		}
		days, verr := intIn(json.Number(*dr.Value), 0, math.MaxInt32)
		if verr != nil {
			return nil, validation("GetFindingsV2: %s.Filter.DateRange.Value %v", where, verr)
		}
		if dr.Unit == nil || *dr.Unit != "DAYS" {
			return nil, validation("GetFindingsV2: %s.Filter.DateRange.Unit must be DAYS", where)
		}
		cutoff := c.now.Add(-time.Duration(days) * 24 * time.Hour)
		now := c.now
		comparison := "WITHIN"
		if dr.Comparison != nil {
			comparison = *dr.Comparison
		}
		switch comparison {
		case "WITHIN":
			tests = append(tests, func(x time.Time) bool { return !x.Before(cutoff) && !x.After(now) })
		case "OLDER_THAN":
			tests = append(tests, func(x time.Time) bool { return x.Before(cutoff) })
		default:
			return nil, validation("GetFindingsV2: %s.Filter.DateRange.Comparison must be WITHIN or OLDER_THAN, got %q", where, comparison)
		}
	}
	if len(tests) == 0 {
		return nil, validation("GetFindingsV2: %s.Filter needs Start, End or DateRange", where)
	}
	return func(doc map[string]any) bool {
		for _, s := range stringValues(doc, path) {
			t, err := parseTimestamp(s)
			if err != nil {
				continue
			}
			all := true
			for _, test := range tests {
				if !test(t) {
					all = false
					break
				}
			}
			if all {
				return true
			}
		}
		return false
	}, nil
}

func booleanPredicate(f *ocsfBooleanFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "BooleanFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil || f.Filter.Value == nil {
		return nil, validation("GetFindingsV2: %s.Filter.Value is required", where)
	}
	want := *f.Filter.Value
	return func(doc map[string]any) bool {
		found := false
		for _, v := range values(doc, path) {
			if b, ok := v.(bool); ok {
				found = true
				if b == want {
					return true
				}
			}
		}
		return !found && !want
	}, nil
}

// mapEntries returns the values of key in the map field at path: entries
// of lists of {name, value} objects, or members of objects.
func mapEntries(doc map[string]any, path []string, key string) []string {
	var out []string
	var visit func(v any)
	visit = func(v any) {
		switch t := v.(type) {
		case []any:
			for _, el := range t {
				visit(el)
			}
		case map[string]any:
			if name, ok := t["name"].(string); ok {
				if name != key {
					return
				}
				if v, ok := t["value"]; ok && v != nil {
					out = append(out, scalarString(v))
				}
				// compliance.control_parameters: {"name", "values": [...]}
				if vs, ok := t["values"].([]any); ok {
					for _, v := range vs {
						out = append(out, scalarString(v))
					}
				}
				return
			}
			if x, ok := t[key]; ok && x != nil {
				out = append(out, scalarString(x))
			}
		}
	}
	visitPath(doc, path, visit)
	return out
}

// visitPath calls visit with every value at path (arrays on the way looked
// through; the final value given as is).
func visitPath(v any, path []string, visit func(any)) {
	if len(path) == 0 {
		visit(v)
		return
	}
	switch t := v.(type) {
	case []any:
		for _, el := range t {
			visitPath(el, path, visit)
		}
	case map[string]any:
		if next, ok := t[path[0]]; ok {
			visitPath(next, path[1:], visit)
		}
	}
}

func mapPredicate(f *ocsfMapFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "MapFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil || f.Filter.Comparison == nil || f.Filter.Key == nil || f.Filter.Value == nil {
		return nil, validation("GetFindingsV2: %s.Filter needs Comparison, Key and Value", where)
	}
	cmp := *f.Filter.Comparison
	switch cmp {
	case "EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS":
	default:
		return nil, validation("GetFindingsV2: %s.Filter.Comparison: %q is not one of EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS", where, cmp)
	}
	match, negative, _ := stringMatcher(cmp, *f.Filter.Value)
	key := *f.Filter.Key
	return func(doc map[string]any) bool {
		return slices.ContainsFunc(mapEntries(doc, path, key), match) != negative
	}, nil
}

func ipPredicate(f *ocsfIPFilter, where string) (predicate, *apiError) {
	path, err := fieldPath(f.FieldName, "IpFilters", where)
	if err != nil {
		return nil, err
	}
	if f.Filter == nil || f.Filter.Cidr == nil {
		return nil, validation("GetFindingsV2: %s.Filter.Cidr is required", where)
	}
	prefix, perr := netip.ParsePrefix(*f.Filter.Cidr)
	if perr != nil {
		addr, aerr := netip.ParseAddr(*f.Filter.Cidr)
		if aerr != nil {
			return nil, validation("GetFindingsV2: %s.Filter.Cidr: %q is not a CIDR block or an IP address", where, truncate(*f.Filter.Cidr, 60))
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	prefix = prefix.Masked()
	return func(doc map[string]any) bool {
		for _, s := range stringValues(doc, path) {
			if a, err := netip.ParseAddr(s); err == nil && prefix.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}, nil
}
