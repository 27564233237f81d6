package pattern

import (
	"testing"
	"time"
)

func TestParseASFFTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC3339Nano in UTC, "" for invalid
	}{
		// The forms the Security Hub API reference lists (DateFilter.Start).
		{"2019-01-31T23:00:00Z", "2019-01-31T23:00:00Z"},
		{"2019-01-31T23:00:00.123456789Z", "2019-01-31T23:00:00.123456789Z"},
		{"2024-01-04T15:25:10+17:59", "2024-01-03T21:26:10Z"},
		{"2024-01-04T15:25:10-1759", "2024-01-05T09:24:10Z"},
		{"2024-01-04T15:25:10.123456789+17:59", "2024-01-03T21:26:10.123456789Z"},
		{"2024-01-04T15:25:10+05", "2024-01-04T10:25:10Z"},
		{"2021-02-17T14:56:09.063Z", "2021-02-17T14:56:09.063Z"},
		{"2020-05-27T03:37:40.000000-05:00", "2020-05-27T08:37:40Z"},
		{"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"},
		{"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"2024-01-04T15:25:10+18:00", "2024-01-03T21:25:10Z"},
		{"2024-01-04T15:25:10+18:01", ""},
		{"2024-01-04T15:25:10.1234567890Z", ""},
		{"2023-02-29T00:00:00Z", ""},
		{"2024-13-01T00:00:00Z", ""},
		{"2024-01-01T24:00:00Z", ""},
		{"2024-01-01T12:00:60Z", ""},
		{"2024-01-01T12:00Z", ""},
		{"2024-01-01", ""},
		{"2024-01-01 12:00:00Z", ""},
		{"2024-01-01T12:00:00", ""},
		{"2024-01-01T12:00:00.Z", ""},
		{"2024-01-01T12:00:00+1", ""},
		{"2024-01-01T12:00:00+01:6", ""},
		{"2024-01-01t12:00:00z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseASFFTime([]byte(tt.in))
			if tt.want == "" {
				if ok {
					t.Errorf("parsed as %v, want invalid", got)
				}
				return
			}
			if !ok {
				t.Fatalf("invalid, want %s", tt.want)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("= %s, want %s", s, tt.want)
			}
		})
	}
}

func TestDateOperator(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, operand, value string
		want                 bool
	}{
		{"start inclusive", `{"start":"2024-01-01T00:00:00Z"}`, "2024-01-01T00:00:00Z", true},
		{"before start", `{"start":"2024-01-01T00:00:00Z"}`, "2023-12-31T23:59:59.999Z", false},
		{"end inclusive", `{"end":"2024-01-01T00:00:00Z"}`, "2024-01-01T01:00:00+01:00", true},
		{"after end", `{"end":"2024-01-01T00:00:00Z"}`, "2024-01-01T00:00:00.000000001Z", false},
		{"fixed range", `{"start":"2024-01-01T00:00:00Z","end":"2024-02-01T00:00:00Z"}`, "2024-01-15T00:00:00Z", true},
		{"within", `{"within_days":7}`, "2024-02-25T00:00:00Z", true},
		{"within edge", `{"within_days":7}`, "2024-02-23T12:00:00Z", true},
		{"outside within", `{"within_days":7}`, "2024-02-23T11:59:59Z", false},
		{"future is not within", `{"within_days":7}`, "2024-03-02T00:00:00Z", false},
		{"older than", `{"older_than_days":30}`, "2024-01-01T00:00:00Z", true},
		{"not older than", `{"older_than_days":30}`, "2024-02-15T00:00:00Z", false},
		{"older than edge is not older", `{"older_than_days":1}`, "2024-02-29T12:00:00Z", false},
		{"all members", `{"start":"2023-01-01T00:00:00Z","end":"2024-12-31T00:00:00Z","within_days":90,"older_than_days":1}`, "2024-02-01T00:00:00Z", true},
		{"not a timestamp", `{"within_days":7}`, "yesterday", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := compileExt([]byte(`{"t":[{"hubrelay-date":`+tt.operand+`}]}`), true)
			if err != nil {
				t.Fatal(err)
			}
			event := []byte(`{"t":"` + tt.value + `"}`)
			got, err := p.MatchAt(event, now)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Pattern.MatchAt = %v, want %v", got, tt.want)
			}
			s := NewSet[int]()
			s.Add(0, p)
			keys, _ := s.MatchAt(event, now)
			if (len(keys) == 1) != tt.want {
				t.Errorf("Set.MatchAt = %v, want %v", keys, tt.want)
			}
		})
	}
	if ok, _ := mustCompileExt(t, `{"t":[{"hubrelay-date":{"within_days":7}}]}`).MatchAt([]byte(`{"t":5}`), now); ok {
		t.Error("date matched a number")
	}
}

func mustCompileExt(t *testing.T, src string) *Pattern {
	t.Helper()
	p, err := compileExt([]byte(src), true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDateOperatorInvalid(t *testing.T) {
	tests := []struct{ name, operand, path string }{
		{"empty", `{}`, "t[0]"},
		{"not an object", `7`, "t[0]"},
		{"bad start", `{"start":"2024-01-01"}`, "t[0].start"},
		{"start not string", `{"start":1}`, "t[0].start"},
		{"start after end", `{"start":"2024-02-01T00:00:00Z","end":"2024-01-01T00:00:00Z"}`, "t[0]"},
		{"fractional days", `{"within_days":1.5}`, "t[0].within_days"},
		{"negative days", `{"older_than_days":-1}`, "t[0].older_than_days"},
		{"days as string", `{"within_days":"7"}`, "t[0].within_days"},
		{"too many days", `{"within_days":1000000}`, "t[0].within_days"},
		{"unknown member", `{"unit":"DAYS"}`, "t[0].unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileExt([]byte(`{"t":[{"hubrelay-date":`+tt.operand+`}]}`), true)
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error = %v, want *Error", err)
			}
			if got := FormatPath(pe.Path); got != tt.path {
				t.Errorf("path = %q, want %q (%v)", got, tt.path, err)
			}
		})
	}
}
