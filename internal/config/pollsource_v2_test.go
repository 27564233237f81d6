package config

import (
	"fmt"
	"strings"
	"testing"
)

// accountsV2 returns a YAML flow list of n cloud.account.uid EQUALS filters.
func accountsV2(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf("{FieldName: cloud.account.uid, Filter: {Comparison: EQUALS, Value: '%012d'}}", 100000000000+i))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestPollSourceV2(t *testing.T) {
	tests := []struct {
		name     string
		poll     string
		filters  string
		warnings []string
	}{
		{
			name: "severity and status",
			poll: "{api: v2, filters: {CompositeFilters: [{Operator: OR, StringFilters: [{FieldName: severity, Filter: {Comparison: EQUALS, Value: Critical}}, " +
				"{FieldName: severity, Filter: {Comparison: EQUALS, Value: High}}]}, {NumberFilters: [{FieldName: status_id, Filter: {Eq: 1}}]}]}}",
			filters: `{"CompositeFilters":[{"Operator":"OR","StringFilters":[{"FieldName":"severity","Filter":{"Comparison":"EQUALS","Value":"Critical"}},` +
				`{"FieldName":"severity","Filter":{"Comparison":"EQUALS","Value":"High"}}]},{"NumberFilters":[{"FieldName":"status_id","Filter":{"Eq":1}}]}]}`,
		},
		{
			name:    "45 accounts: the poller nests them, not refused",
			poll:    "{api: v2, filters: {CompositeFilters: [{Operator: OR, StringFilters: " + accountsV2(45) + "}]}}",
			filters: `{"CompositeFilters":[{"Operator":"OR","StringFilters":[{"FieldName":"cloud.account.uid","Filter":{"Comparison":"EQUALS","Value":"100000000000"}}…`,
		},
		{
			name: "a pasted GetFindingsV2 request keeps its Filters; API in capitals",
			poll: "\n    api: V2\n    filters: |\n      {\"Filters\": {\"CompositeFilters\": [{\"DateFilters\": [{\"FieldName\": \"finding_info.created_time_dt\", " +
				"\"Filter\": {\"DateRange\": {\"Value\": 7, \"Unit\": \"DAYS\"}}}]}]}, \"MaxResults\": 100}\n",
			filters: `{"CompositeFilters":[{"DateFilters":[{"FieldName":"finding_info.created_time_dt","Filter":{"DateRange":{"Value":7,"Unit":"DAYS"}}}]}]}`,
		},
		{
			name:    "ten composite filters under OR fit: the poller nests them",
			poll:    "{api: v2, filters: {CompositeOperator: OR, CompositeFilters: [" + strings.TrimSuffix(strings.Repeat("{BooleanFilters: [{FieldName: compliance.assessments.meets_criteria, Filter: {Value: false}}]}, ", 10), ", ") + "]}}",
			filters: `{"CompositeOperator":"OR","CompositeFilters":[{"BooleanFilters"…`,
		},
		{
			name: "map, IP and nested filters", poll: "{api: v2, filters: {CompositeFilters: [{MapFilters: [{FieldName: resources.tags, Filter: {Comparison: EQUALS, Key: env, Value: prod}}], " +
				"IpFilters: [{FieldName: evidences.src_endpoint.ip, Filter: {Cidr: 10.0.0.0/8}}], NestedCompositeFilters: [{Operator: OR, StringFilters: [{FieldName: severity, Filter: {Comparison: PREFIX, Value: C}}]}]}]}}",
			filters: `{"CompositeFilters":[{"MapFilters":[{"FieldName":"resources.tags","Filter":{"Comparison":"EQUALS","Key":"env","Value":"prod"}}],…`,
		},
		{
			name: "no filters", poll: "{api: v2, filters: {}}", filters: `{}`,
			warnings: []string{`t.yaml:2:28: sources.poll.filters: no composite filters: reads every finding`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, "sources:\n  poll: "+tt.poll+"\n"+pollRoutes)
			p := cfg.Sources.Poll
			if p == nil {
				t.Fatal("Sources.Poll is nil")
			}
			if p.API != PollAPIv2 {
				t.Errorf("API = %q, want v2", p.API)
			}
			if prefix, ok := strings.CutSuffix(tt.filters, "…"); ok {
				if !strings.HasPrefix(string(p.Filters), prefix) {
					t.Errorf("Filters = %s, want a prefix %s", p.Filters, prefix)
				}
			} else if string(p.Filters) != tt.filters {
				t.Errorf("Filters = %s, want %s", p.Filters, tt.filters)
			}
			equalLines(t, cfg.Warnings(), tt.warnings)
		})
	}
	if p := mustParse(t, "sources:\n  poll: {filters: {}}\n"+pollRoutes).Sources.Poll; p.API != PollAPIv1 {
		t.Errorf("default API = %q, want v1", p.API)
	}
}

