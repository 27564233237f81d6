package pattern

import "testing"

func TestComparableNumber(t *testing.T) {
	tests := []struct {
		lit  string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"5", 5_000_000, true},
		{"5.0", 5_000_000, true},
		{"5e0", 5_000_000, true},
		{"0.5E1", 5_000_000, true},
		{"3.018e2", 301_800_000, true},
		{"-122.413496", -122_413_496, true},
		{"0.000001", 1, true},
		{"1e-6", 1, true},
		{"0.0000001", 0, false},
		{"1.0000000", 1_000_000, true},
		{"1.0000001", 0, false},
		{"5000000000", 5_000_000_000_000_000, true},
		{"5e9", 5_000_000_000_000_000, true},
		{"-5e9", -5_000_000_000_000_000, true},
		{"5000000000.000001", 0, false},
		{"5000000001", 0, false},
		{"123456789012", 0, false},
		{"1e20", 0, false},
		{"1e999999999999", 0, false},
		{"0e999999999999", 0, true},
		{"1e-999999999999", 0, false},
		{"4999999999.999999", 4_999_999_999_999_999, true},
		{"00", 0, true}, // not JSON, but harmless: the scanner never passes it
		{"", 0, false},
		{"-", 0, false},
		{"1.", 0, false},
		{"1e", 0, false},
		{"x", 0, false},
		{"12345678901234567890123456789", 0, false},
		{"0.000000000000000000000000000000000001000000", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.lit, func(t *testing.T) {
			got, ok := comparableNumber([]byte(tt.lit))
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("comparableNumber(%q) = %d, %v; want %d, %v", tt.lit, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false},
		{"a*aa", "aaa", true},
		{"*/lib/*", "/usr/lib/x", true},
		{"Simple*Service", "Simple Storage Service", true},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\\b`, `a\b`, true},
		{`\**`, "*x", true},
		{"x", "x", true},
		{"x", "xx", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.value, func(t *testing.T) {
			w, err := parseWildcard(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.match([]byte(tt.value)); got != tt.want {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
		})
	}
}
