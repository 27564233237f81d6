package notify

import (
	"net/http"
	"strings"
	"time"
)

// MaxRetryAfter caps the wait a destination can ask for. A longer
// Retry-After (a maintenance window, a daily quota) is shortened to this;
// the retry then meets a fresh answer and waits again.
const MaxRetryAfter = time.Hour

// ParseRetryAfter reads a Retry-After header value as RFC 9110 §10.2.3
// defines it: either delay-seconds (one or more ASCII digits) or an
// HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms every
// recipient must accept), relative to now.
//
// It returns the wait, capped to [0, MaxRetryAfter], and whether value was
// well-formed. A date in the past means "retry now" (0, true). Surrounding
// whitespace is ignored; anything else (signs, fractions, units) is
// malformed and yields (0, false). Pure and safe for concurrent use.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if isDigits(value) {
		return delaySeconds(value), true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return clampRetryAfter(at.Sub(now)), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// delaySeconds converts a string of digits to a capped duration without
// overflowing, however long the string.
func delaySeconds(digits string) time.Duration {
	maxSeconds := int64(MaxRetryAfter / time.Second)
	var n int64
	for i := 0; i < len(digits); i++ {
		n = n*10 + int64(digits[i]-'0')
		if n >= maxSeconds {
			return MaxRetryAfter
		}
	}
	return time.Duration(n) * time.Second
}

func clampRetryAfter(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d > MaxRetryAfter:
		return MaxRetryAfter
	}
	return d
}
