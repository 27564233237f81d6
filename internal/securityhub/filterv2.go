package securityhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// The limits one GetFindingsV2 call puts on its Filters (API reference,
// GetFindingsV2: "You can filter up to 10 composite filters. For each
// filter type inside of a composite filter, you can provide up to 20
// filters."), and the V2 poller's own time field.
const (
	// MaxCompositeFilters is the most composite filters one GetFindingsV2
	// call takes.
	MaxCompositeFilters = 10
	// MaxFiltersPerType is the most filters of one type (StringFilters,
	// DateFilters, …) one composite filter takes.
	MaxFiltersPerType = 20
	// V2CheckpointField is the OCSF date field the V2 poller sorts by and
	// keeps its checkpoint on: the time the finding was last changed
	// ("Security Hub determines when a finding is updated using the most
	// recent value of the finding modified_time_dt"). BatchUpdateFindingsV2
	// does not change it.
	V2CheckpointField = types.OcsfDateFieldFindingInfoModifiedTimeDt
)

// v2Filters reads OcsfFindingFilters JSON (as config sources.poll.filters
// holds it with api: v2) and returns it within the limits of one
// GetFindingsV2 call. A list of more than MaxFiltersPerType filters of one
// type in a top-level composite filter is moved into nested composite
// filters of at most MaxFiltersPerType each, with the composite's
// operator: since AND and OR are associative, the result selects the same
// findings, in one call. Field names must be those the SDK lists for the
// filter type. The result must also leave room for the poller's time
// filter (see v2Window). Errors name the member ("CompositeFilters[1].
// StringFilters[0].FieldName").
func v2Filters(data []byte) (*types.OcsfFindingFilters, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		data = []byte("{}")
	}
	var f types.OcsfFindingFilters
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("filters: want OcsfFindingFilters (CompositeFilters, CompositeOperator): %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("filters: more than one JSON value, or text after the object")
	}
	if err := checkOperator(f.CompositeOperator, "CompositeOperator"); err != nil {
		return nil, err
	}
	if n := len(f.CompositeFilters); n > MaxCompositeFilters {
		return nil, fmt.Errorf("filters: CompositeFilters: %d composite filters; GetFindingsV2 takes %d", n, MaxCompositeFilters)
	}
	out := &types.OcsfFindingFilters{CompositeOperator: f.CompositeOperator}
	for i := range f.CompositeFilters {
		cf, err := splitComposite(f.CompositeFilters[i], fmt.Sprintf("CompositeFilters[%d]", i))
		if err != nil {
			return nil, err
		}
		out.CompositeFilters = append(out.CompositeFilters, cf)
	}
	if _, err := v2Window(out, "2006-01-02T15:04:05Z", "2006-01-02T15:04:05Z"); err != nil {
		return nil, err
	}
	return out, nil
}

func checkOperator(op types.AllowedOperators, where string) error {
	switch op {
	case "", types.AllowedOperatorsAnd, types.AllowedOperatorsOr:
		return nil
	}
	return fmt.Errorf("filters: %s: %q is not AND or OR", where, string(op))
}

// filterList is one typed filter list of a composite filter, so that the
// six types are checked and split alike.
type filterList struct {
	name  string
	n     int
	check func(i int) error
	// chunk returns a composite filter holding the list's filters [from, to).
	chunk func(from, to int) types.CompositeFilter
	// clear removes the list from its composite filter.
	clear func()
}

