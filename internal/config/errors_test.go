package config

import (
	"errors"
	"testing"
)

// The destinations most cases below route to.
const dests = "destinations:\n  d: {stdout: {}}\n  e: {stdout: }\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "unknown top-level key with suggestion",
			src:  "languge: ja\n",
			want: []string{`t.yaml:1:1: config: unknown key "languge" (did you mean "language"?)`},
		},
		{
			name: "top level is not a mapping",
			src:  "- a\n- b\n",
			want: []string{`t.yaml:1:1: config: want a mapping (key: value), got a list`},
		},
		{
			name: "invalid YAML",
			src:  "routes: [a\n",
			want: []string{`t.yaml:1:9: invalid YAML: sequence end token ']' not found`},
		},
		{
			name: "shell-style reference inside a flow mapping",
			src:  "sources:\n  http: {api_key: ${KEY}}\n",
			want: []string{`t.yaml:2:20: invalid YAML: ',' or '}' must be specified (inside {...} or [...], quote a value that starts with "${"; secret references are written ${env:NAME} or ${file:PATH})`},
		},
		{
			name: "two documents",
			src:  "language: en\n---\nlanguage: ja\n",
			want: []string{`t.yaml:3:1: a config file holds one YAML document; remove the "---" and everything after it, or merge the documents`},
		},
		{
			name: "duplicate keys anywhere",
			src:  "language: en\nlanguage: ja\n" + dests + "routes:\n  - name: r\n    pattern: {source: [a], source: [b]}\n    to: [d, e]\n",
			want: []string{
				`t.yaml:2:1: duplicate key "language" (first at line 1)`,
				`t.yaml:8:28: duplicate key "source" (first at line 8)`,
			},
		},
		{
			name: "merge keys",
			src:  "destinations:\n  a: &a {stdout: {}}\n  b:\n    <<: *a\n",
			want: []string{
				`t.yaml:4:5: merge keys (<<) are not supported: write the keys out`,
			},
		},
		{
			name: "alias before anchor",
			src:  dests + "routes:\n  - name: r\n    pattern: *p\n    to: [d]\n",
			want: []string{
				`t.yaml:6:14: alias *p does not name an anchor (&p) defined before it`,
				`t.yaml:6:14: routes[0].pattern: want a mapping (or a JSON object), got null`,
			},
		},
		{
			name: "bad scalars",
			src:  "store: mysql://x\nlanguage: fr\ntimezone: Mars/Olympus\nsecurityhub: {region: tokyo, mark_notified: yes}\n",
			want: []string{
				`t.yaml:1:8: store: want sqlite:PATH or a postgres:// URL`,
				`t.yaml:2:11: language: "fr" is not supported; use ja or en`,
				`t.yaml:3:11: timezone: unknown time zone "Mars/Olympus"; use an IANA name such as Asia/Tokyo or UTC`,
				`t.yaml:4:23: securityhub.region: "tokyo" is not an AWS region name such as ap-northeast-1`,
				`t.yaml:4:45: securityhub.mark_notified: want true or false, got a string`,
			},
		},
		{
			name: "wrong types",
			src:  "language: 1\nsources: [http]\nsecurityhub:\n  region: [ap-northeast-1]\n",
			want: []string{
				`t.yaml:1:11: language: want a string, got a number; quote it`,
				`t.yaml:2:10: sources: want a mapping (key: value), got a list`,
				`t.yaml:4:11: securityhub.region: want a string, got a list`,
			},
		},
		{
			name: "http source",
			src:  "sources:\n  http: {listen: 8080, path: events, api_key: k, tls: true}\n",
			want: []string{
				`t.yaml:2:18: sources.http.listen: want a string, got a number; quote it`,
				`t.yaml:2:30: sources.http.path: must start with /`,
				`t.yaml:2:50: sources.http: unknown key "tls"`,
			},
		},
		{
			name: "destination shapes",
			src:  "destinations:\n  a: {slack: {}, email: {}}\n  b: {}\n  c:\n  d: stdout\n  e f: {stdout: {}}\n  g: {Slack: {}}\n",
			want: []string{
				`t.yaml:2:18: destinations.a: has a second type key "email" after "slack"; a destination has exactly one type (define another destination)`,
				`t.yaml:3:6: destinations.b: missing its type, as in b: {stdout: {}}`,
				`t.yaml:4:3: destinations.c: missing its type, as in c: {stdout: {}}`,
				`t.yaml:5:6: destinations.d: want a mapping with one type key, as in {slack: {...}}, got a string`,
				`t.yaml:6:3: destinations: name "e f": use letters, digits, '-', '_' and '.' (starting with a letter or digit), at most 100 characters`,
				`t.yaml:7:7: destinations.g: "Slack" is not a destination type name (lower-case letters, digits and _)`,
			},
		},
		{
			name: "unknown destination type through the registry",
			src:  "destinations:\n  a: {stdout: {}}\n  b: {slak: {channel: x}}\n" + "routes:\n  - {name: r, pattern: {source: [x]}, to: [a, b]}\n",
			want: []string{
				`t.yaml:3:7: destinations.b.slak: unknown destination type slak`,
			},
		},
		{
			name: "route required keys",
			src:  dests + "routes:\n  - pattern: {source: [x]}\n  - name: r2\n    to: [d]\n  - name: r3\n    pattern: {source: [x]}\n  - name: r4\n    pattern: {source: [x]}\n    to: []\n  - name: r5\n    pattern: {source: [x]}\n    to:\n",
			want: []string{
				`t.yaml:5:5: routes[0]: missing required key "name"`,
				`t.yaml:5:5: routes[0]: missing required key "to"`,
				`t.yaml:6:5: routes[1]: missing pattern (an EventBridge event pattern) or filters (Security Hub finding filters)`,
				`t.yaml:8:5: routes[2]: missing required key "to"`,
				`t.yaml:12:9: routes[3].to: name at least one destination`,
				`t.yaml:15:5: routes[4].to: must not be empty`,
			},
		},
		{
			name: "pattern and filters both, and to problems",
			src:  dests + "routes:\n  - name: r\n    pattern: {source: [x]}\n    filters: {ProductName: [{Value: GuardDuty, Comparison: EQUALS}]}\n    to: [d, nope, d, f]\n",
			want: []string{
				`t.yaml:7:5: routes[0]: give either pattern or filters, not both`,
				`t.yaml:8:13: routes[0].to[1]: destination "nope" is not defined under destinations`,
				`t.yaml:8:19: routes[0].to[2]: destination "d" is listed twice`,
				`t.yaml:8:22: routes[0].to[3]: destination "f" is not defined under destinations (did you mean "d"?)`,
			},
		},
		{
			name: "to is a string, name is a number",
			src:  dests + "routes:\n  - name: 12\n    pattern: {source: [x]}\n    to: d\n",
			want: []string{
				`t.yaml:5:11: routes[0].name: want a string, got a number; quote it`,
				`t.yaml:7:9: routes[0].to: want a list, got a string; write a one-item list as [name]`,
			},
		},
		{
			name: "duplicate names",
			src:  dests + "routes:\n  - {name: r, pattern: {source: [x]}, to: [d]}\n  - {name: r, pattern: {source: [y]}, to: [e]}\nsuppress:\n  - {name: s, pattern: {source: [x]}}\n  - {name: s, pattern: {source: [y]}}\n",
			want: []string{
				`t.yaml:6:5: routes[1].name: route "r" is already defined at line 5`,
				`t.yaml:9:5: suppress[1].name: suppression "s" is already defined at line 8`,
			},
		},
		{
			name: "duplicate names are found among entries with other problems",
			src: dests + "routes:\n  - {name: r, pattern: {source: [x]}, to: [nope]}\n  - {name: r, pattern: {source: [y]}, to: [e]}\n" +
				"suppress:\n  - {name: s, pattern: {source: [x]}}\n  - {name: s, pattern: {source: x}}\n",
			want: []string{
				`t.yaml:5:44: routes[0].to[0]: destination "nope" is not defined under destinations`,
				`t.yaml:6:5: routes[1].name: route "r" is already defined at line 5`,
				`t.yaml:9:5: suppress[1].name: suppression "s" is already defined at line 8`,
				`t.yaml:9:33: suppress[1].pattern: source: …`,
			},
		},
		{
			name: "bad names",
			src:  dests + "routes:\n  - {name: \"my route\", pattern: {source: [x]}, to: [d, e]}\n",
			want: []string{
				`t.yaml:5:12: routes[0].name: "my route": use letters, digits, '-', '_' and '.' (starting with a letter or digit), at most 100 characters`,
			},
		},
		{
			name: "durations and group",
			src: dests + "routes:\n  - name: r\n    pattern: {source: [x]}\n    to: [d, e]\n    repeat_interval: 5\n" +
				"    group: {by: [AwsAccountID, Region, Region], wait: -1s, interval: 0s, max: 0, every: 1m}\n" +
				"  - name: r2\n    pattern: {source: [x]}\n    to: [d]\n    repeat_interval: 1fortnight\n    group: {by: Region, max: many}\n",
			want: []string{
				`t.yaml:8:22: routes[0].repeat_interval: a duration needs a unit, as in 30s, 5m, 1h or 1d`,
				`t.yaml:9:18: routes[0].group.by[0]: "AwsAccountID" is not a finding attribute to group by (did you mean "AwsAccountId"?)`,
				`t.yaml:9:40: routes[0].group.by[2]: "Region" is listed twice`,
				`t.yaml:9:55: routes[0].group.wait: duration "-1s" is negative`,
				`t.yaml:9:70: routes[0].group.interval: must be longer than 0`,
				`t.yaml:9:79: routes[0].group.max: must be between 1 and 10000`,
				`t.yaml:9:82: routes[0].group: unknown key "every"`,
				`t.yaml:13:22: routes[1].repeat_interval: invalid duration "1fortnight": write e.g. 30s, 5m, 1h30m, 1d or 1w`,
				`t.yaml:14:17: routes[1].group.by: want a list, got a string; write a one-item list as [name]`,
				`t.yaml:14:30: routes[1].group.max: want a whole number, got a string`,
			},
		},
		{
			name: "suppression until",
			src:  "suppress:\n  - {name: a, pattern: {source: [x]}, until: 2026-02-30}\n  - {name: b, pattern: {source: [x]}, until: tomorrow, reason: 5}\n  - {name: c, pattern: {source: [x]}, until: 2026-12-31T25:00:00Z}\n",
			want: []string{
				`t.yaml:2:46: suppress[0].until: "2026-02-30" is neither a date (2006-01-02) nor a time (2006-01-02T15:04:05Z07:00, or without the offset for the configured time zone)`,
				`t.yaml:3:46: suppress[1].until: "tomorrow" is neither a date (2006-01-02) nor a time (2006-01-02T15:04:05Z07:00, or without the offset for the configured time zone)`,
				`t.yaml:3:64: suppress[1].reason: want a string, got a number; quote it`,
				`t.yaml:4:46: suppress[2].until: "2026-12-31T25:00:00Z" is neither a date (2006-01-02) nor a time (2006-01-02T15:04:05Z07:00, or without the offset for the configured time zone)`,
			},
		},
		{
			name: "numbers JSON cannot carry",
			src:  dests + "routes:\n  - name: r\n    pattern:\n      detail:\n        findings:\n          AwsAccountId: [01234567, 0x1F, 1_000, .inf, +1, '0123456789012']\n    to: [d, e]\n",
			want: []string{
				`t.yaml:9:26: routes[0].pattern: 01234567 is not a number JSON can carry; quote it ("01234567") if it is a string, or write the number in plain decimal`,
				`t.yaml:9:36: routes[0].pattern: 0x1F is not a number JSON can carry; quote it ("0x1F") if it is a string, or write the number in plain decimal`,
				`t.yaml:9:42: routes[0].pattern: 1_000 is not a number JSON can carry; quote it ("1_000") if it is a string, or write the number in plain decimal`,
				`t.yaml:9:49: routes[0].pattern: .inf is not a number JSON can carry; quote it if it is a string`,
				`t.yaml:9:55: routes[0].pattern: +1 is not a number JSON can carry; quote it ("+1") if it is a string, or write the number in plain decimal`,
			},
		},
		{
			name: "pattern that is not an object",
			src:  dests + "routes:\n  - {name: a, pattern: [x], to: [d]}\n  - {name: b, pattern: '[1]', to: [e]}\n  - name: c\n    pattern:\n    to: [d]\n",
			want: []string{
				`t.yaml:5:24: routes[0].pattern: want a mapping (or a JSON object), got a list`,
				`t.yaml:6:24: routes[1].pattern: want a mapping (or a JSON object), got a list`,
				`t.yaml:8:5: routes[2].pattern: is empty`,
			},
		},
		{
			name: "invalid JSON pattern strings point inside the string",
			src: dests + "routes:\n  - name: a\n    pattern: |\n      {\"source\": [\"aws.securityhub\"],\n       \"detail\": {\"x\": [1, }}\n    to: [d]\n" +
				"  - {name: b, pattern: '{\"source\": [\"x\"], \"source\": [\"y\"}', to: [e]}\n" +
				"  - name: c\n    pattern: |-\n      {\"source\": [\"x\"]} extra\n    to: [d]\n",
			want: []string{
				`t.yaml:8:27: routes[0].pattern: invalid JSON: invalid character '}' looking for beginning of value`,
				`t.yaml:10:56: routes[1].pattern: invalid JSON: invalid character '}' after array element`,
				`t.yaml:13:25: routes[2].pattern: unexpected text after the JSON value`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, tt.src, WithDestinationTypes(stdoutTypes)), tt.want)
		})
	}
}

