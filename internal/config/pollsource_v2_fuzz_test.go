package config

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzPollSourceV2 feeds arbitrary text as the OcsfFindingFilters of
// sources.poll with api: v2 (as YAML and as a pasted JSON string): Parse
// never panics, errors are positioned, and what it accepts is a JSON object
// of composite filters within the GetFindingsV2 limits, with room for the
// poller's time filter.
func FuzzPollSourceV2(f *testing.F) {
	for _, seed := range []string{
		`{CompositeFilters: [{Operator: OR, StringFilters: ` + accountsV2(25) + `}]}`,
		`'{"Filters": {"CompositeFilters": [{"NumberFilters": [{"FieldName": "severity_id", "Filter": {"Gte": 4}}]}]}, "MaxResults": 100}'`,
		`{CompositeOperator: OR, CompositeFilters: [{BooleanFilters: [{FieldName: x, Filter: {Value: true}}]}, {IpFilters: [{FieldName: y, Filter: {Cidr: 10.0.0.0/8}}]}]}`,
		`{CompositeFilters: [{DateFilters: [{FieldName: d, Filter: {DateRange: {Value: 3, Unit: DAYS, Comparison: OLDER_THAN}}}], NestedCompositeFilters: [{MapFilters: [{FieldName: resources.tags, Filter: {Comparison: NOT_EQUALS, Key: k, Value: v}}]}]}]}`,
		`{AwsAccountId: [{Value: '1', Comparison: EQUALS}]}`,
		`{CompositeFilters: [{}]}`,
		`{}`,
		`[1]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, filters string) {
		src := "sources:\n  poll:\n    api: v2\n    filters: " + filters + "\n" + pollRoutes
		cfg, err := Parse("fuzz.yaml", []byte(src))
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Column < 1 {
					t.Fatalf("unpositioned error %q", e.Error())
				}
			}
			return
		}
		p := cfg.Sources.Poll
		if p == nil || p.API != PollAPIv2 {
			t.Fatalf("poll source %+v", p)
		}
		var doc struct {
			CompositeFilters []map[string]json.RawMessage
			// CompositeOperator is a string.
			CompositeOperator *string
		}
		if err := json.Unmarshal(p.Filters, &doc); err != nil {
			t.Fatalf("accepted filters %s do not decode: %v", p.Filters, err)
		}
		n := len(doc.CompositeFilters)
		or := doc.CompositeOperator != nil && *doc.CompositeOperator == "OR"
		if n > MaxPollCompositeFilters || (n == MaxPollCompositeFilters && !or) {
			t.Fatalf("%d composite filters accepted (operator %v)", n, doc.CompositeOperator)
		}
		for _, cf := range doc.CompositeFilters {
			total := 0
			for key, raw := range cf {
				if key == "Operator" {
					continue
				}
				var list []json.RawMessage
				if err := json.Unmarshal(raw, &list); err != nil {
					t.Fatalf("%s is not a list in %s", key, p.Filters)
				}
				total += len(list)
			}
			if total == 0 {
				t.Fatalf("an empty composite filter accepted: %s", p.Filters)
			}
		}
	})
}
