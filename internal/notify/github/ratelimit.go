package github

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// DefaultRateLimitWait is the wait after a rate-limit answer that names no
// time: GitHub asks to "wait for at least one minute before retrying".
const DefaultRateLimitWait = time.Minute

// rateLimitWait reads GitHub's rate-limit answer as its REST documentation
// ("Rate limits for the REST API", "Exceeding the rate limit") describes
// it:
//
//   - a primary rate limit is a 403 or 429 with x-ratelimit-remaining: 0;
//     retry after x-ratelimit-reset (UTC epoch seconds);
//   - a secondary rate limit is a 403 or 429 whose message says so
//     (flagged); retry after Retry-After seconds when present, else after
//     x-ratelimit-reset when x-ratelimit-remaining is 0, else after at
//     least one minute.
//
// A 403 or 429 with a Retry-After header, and any 429, are read as rate
// limits too. It returns the wait (capped at notify.MaxRetryAfter) and
// whether the answer is a rate limit at all: a 403 without any of these
// signs is a permission problem, and permanent. Pure.
func rateLimitWait(status int, h http.Header, flagged bool, now time.Time) (time.Duration, bool) {
	if status != http.StatusForbidden && status != http.StatusTooManyRequests {
		return 0, false
	}
	if wait, ok := notify.ParseRetryAfter(h.Get("Retry-After"), now); ok {
		return wait, true
	}
	if strings.TrimSpace(h.Get("X-Ratelimit-Remaining")) == "0" {
		if wait, ok := resetWait(h.Get("X-Ratelimit-Reset"), now); ok {
			return wait, true
		}
		return DefaultRateLimitWait, true
	}
	if flagged || status == http.StatusTooManyRequests {
		return DefaultRateLimitWait, true
	}
	return 0, false
}

// resetWait reads x-ratelimit-reset (UTC epoch seconds) relative to now,
// rounded up to whole seconds and capped at notify.MaxRetryAfter; a reset
// in the past means no wait.
func resetWait(reset string, now time.Time) (time.Duration, bool) {
	epoch, err := strconv.ParseInt(strings.TrimSpace(reset), 10, 64)
	if err != nil || epoch <= 0 {
		return 0, false
	}
	wait := time.Unix(epoch, 0).Sub(now)
	switch {
	case wait <= 0:
		return 0, true
	case wait >= notify.MaxRetryAfter:
		return notify.MaxRetryAfter, true
	}
	return (wait + time.Second - 1).Truncate(time.Second), true
}

// mentionsRateLimit reports whether GitHub's error message or its
// documentation link names a rate limit ("You have exceeded a secondary
// rate limit…", "…#secondary-rate-limits").
func mentionsRateLimit(message, documentationURL string) bool {
	m := strings.ToLower(message)
	d := strings.ToLower(documentationURL)
	return strings.Contains(m, "rate limit") || strings.Contains(d, "rate-limit") || strings.Contains(d, "abuse")
}
