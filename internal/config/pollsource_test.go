package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// accounts returns a YAML flow list of n AwsAccountId EQUALS filters.
func accounts(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{Value: '%012d', Comparison: EQUALS}", 100000000000+i)
	}
	b.WriteString("]")
	return b.String()
}

const pollRoutes = dests + "routes:\n  - {name: r, pattern: {source: [x]}, to: [d, e]}\n"

func TestPollSource(t *testing.T) {
	tests := []struct {
		name     string
		poll     string // the value of sources.poll
		interval time.Duration
		region   string
		filters  string
		warnings []string
	}{
		{
			name: "defaults", poll: "{filters: {RecordState: [{Value: ACTIVE, Comparison: EQUALS}]}}",
			interval: DefaultPollInterval, filters: `{"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`,
		},
		{
			name: "interval and region", poll: "{interval: 1h, region: us-east-1, filters: {}}",
			interval: time.Hour, region: "us-east-1", filters: `{}`,
			warnings: []string{`t.yaml:2:52: sources.poll.filters: {} reads every finding`},
		},
		{
			name: "45 account IDs are split by the poller, not refused", poll: "{filters: {AwsAccountId: " + accounts(45) + "}}",
			interval: DefaultPollInterval, filters: `{"AwsAccountId":[{"Value":"100000000000"…`,
		},
		{
			name: "a pasted GetFindings request keeps its Filters", poll: "\n    filters: |\n      {\"Filters\": {\"SeverityLabel\": [{\"Value\": \"HIGH\", \"Comparison\": \"EQUALS\"}]}, \"MaxResults\": 100}\n",
			interval: DefaultPollInterval, filters: `{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"}]}`,
		},
		{
			name: "nine attributes", poll: "{filters: {AwsAccountId: [{Value: '1', Comparison: EQUALS}], ProductName: [{Value: a, Comparison: EQUALS}], " +
				"SeverityLabel: [{Value: HIGH, Comparison: EQUALS}], RecordState: [{Value: ACTIVE, Comparison: EQUALS}], " +
				"WorkflowStatus: [{Value: NEW, Comparison: EQUALS}], ComplianceStatus: [{Value: FAILED, Comparison: EQUALS}], " +
				"Title: [{Value: t, Comparison: PREFIX}], Region: [{Value: us-east-1, Comparison: EQUALS}], ResourceType: [{Value: AwsS3Bucket, Comparison: EQUALS}]}}",
			interval: DefaultPollInterval, filters: `{"AwsAccountId":[{"Value":"1","Comparison":"EQUALS"}],…`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, "sources:\n  poll: "+tt.poll+"\n"+pollRoutes)
			p := cfg.Sources.Poll
			if p == nil {
				t.Fatal("Sources.Poll is nil")
			}
			if p.Interval != tt.interval || p.Region != tt.region {
				t.Errorf("interval, region = %v, %q; want %v, %q", p.Interval, p.Region, tt.interval, tt.region)
			}
			if prefix, ok := strings.CutSuffix(tt.filters, "…"); ok {
				if !strings.HasPrefix(string(p.Filters), prefix) {
					t.Errorf("Filters = %s, want a prefix %s", p.Filters, prefix)
				}
			} else if string(p.Filters) != tt.filters {
				t.Errorf("Filters = %s, want %s", p.Filters, tt.filters)
			}
			if p.Pos.Line != 2 || p.Pos.Column != 3 {
				t.Errorf("Pos = %+v, want line 2 column 3", p.Pos)
			}
			equalLines(t, cfg.Warnings(), tt.warnings)
		})
	}
}

