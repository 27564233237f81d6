package securityhub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

func stringFilters(n int, field string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"FieldName":%q,"Filter":{"Comparison":"EQUALS","Value":"%012d"}}`, field, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// shape describes filters as "op[composite, …]" where a composite is
// "op(S20 N1 …, nested: op(S5) …)": the operator and the count of each
// type of filter.
func shape(f *types.OcsfFindingFilters) string {
	var composite func(cf types.CompositeFilter) string
	composite = func(cf types.CompositeFilter) string {
		var parts []string
		for _, l := range lists(&cf, "") {
			if l.n > 0 {
				parts = append(parts, fmt.Sprintf("%c%d", l.name[0], l.n))
			}
		}
		if len(cf.NestedCompositeFilters) > 0 {
			var nested []string
			for _, n := range cf.NestedCompositeFilters {
				nested = append(nested, composite(n))
			}
			parts = append(parts, "nested: "+strings.Join(nested, " "))
		}
		return string(cf.Operator) + "(" + strings.Join(parts, " ") + ")"
	}
	var cs []string
	for _, cf := range f.CompositeFilters {
		cs = append(cs, composite(cf))
	}
	return string(f.CompositeOperator) + "[" + strings.Join(cs, ", ") + "]"
}

func TestV2Filters(t *testing.T) {
	tests := []struct {
		name, filters, want string
	}{
		{"empty", `{}`, "[]"},
		{"null", `null`, "[]"},
		{"short lists stay", `{"CompositeFilters":[{"Operator":"OR","StringFilters":` + stringFilters(20, "cloud.account.uid") + `}]}`, "[OR(S20)]"},
		{"45 accounts under OR: three nested lists under OR", `{"CompositeFilters":[{"Operator":"OR","StringFilters":` + stringFilters(45, "cloud.account.uid") + `}]}`,
			"[OR(nested: OR(S20) OR(S20) OR(S5))]"},
		{"a long list beside others under AND", `{"CompositeOperator":"AND","CompositeFilters":[{"StringFilters":` + stringFilters(21, "resources.uid") +
			`,"NumberFilters":[{"FieldName":"severity_id","Filter":{"Gte":4}}],"NestedCompositeFilters":[{"StringFilters":` + stringFilters(1, "severity") + `}]}]}`,
			"AND[(N1 nested: (S1) (S20) (S1))]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := v2Filters([]byte(tt.filters))
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(f); got != tt.want {
				t.Errorf("shape = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestV2Window(t *testing.T) {
	one := `{"StringFilters":[{"FieldName":"severity","Filter":{"Comparison":"EQUALS","Value":"High"}}]}`
	tests := []struct {
		name, filters, want string
	}{
		{"no filters", `{}`, "[(D1)]"},
		{"AND: one more composite", `{"CompositeFilters":[` + one + `,` + one + `]}`, "AND[(S1), (S1), (D1)]"},
		{"OR of one is AND", `{"CompositeOperator":"OR","CompositeFilters":[` + one + `]}`, "AND[(S1), (D1)]"},
		{"OR: nested, then AND", `{"CompositeOperator":"OR","CompositeFilters":[` + one + `,` + one + `]}`, "AND[OR(nested: (S1) (S1)), (D1)]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := v2Filters([]byte(tt.filters))
			if err != nil {
				t.Fatal(err)
			}
			before := shape(f)
			w, err := v2Window(f, "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z")
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(w); got != tt.want {
				t.Errorf("shape = %s, want %s", got, tt.want)
			}
			if shape(f) != before {
				t.Errorf("v2Window changed its argument: %s, was %s", shape(f), before)
			}
			d := w.CompositeFilters[len(w.CompositeFilters)-1].DateFilters[0]
			if d.FieldName != V2CheckpointField || *d.Filter.Start != "2026-11-01T00:00:00Z" || *d.Filter.End != "2026-11-03T00:00:00Z" {
				t.Errorf("time filter = %+v %+v", d, d.Filter)
			}
		})
	}
}

// FuzzV2Filters feeds arbitrary JSON as V2 poll filters: v2Filters never
// panics; what it accepts is within the documented GetFindingsV2 limits
// with and without the poller's time filter, and keeps every filter it
// was given, once.
func FuzzV2Filters(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"CompositeFilters":[{"Operator":"OR","StringFilters":` + stringFilters(45, "cloud.account.uid") + `}]}`,
		`{"CompositeOperator":"OR","CompositeFilters":[{"StringFilters":` + stringFilters(2, "severity") + `},{"BooleanFilters":[{"FieldName":"compliance.assessments.meets_criteria","Filter":{"Value":true}}]}]}`,
		`{"CompositeFilters":[{"DateFilters":[{"FieldName":"finding_info.created_time_dt","Filter":{"DateRange":{"Value":7,"Unit":"DAYS"}}}],"MapFilters":[{"FieldName":"resources.tags","Filter":{"Comparison":"EQUALS","Key":"env","Value":"prod"}}]}]}`,
		`{"CompositeFilters":[{"IpFilters":[{"FieldName":"evidences.src_endpoint.ip","Filter":{"Cidr":"10.0.0.0/8"}}],"NestedCompositeFilters":[{"NumberFilters":[{"FieldName":"severity_id","Filter":{"Gt":1,"Lt":5}}]}]}]}`,
		`{"CompositeFilters":[{}]}`,
		`[1]`,
		`{"CompositeFilters":[{"NestedCompositeFilters":[{"NestedCompositeFilters":[]}]}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		got, err := v2Filters([]byte(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "filters: ") {
				t.Fatalf("error %q does not say it is about the filters", err)
			}
			return
		}
		var in types.OcsfFindingFilters
		if err := json.Unmarshal([]byte(data), &in); err != nil && strings.TrimSpace(data) != "" {
			t.Fatalf("accepted %q, which does not decode: %v", data, err)
		}
		if n, m := countFilters(in.CompositeFilters), countFilters(got.CompositeFilters); n != m {
			t.Fatalf("%d filters in, %d out: %s", n, m, shape(got))
		}
		for _, w := range []*types.OcsfFindingFilters{got, mustWindow(t, got)} {
			if err := withinLimits(w); err != nil {
				t.Fatalf("%s: %v", shape(w), err)
			}
		}
	})
}

func mustWindow(t *testing.T, f *types.OcsfFindingFilters) *types.OcsfFindingFilters {
	t.Helper()
	w, err := v2Window(f, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z")
	if err != nil {
		t.Fatalf("v2Filters accepted %s, but v2Window refuses it: %v", shape(f), err)
	}
	return w
}

func countFilters(cfs []types.CompositeFilter) int {
	n := 0
	for i := range cfs {
		for _, l := range lists(&cfs[i], "") {
			n += l.n
		}
		n += countFilters(cfs[i].NestedCompositeFilters)
	}
	return n
}

// withinLimits checks the documented limits of GetFindingsV2 Filters.
func withinLimits(f *types.OcsfFindingFilters) error {
	if len(f.CompositeFilters) > MaxCompositeFilters {
		return fmt.Errorf("%d composite filters", len(f.CompositeFilters))
	}
	var check func(cf types.CompositeFilter, depth int) error
	check = func(cf types.CompositeFilter, depth int) error {
		total := len(cf.NestedCompositeFilters)
		if total > MaxFiltersPerType {
			return fmt.Errorf("%d nested composite filters", total)
		}
		if depth > 0 && total > 0 {
			return fmt.Errorf("nested %d deep", depth+1)
		}
		for _, l := range lists(&cf, "") {
			if l.n > MaxFiltersPerType {
				return fmt.Errorf("%d %s", l.n, l.name)
			}
			total += l.n
		}
		if total == 0 {
			return fmt.Errorf("an empty composite filter")
		}
		for _, n := range cf.NestedCompositeFilters {
			if err := check(n, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, cf := range f.CompositeFilters {
		if err := check(cf, 0); err != nil {
			return err
		}
	}
	return nil
}
