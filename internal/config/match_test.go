package config

import (
	"testing"
)

// TestPatternErrorPositions checks that a problem the pattern compiler finds
// deep inside a pattern is reported at the line and column of that value,
// whether the pattern is YAML or a JSON string.
func TestPatternErrorPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "YAML block pattern",
			src: "routes:\n  - name: a\n    pattern:\n      source: [aws.securityhub]\n      detail:\n        findings:\n" +
				"          Severity:\n            Label: [{prefix: 3}]\n    to: [d]\n",
			want: []string{`t.yaml:10:21: routes[0].pattern: detail.findings.Severity.Label[0]: …`},
		},
		{
			name: "literal block JSON",
			src:  "routes:\n  - name: b\n    pattern: |\n      {\"detail\": {\"findings\": {\"Severity\": {\"Label\": [{\"wildcard\": 5}]}}}}\n    to: [d]\n",
			want: []string{`t.yaml:6:55: routes[0].pattern: detail.findings.Severity.Label[0]: …`},
		},
		{
			name: "multi-line literal block JSON",
			src: "routes:\n  - name: b\n    pattern: |\n      {\n        \"source\": [\"aws.securityhub\"],\n" +
				"        \"detail-type\": \"Security Hub Findings - Imported\"\n      }\n    to: [d]\n",
			want: []string{`t.yaml:8:24: routes[0].pattern: detail-type: …`},
		},
		{
			name: "single-quoted JSON maps columns, double-quoted with escapes points at the string",
			src: "routes:\n  - name: h\n    pattern: '{\"source\": [{\"prefix\": 1}]}'\n    to: [d]\n" +
				"  - name: i\n    pattern: \"{\\\"source\\\": [{\\\"prefix\\\": 1}]}\"\n    to: [d]\n",
			want: []string{
				`t.yaml:5:27: routes[0].pattern: source[0]: …`,
				`t.yaml:8:14: routes[1].pattern: source[0]: …`,
			},
		},
		{
			name: "filters",
			src:  "routes:\n  - name: c\n    filters:\n      CreatedAt: [{DateRange: {Value: 3, Unit: HOURS}}]\n    to: [d]\n",
			want: []string{`t.yaml:6:48: routes[0].filters: CreatedAt[0].DateRange.Unit: …`},
		},
		{
			name: "filters with a number where a string belongs",
			src:  "routes:\n  - name: c\n    filters: {AwsAccountId: [{Value: 123456789012, Comparison: EQUALS}]}\n    to: [d]\n",
			want: []string{`t.yaml:5:38: routes[0].filters: AwsAccountId[0].Value: …`},
		},
		{
			name: "one error per pattern, all patterns reported",
			src: "routes:\n  - name: e\n    pattern: {}\n    to: [d]\n  - name: f\n    pattern: {source: aws.securityhub}\n    to: [d]\n" +
				"suppress:\n  - name: s\n    pattern: {source: [{prefix: 1}]}\n",
			want: []string{
				`t.yaml:5:14: routes[0].pattern: …`,
				`t.yaml:8:23: routes[1].pattern: source: …`,
				`t.yaml:12:24: suppress[0].pattern: source[0]: …`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "destinations:\n  d: {stdout: }\n" + tt.src
			equalLines(t, parseErrors(t, src), tt.want)
		})
	}
}

