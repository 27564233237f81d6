package config

import (
	"testing"
	"time"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "account id as a YAML number",
			src:  dests + "routes:\n  - name: r\n    pattern:\n      detail:\n        findings:\n          AwsAccountId: [123456789012, \"210987654321\"]\n    to: [d, e]\n",
			want: []string{`t.yaml:9:26: routes[0].pattern: 123456789012 is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it ("123456789012")`},
		},
		{
			name: "account field with any number, numeric operands left alone",
			src:  dests + "routes:\n  - name: r\n    pattern: {account: [42], detail: {findings: {Severity: {Normalized: [{numeric: [\">=\", 70]}], Original: [123456789012]}}}}\n    to: [d, e]\n",
			want: []string{
				`t.yaml:6:25: routes[0].pattern: 42 is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it ("42")`,
				`t.yaml:6:109: routes[0].pattern: 123456789012 is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it ("123456789012")`,
			},
		},
		{
			name: "account id number in a JSON string",
			src: dests + "routes:\n  - name: r\n    filters: {AwsAccountId: [{Value: \"123456789012\", Comparison: EQUALS}]}\n    to: [d]\n" +
				"  - name: j\n    pattern: |\n      {\"detail\": {\"findings\": {\"AwsAccountId\": [111111111111]}}}\n    to: [e]\n",
			want: []string{
				`t.yaml:10:49: routes[1].pattern: 111111111111 is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it ("111111111111")`,
			},
		},
		{
			name: "duplicate keys in a pasted JSON pattern: the last one wins",
			src: dests + "routes:\n  - name: r\n    pattern: |\n" +
				"      {\"detail\": {\"location\": [{\"prefix\": \"us-\"}],\n" +
				"                  \"location\": [{\"anything-but\": \"us-east\"}]}}\n    to: [d, e]\n",
			want: []string{
				`t.yaml:8:19: routes[0].pattern: key "detail.location" is written twice (first at line 7, column 19); the last one wins, as in EventBridge, and the first is ignored`,
			},
		},
		{
			name: "expired and live suppressions",
			src: "suppress:\n  - {name: old, pattern: {source: [x]}, until: 2026-05-31}\n  - {name: today, pattern: {source: [x]}, until: 2026-06-01}\n" +
				"  - {name: hour, pattern: {source: [x]}, until: \"2026-06-01T11:59:59Z\"}\n",
			want: []string{
				`t.yaml:1:1: no routes: no finding will be delivered anywhere`,
				`t.yaml:2:48: suppress[0]: suppression "old" expired at 2026-05-31T23:59:59Z; it no longer applies: remove it`,
				`t.yaml:4:49: suppress[2]: suppression "hour" expired at 2026-06-01T11:59:59Z; it no longer applies: remove it`,
			},
		},
		{
			name: "unused destination, open http source",
			src:  dests + "sources:\n  http:\n    path: /in\nroutes:\n  - {name: r, pattern: {source: [x]}, to: [e]}\n",
			want: []string{
				`t.yaml:2:3: destination "d" is not used by any route, project or member monitoring`,
				`t.yaml:5:3: sources.http: no api_key: anyone who can reach /in can post findings`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src)
			equalLines(t, cfg.Warnings(), tt.want)
		})
	}
}

func TestUntilForms(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	tests := []struct {
		until string
		want  time.Time
	}{
		{"2030-01-02", time.Date(2030, 1, 2, 23, 59, 59, 999999999, tokyo)},
		{"2030-01-02T10:00:00", time.Date(2030, 1, 2, 10, 0, 0, 0, tokyo)},
		{"2030-01-02 10:30", time.Date(2030, 1, 2, 10, 30, 0, 0, tokyo)},
		{"2030-01-02T10:00:00Z", time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)},
		{"2030-01-02T10:00:00.5+02:00", time.Date(2030, 1, 2, 8, 0, 0, 500000000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.until, func(t *testing.T) {
			cfg := mustParse(t, "language: ja\nsuppress:\n  - {name: s, pattern: {source: [x]}, until: \""+tt.until+"\"}\n")
			s := cfg.Suppressions[0]
			if !s.Until.Equal(tt.want) {
				t.Errorf("Until = %v, want %v", s.Until, tt.want)
			}
			if !s.Active(tt.want) || s.Active(tt.want.Add(time.Nanosecond)) {
				t.Errorf("Active is wrong around %v", tt.want)
			}
		})
	}
}
