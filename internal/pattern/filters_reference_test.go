package pattern

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// referenceAttributes are the StringFilter attributes the differential test
// draws from: single-valued in every fixture, with ProductName and
// CompanyName read from two fields.
var referenceAttributes = []string{
	"AwsAccountId", "SeverityLabel", "ComplianceStatus", "WorkflowStatus", "RecordState", "Title",
	"Region", "GeneratorId", "ProductName", "CompanyName", "ResourceType", "ResourceRegion",
	"Description", "NoteText", "Type", "WorkflowState", "ProductArn",
}

// referenceFilter is one StringFilter of a generated filter set.
type referenceFilter struct{ Comparison, Value string }

// TestFiltersAgreeWithReference compiles random StringFilter sets through
// FromFilters and checks every fixture against a direct evaluation of the
// documented rules: attributes AND'ed; per field (no positive filter, or
// one matches) and every negative filter holds, an absent field passing
// negative filters; ProductName and CompanyName taken from either field for
// positive filters and from both for negative ones.
func TestFiltersAgreeWithReference(t *testing.T) {
	fixtures := loadFilterFixtures(t)
	names := slices.Sorted(maps.Keys(fixtures))
	values := map[string][]string{}
	for _, attr := range referenceAttributes {
		for _, n := range names {
			values[attr] = append(values[attr], fieldValues(fixtures[n].finding, attr)...)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 800 {
		filters := map[string][]referenceFilter{}
		for range 1 + r.IntN(3) {
			attr := referenceAttributes[r.IntN(len(referenceAttributes))]
			filters[attr] = randomStringFilters(r, values[attr])
		}
		raw, err := json.Marshal(filters)
		if err != nil {
			t.Fatal(err)
		}
		p, err := FromFilters(raw)
		if err != nil {
			t.Fatalf("FromFilters(%s): %v", raw, err)
		}
		for _, n := range names {
			want := referenceMatch(fixtures[n].finding, filters)
			got, err := p.MatchAt(fixtures[n].event, filterFixtureNow)
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if got != want {
				pat, _ := FiltersToPattern(raw)
				t.Fatalf("fixture %s, filters %s: pattern says %v, reference says %v\npattern: %s", n, raw, got, want, pat)
			}
		}
	}
}

// randomStringFilters draws 1 to 4 filters of one allowed operator mix,
// with values taken from the fixtures, cut down, or made up (including the
// wildcard metacharacters).
func randomStringFilters(r *rand.Rand, known []string) []referenceFilter {
	mixes := [][]string{
		{cmpEquals, cmpPrefix},
		{cmpPrefix, cmpNotEquals, cmpPrefixNotEquals},
		{cmpNotEquals, cmpPrefixNotEquals},
		{cmpContains},
		{cmpNotContains},
		{cmpEquals},
	}
	mix := mixes[r.IntN(len(mixes))]
	out := make([]referenceFilter, 1+r.IntN(4))
	for i := range out {
		out[i] = referenceFilter{Comparison: mix[r.IntN(len(mix))], Value: randomValue(r, known)}
	}
	return out
}

func randomValue(r *rand.Rand, known []string) string {
	if len(known) == 0 || r.IntN(5) == 0 {
		return []string{"", "*", `\`, `a*b`, "NEW", "Security", "x"}[r.IntN(7)]
	}
	v := known[r.IntN(len(known))]
	runes := []rune(v)
	switch r.IntN(3) {
	case 0:
		return v
	case 1:
		return string(runes[:r.IntN(len(runes)+1)])
	default:
		from := r.IntN(len(runes) + 1)
		return string(runes[from : from+r.IntN(len(runes)-from+1)])
	}
}

// fieldValues returns the string values at an attribute's field in a
// decoded finding (both fields for ProductName and CompanyName).
func fieldValues(finding map[string]any, attr string) []string {
	a := filterAttributes[attr]
	out := valuesAt(finding, a.path)
	if a.alt != nil {
		out = append(out, valuesAt(finding, a.alt)...)
	}
	return out
}

func valuesAt(v any, path []string) []string {
	switch t := v.(type) {
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, valuesAt(e, path)...)
		}
		return out
	case map[string]any:
		if len(path) == 0 {
			return nil
		}
		return valuesAt(t[path[0]], path[1:])
	case string:
		if len(path) == 0 {
			return []string{t}
		}
	}
	return nil
}

func referenceMatch(finding map[string]any, filters map[string][]referenceFilter) bool {
	for attr, list := range filters {
		a := filterAttributes[attr]
		fields := [][]string{valuesAt(finding, a.path)}
		if a.alt != nil {
			fields = append(fields, valuesAt(finding, a.alt))
		}
		var positive, negative []referenceFilter
		for _, f := range list {
			switch f.Comparison {
			case cmpEquals, cmpPrefix, cmpContains:
				positive = append(positive, f)
			default:
				negative = append(negative, f)
			}
		}
		if len(fields) == 1 {
			// One field: some value must satisfy the positive filters and
			// the negative ones together (or, absent, only negatives).
			vals := fields[0]
			if len(vals) == 0 {
				if len(positive) > 0 {
					return false
				}
				continue
			}
			if !slices.ContainsFunc(vals, func(v string) bool {
				return (len(positive) == 0 || anyHolds(v, positive)) && allHold(v, negative)
			}) {
				return false
			}
			continue
		}
		if len(positive) > 0 && !slices.ContainsFunc(fields, func(vals []string) bool {
			return slices.ContainsFunc(vals, func(v string) bool { return anyHolds(v, positive) })
		}) {
			return false
		}
		for _, vals := range fields {
			if len(vals) > 0 && !slices.ContainsFunc(vals, func(v string) bool { return allHold(v, negative) }) {
				return false
			}
		}
	}
	return true
}

func anyHolds(v string, filters []referenceFilter) bool {
	return slices.ContainsFunc(filters, func(f referenceFilter) bool { return holds(v, f) })
}

func allHold(v string, filters []referenceFilter) bool {
	for _, f := range filters {
		if !holds(v, f) {
			return false
		}
	}
	return true
}

func holds(v string, f referenceFilter) bool {
	switch f.Comparison {
	case cmpEquals:
		return v == f.Value
	case cmpPrefix:
		return strings.HasPrefix(v, f.Value)
	case cmpContains:
		return strings.Contains(v, f.Value)
	case cmpNotEquals:
		return v != f.Value
	case cmpPrefixNotEquals:
		return !strings.HasPrefix(v, f.Value)
	case cmpNotContains:
		return !strings.Contains(v, f.Value)
	}
	panic(fmt.Sprintf("unknown comparison %q", f.Comparison))
}