// lists returns the typed filter lists of cf, checking each filter's
// field name against the names the SDK lists for its type.
func lists(cf *types.CompositeFilter, where string) []filterList {
	field := func(kind, name string, known []string, i int) error {
		if name == "" {
			return fmt.Errorf("filters: %s.%s[%d].FieldName is required", where, kind, i)
		}
		if !slices.Contains(known, name) {
			return fmt.Errorf("filters: %s.%s[%d].FieldName: %q is not a field GetFindingsV2 filters with %s (known: %s)",
				where, kind, i, name, kind, strings.Join(known, ", "))
		}
		return nil
	}
	need := func(kind string, i int, ok bool, what string) error {
		if !ok {
			return fmt.Errorf("filters: %s.%s[%d].Filter: %s", where, kind, i, what)
		}
		return nil
	}
	return []filterList{
		{name: "StringFilters", n: len(cf.StringFilters),
			check: func(i int) error {
				f := cf.StringFilters[i]
				if err := field("StringFilters", string(f.FieldName), enumStrings(types.OcsfStringField("").Values()), i); err != nil {
					return err
				}
				if err := need("StringFilters", i, f.Filter != nil && f.Filter.Value != nil, "needs Comparison and Value"); err != nil {
					return err
				}
				return need("StringFilters", i, slices.Contains(types.StringFilterComparison("").Values(), f.Filter.Comparison),
					fmt.Sprintf("Comparison %q is not one of %s", f.Filter.Comparison, strings.Join(enumStrings(types.StringFilterComparison("").Values()), ", ")))
			},
			chunk: func(a, b int) types.CompositeFilter {
				return types.CompositeFilter{StringFilters: cf.StringFilters[a:b]}
			},
			clear: func() { cf.StringFilters = nil }},
		{name: "NumberFilters", n: len(cf.NumberFilters),
			check: func(i int) error {
				f := cf.NumberFilters[i]
				if err := field("NumberFilters", string(f.FieldName), enumStrings(types.OcsfNumberField("").Values()), i); err != nil {
					return err
				}
				return need("NumberFilters", i, f.Filter != nil && (f.Filter.Eq != nil || f.Filter.Gt != nil || f.Filter.Gte != nil || f.Filter.Lt != nil || f.Filter.Lte != nil),
					"needs Eq, Gt, Gte, Lt or Lte")
			},
			chunk: func(a, b int) types.CompositeFilter {
				return types.CompositeFilter{NumberFilters: cf.NumberFilters[a:b]}
			},
			clear: func() { cf.NumberFilters = nil }},
		{name: "DateFilters", n: len(cf.DateFilters),
			check: func(i int) error {
				f := cf.DateFilters[i]
				if err := field("DateFilters", string(f.FieldName), enumStrings(types.OcsfDateField("").Values()), i); err != nil {
					return err
				}
				return need("DateFilters", i, f.Filter != nil && (f.Filter.Start != nil || f.Filter.End != nil || f.Filter.DateRange != nil),
					"needs Start, End or DateRange")
			},
			chunk: func(a, b int) types.CompositeFilter { return types.CompositeFilter{DateFilters: cf.DateFilters[a:b]} },
			clear: func() { cf.DateFilters = nil }},
		{name: "BooleanFilters", n: len(cf.BooleanFilters),
			check: func(i int) error {
				f := cf.BooleanFilters[i]
				if err := field("BooleanFilters", string(f.FieldName), enumStrings(types.OcsfBooleanField("").Values()), i); err != nil {
					return err
				}
				return need("BooleanFilters", i, f.Filter != nil && f.Filter.Value != nil, "needs Value")
			},
			chunk: func(a, b int) types.CompositeFilter {
				return types.CompositeFilter{BooleanFilters: cf.BooleanFilters[a:b]}
			},
			clear: func() { cf.BooleanFilters = nil }},
		{name: "MapFilters", n: len(cf.MapFilters),
			check: func(i int) error {
				f := cf.MapFilters[i]
				if err := field("MapFilters", string(f.FieldName), enumStrings(types.OcsfMapField("").Values()), i); err != nil {
					return err
				}
				if err := need("MapFilters", i, f.Filter != nil && f.Filter.Key != nil && f.Filter.Value != nil, "needs Comparison, Key and Value"); err != nil {
					return err
				}
				return need("MapFilters", i, slices.Contains(types.MapFilterComparison("").Values(), f.Filter.Comparison),
					fmt.Sprintf("Comparison %q is not one of %s", f.Filter.Comparison, strings.Join(enumStrings(types.MapFilterComparison("").Values()), ", ")))
			},
			chunk: func(a, b int) types.CompositeFilter { return types.CompositeFilter{MapFilters: cf.MapFilters[a:b]} },
			clear: func() { cf.MapFilters = nil }},
		{name: "IpFilters", n: len(cf.IpFilters),
			check: func(i int) error {
				f := cf.IpFilters[i]
				if err := field("IpFilters", string(f.FieldName), enumStrings(types.OcsfIpField("").Values()), i); err != nil {
					return err
				}
				return need("IpFilters", i, f.Filter != nil && f.Filter.Cidr != nil, "needs Cidr")
			},
			chunk: func(a, b int) types.CompositeFilter { return types.CompositeFilter{IpFilters: cf.IpFilters[a:b]} },
			clear: func() { cf.IpFilters = nil }},
	}
}

