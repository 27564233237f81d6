package securityhub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func values(attr string, n int, comparison string) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`{"Value":"%s-%02d","Comparison":"%s"}`, attr, i, comparison))
	}
	return `"` + attr + `":[` + strings.Join(parts, ",") + `]`
}

func TestSplitFilters(t *testing.T) {
	tests := []struct {
		name    string
		filters string
		sizes   []map[string]int // per query: attribute → list length
	}{
		{"empty", `{}`, []map[string]int{{}}},
		{"null and empty lists dropped", `{"Title":null,"Type":[]}`, []map[string]int{{}}},
		{"short lists untouched", `{` + values("AwsAccountId", 20, "EQUALS") + `}`, []map[string]int{{"AwsAccountId": 20}}},
		{"45 accounts: 20, 20, 5", `{` + values("AwsAccountId", 45, "EQUALS") + `,` + values("RecordState", 1, "EQUALS") + `}`,
			[]map[string]int{{"AwsAccountId": 20, "RecordState": 1}, {"AwsAccountId": 20, "RecordState": 1}, {"AwsAccountId": 5, "RecordState": 1}}},
		{"two long lists: every combination", `{` + values("AwsAccountId", 21, "EQUALS") + `,` + values("ResourceId", 41, "PREFIX") + `}`,
			[]map[string]int{
				{"AwsAccountId": 20, "ResourceId": 20}, {"AwsAccountId": 20, "ResourceId": 20}, {"AwsAccountId": 20, "ResourceId": 1},
				{"AwsAccountId": 1, "ResourceId": 20}, {"AwsAccountId": 1, "ResourceId": 20}, {"AwsAccountId": 1, "ResourceId": 1},
			}},
		{"number filters are OR'ed", `{"SeverityNormalized":[` + strings.Repeat(`{"Gte":1},`, 24) + `{"Gte":1}]}`,
			[]map[string]int{{"SeverityNormalized": 20}, {"SeverityNormalized": 5}}},
		{"map filters on one key", `{"ResourceTags":[` + strings.Repeat(`{"Key":"env","Value":"p","Comparison":"EQUALS"},`, 20) + `{"Key":"env","Value":"q","Comparison":"EQUALS"}]}`,
			[]map[string]int{{"ResourceTags": 20}, {"ResourceTags": 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := splitFilters([]byte(tt.filters))
			if err != nil {
				t.Fatalf("splitFilters: %v", err)
			}
			if len(qs) != len(tt.sizes) {
				t.Fatalf("%d queries, want %d", len(qs), len(tt.sizes))
			}
			for i, q := range qs {
				if len(q.attrs) != len(tt.sizes[i]) {
					t.Errorf("query %d: attributes %v, want %v", i, q.attrs, tt.sizes[i])
				}
				for name, n := range tt.sizes[i] {
					if len(q.attrs[name]) != n {
						t.Errorf("query %d: %s has %d filters, want %d", i, name, len(q.attrs[name]), n)
					}
				}
			}
			// Typed filters carry what was written.
			if got := len(qs[0].filters.AwsAccountId); got != tt.sizes[0]["AwsAccountId"] {
				t.Errorf("typed AwsAccountId of query 0: %d filters, want %d", got, tt.sizes[0]["AwsAccountId"])
			}
		})
	}
}

func TestSplitFiltersErrors(t *testing.T) {
	tests := []struct{ name, filters, want string }{
		{"not JSON", `{`, "filters: want an object of finding attributes"},
		{"attribute not a list", `{"Title":{"Value":"x"}}`, "filters: Title: want a list of filters"},
		{"UpdatedAt", `{"UpdatedAt":[{"Start":"2026-01-01T00:00:00Z"}]}`, "filters: UpdatedAt: the poller sets UpdatedAt itself"},
		{"NOT_EQUALS cannot be split", `{` + values("AwsAccountId", 21, "NOT_EQUALS") + `}`,
			"filters: AwsAccountId: 21 filters, more than the 20 one GetFindings call takes, and AwsAccountId[0] is NOT_EQUALS"},
		{"map filters on two keys", `{"ResourceTags":[` + strings.Repeat(`{"Key":"a","Value":"p","Comparison":"EQUALS"},`, 20) + `{"Key":"b","Value":"q","Comparison":"EQUALS"}]}`,
			"filters: ResourceTags: 21 filters on more than one Key"},
		{"too many queries", `{` + values("AwsAccountId", 201, "EQUALS") + `,` + values("ResourceId", 201, "EQUALS") + `}`,
			"filters: the long filter lists (AwsAccountId: 201, ResourceId: 201) need more than 100 GetFindings queries"},
		{"unknown member", `{"Title":[{"Value":"x","Comparison":"EQUALS","Extra":1}]}`, `filters: json: unknown field "Extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := splitFilters([]byte(tt.filters)); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q…", err, tt.want)
			}
		})
	}
}

func FuzzSplitFilters(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"AwsAccountId":[{"Value":"1","Comparison":"EQUALS"}],"RecordState":null}`))
	f.Add([]byte(`{` + values("AwsAccountId", 45, "EQUALS") + `}`))
	f.Add([]byte(`{"ResourceTags":[{"Key":"a","Value":"p","Comparison":"EQUALS"}],"SeverityNormalized":[{"Gte":1,"Lte":2}]}`))
	f.Add([]byte(`{"UpdatedAt":[{"DateRange":{"Value":1,"Unit":"DAYS"}}]}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := splitFilters(data)
		if err != nil {
			return
		}
		if len(qs) == 0 || len(qs) > MaxPollQueries {
			t.Fatalf("%d queries", len(qs))
		}
		var in map[string]json.RawMessage
		_ = json.Unmarshal(data, &in)
		total := map[string]int{}
		for _, q := range qs {
			if len(q.attrs) > MaxPollAttributes {
				t.Fatalf("a query with %d attributes", len(q.attrs))
			}
			for name, list := range q.attrs {
				if len(list) == 0 || len(list) > MaxFilterValues {
					t.Fatalf("%s: a list of %d filters", name, len(list))
				}
				total[name] += len(list)
			}
			if _, err := json.Marshal(q.filters); err != nil {
				t.Fatalf("typed filters do not encode: %v", err)
			}
		}
		// Every filter written is in some query.
		for name, v := range in {
			var list []json.RawMessage
			if json.Unmarshal(v, &list) != nil || len(list) == 0 {
				continue
			}
			if total[name] < len(list) {
				t.Fatalf("%s: %d filters written, %d sent", name, len(list), total[name])
			}
		}
	})
}