func TestPollSourceV2Errors(t *testing.T) {
	sev := "{FieldName: severity, Filter: {Comparison: EQUALS, Value: High}}"
	composites := func(n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat("{StringFilters: ["+sev+"]}, ", n), ", ") + "]"
	}
	tests := []struct {
		name string
		poll string // sources.poll, at line 2 column 9
		want []string
	}{
		{"unknown api", "{api: v3, filters: {}}",
			[]string{`t.yaml:2:15: sources.poll.api: "v3" is not v1 (GetFindings: ASFF findings of Security Hub CSPM) or v2 (GetFindingsV2: OCSF findings of Security Hub)`}},
		{"ASFF filters with api v2", "{api: v2, filters: {AwsAccountId: [{Value: '111111111111', Comparison: EQUALS}]}}",
			[]string{`t.yaml:2:43: sources.poll.filters: filters: unknown member "AwsAccountId"; it has CompositeFilters, CompositeOperator (AwsAccountId looks like a GetFindings (ASFF) filter; with api: v2 filters are OcsfFindingFilters, e.g. {CompositeFilters: [{StringFilters: [{FieldName: cloud.account.uid, Filter: {Comparison: EQUALS, Value: "111111111111"}}]}]})`}},
		{"OCSF filters without api v2", "{filters: {CompositeFilters: [{StringFilters: [" + sev + "]}]}}",
			[]string{`t.yaml:2:38: sources.poll.filters: CompositeFilters belongs to GetFindingsV2 (OCSF) filters: add api: v2 to poll the new Security Hub, or write AwsSecurityFindingFilters for GetFindings`}},
		{"eleven composite filters", "{api: v2, filters: {CompositeOperator: OR, CompositeFilters: " + composites(11) + "}}",
			[]string{`t.yaml:2:70: sources.poll.filters: CompositeFilters: 11 composite filters; GetFindingsV2 takes 10`}},
		{"ten under AND leave no room", "{api: v2, filters: {CompositeFilters: " + composites(10) + "}}",
			[]string{`t.yaml:2:47: sources.poll.filters: CompositeFilters: 10 composite filters; GetFindingsV2 takes 10 and the poller adds one for finding_info.modified_time_dt, so at most 9`}},
		{"bad operator and comparison", "{api: v2, filters: {CompositeOperator: XOR, CompositeFilters: [{StringFilters: [{FieldName: severity, Filter: {Comparison: EQUAL, Value: x}}]}]}}",
			[]string{
				`t.yaml:2:48: sources.poll.filters: CompositeOperator: want one of AND, OR, got "XOR"`,
				`t.yaml:2:132: sources.poll.filters: CompositeFilters[0].StringFilters[0].Filter.Comparison: want one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS, CONTAINS_WORD, got "EQUAL"`,
			}},
		{"misspelt member", "{api: v2, filters: {CompositeFilters: [{StringFilter: [" + sev + "]}]}}",
			[]string{`t.yaml:2:63: sources.poll.filters: CompositeFilters[0]: unknown member "StringFilter"; it has StringFilters, NumberFilters, DateFilters, BooleanFilters, MapFilters, IpFilters, NestedCompositeFilters, Operator (did you mean "StringFilters"?)`}},
		{"missing pieces", "{api: v2, filters: {CompositeFilters: [{NumberFilters: [{Filter: {}}], MapFilters: [{FieldName: resources.tags, Filter: {Comparison: EQUALS, Value: x}}]}]}}",
			[]string{
				`t.yaml:2:65: sources.poll.filters: CompositeFilters[0].NumberFilters[0]: FieldName is required`,
				`t.yaml:2:74: sources.poll.filters: CompositeFilters[0].NumberFilters[0].Filter: give Eq, Gt, Gte, Lt or Lte`,
				`t.yaml:2:129: sources.poll.filters: CompositeFilters[0].MapFilters[0].Filter: Key is required`,
			}},
		{"nested too deep", "{api: v2, filters: {CompositeFilters: [{NestedCompositeFilters: [{NestedCompositeFilters: [{StringFilters: [" + sev + "]}]}]}]}}",
			[]string{`t.yaml:2:74: sources.poll.filters: CompositeFilters[0].NestedCompositeFilters[0] has no filters`,
				`t.yaml:2:99: sources.poll.filters: CompositeFilters[0].NestedCompositeFilters[0].NestedCompositeFilters: composite filters nest one level deep (three layers in all)`}},
		{"long list under OR cannot nest twice", "{api: v2, filters: {CompositeOperator: OR, CompositeFilters: [{StringFilters: [" + sev + "]}, {Operator: OR, StringFilters: " + accountsV2(21) + "}]}}",
			[]string{`t.yaml:2:156: sources.poll.filters: CompositeFilters[1]: under CompositeOperator OR the poller nests the composite filters to AND them with its finding_info.modified_time_dt filter, and nested composite filters (yours, or made from a list of more than 20 filters) cannot nest again: use AND, or shorter lists`}},
		{"date range", "{api: v2, filters: {CompositeFilters: [{DateFilters: [{FieldName: finding_info.created_time_dt, Filter: {DateRange: {Value: 1.5, Unit: HOURS}}}]}]}}",
			[]string{
				`t.yaml:2:133: sources.poll.filters: CompositeFilters[0].DateFilters[0].Filter.DateRange.Value: want a whole number of days, got a number`,
				`t.yaml:2:144: sources.poll.filters: CompositeFilters[0].DateFilters[0].Filter.DateRange.Unit: want one of DAYS, got "HOURS"`,
			}},
		{"filters not an object", "{api: v2, filters: [a]}",
			[]string{`t.yaml:2:28: sources.poll.filters: want OcsfFindingFilters, a mapping of CompositeFilters and CompositeOperator (or a JSON object), got a list`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, "sources:\n  poll: "+tt.poll+"\n"+pollRoutes), tt.want)
		})
	}
}