func TestErrorExcerpt(t *testing.T) {
	_, err := Parse("t.yaml", []byte("language: ja\ntimezone: Mars/Olympus\n"))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("got %v, want one error", err)
	}
	want := "t.yaml:2:11: timezone: unknown time zone \"Mars/Olympus\"; use an IANA name such as Asia/Tokyo or UTC\n" +
		"    2 | timezone: Mars/Olympus\n" +
		"      |           ^"
	if got := list.Detailed(); got != want {
		t.Errorf("Detailed() =\n%s\nwant\n%s", got, want)
	}
	var single *Error
	if !errors.As(err, &single) || single.Pos.Line != 2 {
		t.Errorf("errors.As(*Error) = %v", single)
	}
}

func TestExcerptKeepsTabs(t *testing.T) {
	e := &Error{Pos: Position{File: "f", Line: 12, Column: 4}, Msg: "m", source: "\t\tab"}
	want := "   12 | \t\tab\n      | \t\t ^"
	if got := e.Excerpt(); got != want {
		t.Errorf("Excerpt() = %q, want %q", got, want)
	}
	if got := (&Error{Pos: Position{File: "f", Line: 1, Column: 1}, Msg: "m"}).Excerpt(); got != "" {
		t.Errorf("Excerpt() without source = %q, want empty", got)
	}
}
