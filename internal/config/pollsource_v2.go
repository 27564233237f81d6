package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// The APIs sources.poll.api names.
const (
	// PollAPIv1 polls GetFindings: the ASFF findings of Security Hub CSPM.
	// Filters are AwsSecurityFindingFilters.
	PollAPIv1 = "v1"
	// PollAPIv2 polls GetFindingsV2: the OCSF findings of Security Hub.
	// Filters are OcsfFindingFilters.
	PollAPIv2 = "v2"
)

// The limits of GetFindingsV2 Filters, from the API reference: "You can
// filter up to 10 composite filters. For each filter type inside of a
// composite filter, you can provide up to 20 filters."
const (
	// MaxPollCompositeFilters is the most composite filters one
	// GetFindingsV2 call takes.
	MaxPollCompositeFilters = 10
	// MaxPollFiltersPerType is the most filters of one type one composite
	// filter takes.
	MaxPollFiltersPerType = 20
)

// v2FilterTypes are the typed filter lists of a CompositeFilter and the
// members of one filter's Filter object.
var v2FilterTypes = map[string][]string{
	"StringFilters":  {"Comparison", "Value"},
	"NumberFilters":  {"Eq", "Gt", "Gte", "Lt", "Lte"},
	"DateFilters":    {"Start", "End", "DateRange"},
	"BooleanFilters": {"Value"},
	"MapFilters":     {"Comparison", "Key", "Value"},
	"IpFilters":      {"Cidr"},
}

// v2TypeOrder lists v2FilterTypes in the order the API reference does.
var v2TypeOrder = []string{"StringFilters", "NumberFilters", "DateFilters", "BooleanFilters", "MapFilters", "IpFilters"}