// enumStrings converts an SDK enum's Values to strings.
func enumStrings[E ~string](vs []E) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// splitComposite checks one top-level composite filter and moves each of
// its over-long filter lists into nested composite filters.
func splitComposite(cf types.CompositeFilter, where string) (types.CompositeFilter, error) {
	if err := checkOperator(cf.Operator, where+".Operator"); err != nil {
		return cf, err
	}
	total := len(cf.NestedCompositeFilters)
	for i := range cf.NestedCompositeFilters {
		nested := &cf.NestedCompositeFilters[i]
		nw := fmt.Sprintf("%s.NestedCompositeFilters[%d]", where, i)
		if len(nested.NestedCompositeFilters) > 0 {
			return cf, fmt.Errorf("filters: %s.NestedCompositeFilters: composite filters nest one level deep (three layers in all)", nw)
		}
		if err := checkOperator(nested.Operator, nw+".Operator"); err != nil {
			return cf, err
		}
		n := 0
		for _, l := range lists(nested, nw) {
			if l.n > MaxFiltersPerType {
				return cf, fmt.Errorf("filters: %s.%s: %d filters; a nested composite filter takes %d of each type (only top-level lists are split)",
					nw, l.name, l.n, MaxFiltersPerType)
			}
			for j := range l.n {
				if err := l.check(j); err != nil {
					return cf, err
				}
			}
			n += l.n
		}
		if n == 0 {
			return cf, fmt.Errorf("filters: %s has no filters", nw)
		}
	}
	out := cf
	out.NestedCompositeFilters = slices.Clone(cf.NestedCompositeFilters)
	for _, l := range lists(&out, where) {
		total += l.n
		for j := range l.n {
			if err := l.check(j); err != nil {
				return cf, err
			}
		}
		if l.n <= MaxFiltersPerType {
			continue
		}
		for from := 0; from < l.n; from += MaxFiltersPerType {
			chunk := l.chunk(from, min(from+MaxFiltersPerType, l.n))
			chunk.Operator = cf.Operator
			out.NestedCompositeFilters = append(out.NestedCompositeFilters, chunk)
		}
		l.clear()
	}
	if total == 0 {
		return cf, fmt.Errorf("filters: %s has no filters", where)
	}
	if n := len(out.NestedCompositeFilters); n > MaxFiltersPerType {
		return cf, fmt.Errorf("filters: %s: %d nested composite filters after splitting the long lists into lists of %d; GetFindingsV2 takes %d",
			where, n, MaxFiltersPerType, MaxFiltersPerType)
	}
	return out, nil
}

// v2Window returns f with the poller's time filter added: V2CheckpointField
// from start to end (inclusive), AND the findings f selects. Under AND (the
// default) the time filter is one more composite filter, so f may have at
// most MaxCompositeFilters-1; under OR, f's composite filters become the
// nested filters of one composite filter, so none of them may nest
// already. f is not changed.
func v2Window(f *types.OcsfFindingFilters, start, end string) (*types.OcsfFindingFilters, error) {
	window := types.CompositeFilter{DateFilters: []types.OcsfDateFilter{{
		FieldName: V2CheckpointField,
		Filter:    &types.DateFilter{Start: aws.String(start), End: aws.String(end)},
	}}}
	if f == nil || len(f.CompositeFilters) == 0 {
		return &types.OcsfFindingFilters{CompositeFilters: []types.CompositeFilter{window}}, nil
	}
	if f.CompositeOperator != types.AllowedOperatorsOr || len(f.CompositeFilters) == 1 {
		if len(f.CompositeFilters) >= MaxCompositeFilters {
			return nil, fmt.Errorf("filters: CompositeFilters: %d composite filters; GetFindingsV2 takes %d and the poller adds one for %s, so at most %d",
				len(f.CompositeFilters), MaxCompositeFilters, V2CheckpointField, MaxCompositeFilters-1)
		}
		return &types.OcsfFindingFilters{
			CompositeFilters:  append(slices.Clone(f.CompositeFilters), window),
			CompositeOperator: types.AllowedOperatorsAnd,
		}, nil
	}
	for i, cf := range f.CompositeFilters {
		if len(cf.NestedCompositeFilters) > 0 {
			return nil, fmt.Errorf("filters: CompositeFilters[%d]: under CompositeOperator OR the poller nests the composite filters to AND them with its %s filter, "+
				"and nested composite filters (yours, or made from a list of more than %d filters) cannot nest again: use AND, or shorter lists",
				i, V2CheckpointField, MaxFiltersPerType)
		}
	}
	return &types.OcsfFindingFilters{
		CompositeFilters: []types.CompositeFilter{
			{NestedCompositeFilters: slices.Clone(f.CompositeFilters), Operator: types.AllowedOperatorsOr},
			window,
		},
		CompositeOperator: types.AllowedOperatorsAnd,
	}, nil
}