func TestPollSourceErrors(t *testing.T) {
	eleven := "{AwsAccountId: [{Value: '1', Comparison: EQUALS}], ProductName: [{Value: a, Comparison: EQUALS}], " +
		"SeverityLabel: [{Value: HIGH, Comparison: EQUALS}], RecordState: [{Value: ACTIVE, Comparison: EQUALS}], " +
		"WorkflowStatus: [{Value: NEW, Comparison: EQUALS}], ComplianceStatus: [{Value: FAILED, Comparison: EQUALS}], " +
		"Title: [{Value: t, Comparison: PREFIX}], Region: [{Value: us-east-1, Comparison: EQUALS}], " +
		"ResourceType: [{Value: AwsS3Bucket, Comparison: EQUALS}], GeneratorId: [{Value: g, Comparison: PREFIX}], " +
		"Type: [{Value: x, Comparison: PREFIX}]}"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "more than 10 attributes",
			src:  "sources:\n  poll:\n    filters: " + eleven + "\n",
			want: []string{`t.yaml:3:14: sources.poll.filters: 11 attributes; GetFindings takes at most 10 and the poller adds UpdatedAt, so at most 9`},
		},
		{
			name: "ten attributes leave no room for the checkpoint",
			src:  "sources:\n  poll:\n    filters: " + strings.Replace(eleven, ", Type: [{Value: x, Comparison: PREFIX}]", "", 1) + "\n",
			want: []string{`t.yaml:3:14: sources.poll.filters: 10 attributes; GetFindings takes at most 10 and the poller adds UpdatedAt, so at most 9`},
		},
		{
			name: "UpdatedAt is the poller's",
			src:  "sources:\n  poll:\n    filters:\n      UpdatedAt: [{DateRange: {Value: 1, Unit: DAYS}}]\n",
			want: []string{`t.yaml:4:18: sources.poll.filters: UpdatedAt: the poller filters on UpdatedAt itself (from its checkpoint); leave it out`},
		},
		{
			name: "a long list with NOT_EQUALS cannot be split",
			src:  "sources:\n  poll:\n    filters:\n      AwsAccountId: " + strings.ReplaceAll(accounts(21), "Comparison: EQUALS", "Comparison: NOT_EQUALS") + "\n",
			want: []string{`t.yaml:4:21: sources.poll.filters: AwsAccountId: 21 filters, more than the 20 one GetFindings call takes, and AwsAccountId[0] is NOT_EQUALS: only a list of EQUALS, PREFIX or CONTAINS filters (which are OR'ed) can be split into several queries`},
		},
		{
			name: "a long map list on two keys cannot be split",
			src: "sources:\n  poll:\n    filters:\n      ResourceTags: [" + strings.Repeat("{Key: a, Value: x, Comparison: EQUALS}, ", 20) +
				"{Key: b, Value: y, Comparison: EQUALS}]\n",
			want: []string{`t.yaml:4:21: sources.poll.filters: ResourceTags: 21 filters on more than one Key, more than the 20 one GetFindings call takes: only filters on one Key (which are OR'ed) can be split into several queries`},
		},
		{
			name: "invalid filters point inside",
			src:  "sources:\n  poll:\n    filters:\n      SeverityLabel: [{Value: HIGH, Comparison: EQUAL}]\n",
			want: []string{`t.yaml:4:49: sources.poll.filters: SeverityLabel[0].Comparison: …`},
		},
		{
			name: "missing filters, short interval, bad region, unknown key",
			src:  "sources:\n  poll: {interval: 5s, region: tokyo, filter: {}}\n",
			want: []string{
				`t.yaml:2:9: sources.poll: missing required key "filters"`,
				`t.yaml:2:20: sources.poll.interval: at least 10s (GetFindings allows 3 calls a second)`,
				`t.yaml:2:32: sources.poll.region: "tokyo" is not an AWS region name such as ap-northeast-1`,
				`t.yaml:2:39: sources.poll: unknown key "filter" (did you mean "filters"?)`,
			},
		},
		{
			name: "filters not a mapping",
			src:  "sources:\n  poll: {filters: [a]}\n",
			want: []string{`t.yaml:2:19: sources.poll.filters: want a mapping of finding attributes (or a JSON object), got a list`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, tt.src+pollRoutes), tt.want)
		})
	}
}