// The enumerations of the V2 filters (service/securityhub types).
var (
	v2StringComparisons = []string{"EQUALS", "PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "CONTAINS_WORD"}
	v2MapComparisons    = []string{"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS"}
	v2Operators         = []string{"AND", "OR"}
)

// decodePollAPI reads sources.poll.api; default PollAPIv1.
func (l *loader) decodePollAPI(o *object, path string) (string, bool) {
	if !o.has("api") {
		return PollAPIv1, true
	}
	s, ok := l.stringValue(o.value("api"), path+".api")
	if !ok {
		return "", false
	}
	switch strings.ToLower(s) {
	case PollAPIv1:
		return PollAPIv1, true
	case PollAPIv2:
		return PollAPIv2, true
	}
	l.errorf(o.value("api"), "%s.api: %q is not v1 (GetFindings: ASFF findings of Security Hub CSPM) or v2 (GetFindingsV2: OCSF findings of Security Hub)", path, s)
	return "", false
}

// pollFiltersV2 reads and checks OcsfFindingFilters for api: v2, returning
// them as JSON: the shape, the operators and comparisons, and the limits
// of one GetFindingsV2 call after the poller has done its part (lists of
// more than MaxPollFiltersPerType filters in a top-level composite filter
// moved into nested composite filters, and its filter on
// finding_info.modified_time_dt added). Field names are checked by the
// poller, against the AWS SDK's lists, when it starts.
func (l *loader) pollFiltersV2(node ast.Node, where string) ([]byte, bool) {
	doc := l.matchDocument(node, where)
	if doc == nil {
		return nil, false
	}
	if doc.kind != jsonObject {
		l.errorf(node, "%s: want OcsfFindingFilters, a mapping of CompositeFilters and CompositeOperator (or a JSON object), got %s", where, doc.describe())
		return nil, false
	}
	// A whole GetFindingsV2 request pasted from the CLI: keep its Filters.
	if f := doc.child("Filters"); f != nil {
		if f.kind != jsonObject {
			l.errorAt(f.pos, "%s: Filters: want an object of CompositeFilters and CompositeOperator, got %s", where, f.describe())
			return nil, false
		}
		doc = f
	}
	c := v2Checker{l: l, where: where, valid: true}
	c.filters(doc)
	if list := doc.child("CompositeFilters"); c.valid && (list == nil || len(list.elems) == 0) {
		l.warnf(node, "%s: no composite filters: reads every finding", where)
	}
	return doc.appendJSON(nil), c.valid
}

// v2Checker reports what is wrong with V2 filters.
type v2Checker struct {
	l     *loader
	where string
	valid bool
}

func (c *v2Checker) errorf(v *jsonValue, format string, args ...any) {
	c.l.errorAt(v.pos, "%s: %s", c.where, fmt.Sprintf(format, args...))
	c.valid = false
}

// members checks that v is an object with only the given members, and
// returns false after reporting the first problem.
func (c *v2Checker) members(v *jsonValue, path string, allowed []string, hint func(key string) string) bool {
	if v.kind != jsonObject {
		c.errorf(v, "%s: want an object, got %s", path, v.describe())
		return false
	}
	ok := true
	for i, k := range v.keys {
		if !slices.Contains(allowed, k) {
			msg := suggest(k, allowed)
			if hint != nil {
				if h := hint(k); h != "" {
					msg = h
				}
			}
			c.errorf(v.elems[i], "%s: unknown member %q; it has %s%s", path, k, strings.Join(allowed, ", "), msg)
			ok = false
		}
	}
	return ok
}

// oneOf checks that v is a string among allowed.
func (c *v2Checker) oneOf(v *jsonValue, path string, allowed []string) {
	if v.kind != jsonString || !slices.Contains(allowed, v.text) {
		shown := v.text
		if v.kind != jsonString {
			shown = v.describe()
		}
		c.errorf(v, "%s: want one of %s, got %s", path, strings.Join(allowed, ", "), quoteIfString(v, shown))
	}
}

func quoteIfString(v *jsonValue, shown string) string {
	if v.kind == jsonString {
		return fmt.Sprintf("%q", shown)
	}
	return shown
}

func (c *v2Checker) kind(v *jsonValue, path string, want jsonKind, name string) bool {
	if v.kind != want {
		c.errorf(v, "%s: want %s, got %s", path, name, v.describe())
		return false
	}
	return true
}

// asffHint explains an AwsSecurityFindingFilters attribute met where V2
// filters belong.
func asffHint(key string) string {
	if key != "" && key[0] >= 'A' && key[0] <= 'Z' && !strings.HasSuffix(key, "Filters") && key != "CompositeOperator" {
		return fmt.Sprintf(" (%s looks like a GetFindings (ASFF) filter; with api: v2 filters are OcsfFindingFilters, e.g. "+
			"{CompositeFilters: [{StringFilters: [{FieldName: cloud.account.uid, Filter: {Comparison: EQUALS, Value: \"111111111111\"}}]}]})", key)
	}
	return ""
}

func (c *v2Checker) filters(doc *jsonValue) {
	if !c.members(doc, "filters", []string{"CompositeFilters", "CompositeOperator"}, asffHint) {
		return
	}
	or := false
	if op := doc.child("CompositeOperator"); op != nil {
		c.oneOf(op, "CompositeOperator", v2Operators)
		or = op.kind == jsonString && op.text == "OR"
	}
	list := doc.child("CompositeFilters")
	if list == nil || list.kind == jsonNull {
		return
	}
	if !c.kind(list, "CompositeFilters", jsonArray, "a list of composite filters") {
		return
	}
	n := len(list.elems)
	switch {
	case n > MaxPollCompositeFilters:
		c.errorf(list, "CompositeFilters: %d composite filters; GetFindingsV2 takes %d", n, MaxPollCompositeFilters)
	case n == MaxPollCompositeFilters && (!or || n == 1):
		c.errorf(list, "CompositeFilters: %d composite filters; GetFindingsV2 takes %d and the poller adds one for finding_info.modified_time_dt, so at most %d",
			n, MaxPollCompositeFilters, MaxPollCompositeFilters-1)
	}
	for i, cf := range list.elems {
		path := fmt.Sprintf("CompositeFilters[%d]", i)
		nests := c.composite(cf, path, false)
		if or && n > 1 && nests {
			c.errorf(cf, "%s: under CompositeOperator OR the poller nests the composite filters to AND them with its finding_info.modified_time_dt filter, "+
				"and nested composite filters (yours, or made from a list of more than %d filters) cannot nest again: use AND, or shorter lists", path, MaxPollFiltersPerType)
		}
	}
}

// composite checks one composite filter and reports whether it has, or the
// poller will give it, nested composite filters.
func (c *v2Checker) composite(cf *jsonValue, path string, nested bool) bool {
	allowed := append(slices.Clone(v2TypeOrder), "NestedCompositeFilters", "Operator")
	if !c.members(cf, path, allowed, nil) {
		return false
	}
	if op := cf.child("Operator"); op != nil {
		c.oneOf(op, path+".Operator", v2Operators)
	}
	total, nests := 0, 0
	for _, typ := range v2TypeOrder {
		list := cf.child(typ)
		if list == nil || list.kind == jsonNull {
			continue
		}
		lpath := path + "." + typ
		if !c.kind(list, lpath, jsonArray, "a list of filters") {
			continue
		}
		n := len(list.elems)
		total += n
		if n > MaxPollFiltersPerType {
			if nested {
				c.errorf(list, "%s: %d filters; a nested composite filter takes %d of each type (only top-level lists are split)", lpath, n, MaxPollFiltersPerType)
			}
			nests += (n + MaxPollFiltersPerType - 1) / MaxPollFiltersPerType
		}
		for j, f := range list.elems {
			c.filter(f, fmt.Sprintf("%s[%d]", lpath, j), typ)
		}
	}
	if list := cf.child("NestedCompositeFilters"); list != nil && list.kind != jsonNull {
		lpath := path + ".NestedCompositeFilters"
		if nested {
			c.errorf(list, "%s: composite filters nest one level deep (three layers in all)", lpath)
		} else if c.kind(list, lpath, jsonArray, "a list of composite filters") {
			total += len(list.elems)
			nests += len(list.elems)
			for j, n := range list.elems {
				c.composite(n, fmt.Sprintf("%s[%d]", lpath, j), true)
			}
		}
	}
	if total == 0 {
		c.errorf(cf, "%s has no filters", path)
	}
	if nests > MaxPollFiltersPerType {
		c.errorf(cf, "%s: %d nested composite filters once the long lists are split into lists of %d; GetFindingsV2 takes %d",
			path, nests, MaxPollFiltersPerType, MaxPollFiltersPerType)
	}
	return nests > 0
}

// filter checks one {FieldName, Filter} of a typed list.
func (c *v2Checker) filter(f *jsonValue, path, typ string) {
	if !c.members(f, path, []string{"FieldName", "Filter"}, nil) {
		return
	}
	name := f.child("FieldName")
	if name == nil {
		c.errorf(f, "%s: FieldName is required", path)
	} else if c.kind(name, path+".FieldName", jsonString, "an OCSF field name such as cloud.account.uid") && name.text == "" {
		c.errorf(name, "%s.FieldName is empty", path)
	}
	body := f.child("Filter")
	if body == nil {
		c.errorf(f, "%s: Filter is required", path)
		return
	}
	fpath := path + ".Filter"
	if !c.members(body, fpath, v2FilterTypes[typ], nil) {
		return
	}
	need := func(keys ...string) {
		for _, k := range keys {
			if body.child(k) == nil {
				c.errorf(body, "%s: %s is required", fpath, k)
			}
		}
	}
	str := func(k string) {
		if v := body.child(k); v != nil {
			c.kind(v, fpath+"."+k, jsonString, "a string")
		}
	}
	switch typ {
	case "StringFilters", "MapFilters":
		comparisons := v2StringComparisons
		need("Comparison", "Value")
		if typ == "MapFilters" {
			comparisons = v2MapComparisons
			need("Key")
			str("Key")
		}
		if v := body.child("Comparison"); v != nil {
			c.oneOf(v, fpath+".Comparison", comparisons)
		}
		str("Value")
	case "NumberFilters":
		if len(body.keys) == 0 {
			c.errorf(body, "%s: give Eq, Gt, Gte, Lt or Lte", fpath)
		}
		for i, k := range body.keys {
			c.kind(body.elems[i], fpath+"."+k, jsonNumber, "a number")
		}
	case "DateFilters":
		if len(body.keys) == 0 {
			c.errorf(body, "%s: give Start, End or DateRange", fpath)
		}
		str("Start")
		str("End")
		if dr := body.child("DateRange"); dr != nil && c.members(dr, fpath+".DateRange", []string{"Value", "Unit", "Comparison"}, nil) {
			if v := dr.child("Value"); v == nil {
				c.errorf(dr, "%s.DateRange: Value is required", fpath)
			} else if v.kind != jsonNumber || !digitsOnly(v.text) {
				c.errorf(v, "%s.DateRange.Value: want a whole number of days, got %s", fpath, v.describe())
			}
			if v := dr.child("Unit"); v == nil {
				c.errorf(dr, "%s.DateRange: Unit is required", fpath)
			} else {
				c.oneOf(v, fpath+".DateRange.Unit", []string{"DAYS"})
			}
			if v := dr.child("Comparison"); v != nil {
				c.oneOf(v, fpath+".DateRange.Comparison", []string{"WITHIN", "OLDER_THAN"})
			}
		}
	case "BooleanFilters":
		need("Value")
		if v := body.child("Value"); v != nil {
			c.kind(v, fpath+".Value", jsonBool, "true or false")
		}
	case "IpFilters":
		need("Cidr")
		str("Cidr")
	}
}