// TestPatternForms checks that the same pattern written as YAML, as a flow
// mapping, as pasted JSON and through anchors compiles to the same JSON.
func TestPatternForms(t *testing.T) {
	const want = `{"source":["aws.securityhub"],"detail":{"findings":{"AwsAccountId":["111111111111"],"Severity":{"Normalized":[{"numeric":[">=",70]}]},"Sample":[false],"Note":[null]}}}`
	forms := map[string]string{
		"block YAML": "    pattern:\n      source: [aws.securityhub]\n      detail:\n        findings:\n          AwsAccountId: ['111111111111']\n" +
			"          Severity: {Normalized: [{numeric: ['>=', 70]}]}\n          Sample: [false]\n          Note: [~]\n",
		"flow JSON as YAML": "    pattern: {\"source\": [\"aws.securityhub\"], \"detail\": {\"findings\": {\"AwsAccountId\": [\"111111111111\"], " +
			"\"Severity\": {\"Normalized\": [{\"numeric\": [\">=\", 70]}]}, \"Sample\": [false], \"Note\": [null]}}}\n",
		"literal block JSON": "    pattern: |\n      {\n        \"source\": [\"aws.securityhub\"],\n        \"detail\": {\"findings\": {\"AwsAccountId\": [\"111111111111\"],\n" +
			"          \"Severity\": {\"Normalized\": [{\"numeric\": [\">=\", 70]}]}, \"Sample\": [false], \"Note\": [null]}}\n      }\n",
		"folded JSON": "    pattern: >\n      {\"source\": [\"aws.securityhub\"], \"detail\": {\"findings\": {\"AwsAccountId\": [\"111111111111\"],\n" +
			"      \"Severity\": {\"Normalized\": [{\"numeric\": [\">=\", 70]}]}, \"Sample\": [false], \"Note\": [null]}}}\n",
		"tags": "    pattern:\n      source: [aws.securityhub]\n      detail:\n        findings:\n          AwsAccountId: [!!str 111111111111]\n" +
			"          Severity: {Normalized: [{numeric: ['>=', !!int 70]}]}\n          Sample: [false]\n          Note: [null]\n",
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			cfg := mustParse(t, "destinations:\n  d: {stdout: }\nroutes:\n  - name: r\n"+form+"    to: [d]\n")
			if got := string(cfg.Routes[0].Match.JSON); got != want {
				t.Errorf("JSON =\n%s\nwant\n%s", got, want)
			}
		})
	}
	t.Run("duplicate keys in a JSON string keep the last value", func(t *testing.T) {
		// The EventBridge User Guide's example: the last "location" is used.
		cfg := mustParse(t, "destinations:\n  d: {stdout: }\nroutes:\n  - name: r\n    pattern: |\n"+
			"      {\"detail\": {\"location\": [{\"prefix\": \"us-\"}], \"n\": [1], \"location\": [{\"anything-but\": \"us-east\"}]}}\n    to: [d]\n")
		const want = `{"detail":{"location":[{"anything-but":"us-east"}],"n":[1]}}`
		if got := string(cfg.Routes[0].Match.JSON); got != want {
			t.Errorf("JSON = %s, want %s", got, want)
		}
		for event, wantMatch := range map[string]bool{
			`{"detail": {"location": "us-west", "n": 1}}`: true,
			`{"detail": {"location": "eu-west", "n": 1}}`: true, // the prefix is not used at all
			`{"detail": {"location": "us-east", "n": 1}}`: false,
		} {
			if got, err := cfg.Routes[0].Match.Pattern.Match([]byte(event)); err != nil || got != wantMatch {
				t.Errorf("Match(%s) = %v, %v; want %v", event, got, err, wantMatch)
			}
		}
	})
	t.Run("anchors share a pattern", func(t *testing.T) {
		cfg := mustParse(t, "destinations:\n  d: {stdout: }\nroutes:\n  - {name: a, pattern: &p {source: [x]}, to: [d]}\n"+
			"suppress:\n  - {name: s, pattern: *p}\n")
		if a, s := string(cfg.Routes[0].Match.JSON), string(cfg.Suppressions[0].Match.JSON); a != s || a != `{"source":["x"]}` {
			t.Errorf("route %s, suppression %s", a, s)
		}
	})
}

func TestYAMLScalarsInPatterns(t *testing.T) {
	tests := []struct {
		yaml, json string
	}{
		{"[yes, no, on, off]", `["yes","no","on","off"]`}, // YAML 1.2: strings
		{"[true, false]", `[true,false]`},
		{"[1, -2, 3.5, 1e3, 12345678901234567890]", `[1,-2,3.5,"1e3",12345678901234567890]`},
		{"['123', \"0123\", !!str 0123]", `["123","0123","0123"]`},
		{"[null, ~]", `[null,null]`},
		{"['a \"quoted\" <b> & \\ ü']", `["a \"quoted\" <b> & \\ ü"]`},
		{"[\"tab\\tnl\\ncr\\rbell\\a\"]", `["tab\tnl\ncr\rbell\u0007"]`},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			cfg := mustParse(t, "destinations:\n  d: {stdout: }\nroutes:\n  - {name: r, to: [d], pattern: {source: "+tt.yaml+"}}\n")
			want := `{"source":` + tt.json + `}`
			if got := string(cfg.Routes[0].Match.JSON); got != want {
				t.Errorf("JSON = %s, want %s", got, want)
			}
		})
	}
}
