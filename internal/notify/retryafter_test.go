package notify

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

var retryAfterNow = time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"delay-seconds", "120", 2 * time.Minute, true},
		{"zero", "0", 0, true},
		{"leading zeros", "007", 7 * time.Second, true},
		{"surrounding whitespace", " \t30 ", 30 * time.Second, true},
		{"capped", "86400", MaxRetryAfter, true},
		{"exactly the cap", "3600", MaxRetryAfter, true},
		{"huge number does not overflow", "99999999999999999999999999999", MaxRetryAfter, true},
		{"IMF-fixdate in the future", "Fri, 02 Jan 2026 03:05:35 GMT", 90 * time.Second, true},
		{"IMF-fixdate in the past means now", "Thu, 01 Jan 2026 00:00:00 GMT", 0, true},
		{"IMF-fixdate far ahead is capped", "Sat, 03 Jan 2026 03:04:05 GMT", MaxRetryAfter, true},
		{"obsolete RFC 850 date", "Friday, 02-Jan-26 03:06:05 GMT", 2 * time.Minute, true},
		{"obsolete asctime date", "Fri Jan  2 03:04:15 2026", 10 * time.Second, true},
		{"RFC 9110 example date (past)", "Fri, 31 Dec 1999 23:59:59 GMT", 0, true},
		{"empty", "", 0, false},
		{"only spaces", "   ", 0, false},
		{"negative", "-5", 0, false},
		{"plus sign", "+5", 0, false},
		{"fraction", "1.5", 0, false},
		{"unit", "10s", 0, false},
		{"word", "soon", 0, false},
		{"inner space", "1 0", 0, false},
		{"date with bad zone", "Fri, 02 Jan 2026 03:05:35 JST", 0, false},
		{"RFC 3339 is not an HTTP-date", "2026-01-02T03:05:35Z", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.value, retryAfterNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, seed := range []string{
		"120", "0", " 7 ", "86400", "99999999999999999999",
		"Fri, 02 Jan 2026 03:05:35 GMT", "Friday, 02-Jan-26 03:06:05 GMT",
		"Fri Jan  2 03:04:15 2026", "Wed, 21 Oct 2015 07:28:00 GMT",
		"-1", "1.5", "soon", "", "\x00", "٣", // Arabic-Indic digit three
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, ok := ParseRetryAfter(value, retryAfterNow)
		if got < 0 || got > MaxRetryAfter {
			t.Fatalf("ParseRetryAfter(%q) = %v, outside [0, %v]", value, got, MaxRetryAfter)
		}
		if !ok && got != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v for a malformed value; want 0", value, got)
		}
		trimmed := strings.TrimSpace(value)
		if trimmed != "" && isDigits(trimmed) {
			if !ok {
				t.Fatalf("ParseRetryAfter(%q): delay-seconds rejected", value)
			}
			if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil && n < int64(MaxRetryAfter/time.Second) &&
				got != time.Duration(n)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", value, got, n)
			}
		}
		if ok && !isDigits(trimmed) {
			if _, err := http.ParseTime(trimmed); err != nil {
				t.Fatalf("ParseRetryAfter(%q) accepted something that is neither delay-seconds nor an HTTP-date", value)
			}
		}
	})
}

func BenchmarkParseRetryAfter(b *testing.B) {
	for _, value := range []string{"120", "Fri, 02 Jan 2026 03:05:35 GMT"} {
		b.Run(value, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseRetryAfter(value, retryAfterNow)
			}
		})
	}
}
