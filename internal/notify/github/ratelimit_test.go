package github

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

func TestRateLimitWait(t *testing.T) {
	now := fixedNow()
	epoch := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name      string
		status    int
		header    http.Header
		flagged   bool
		want      time.Duration
		wantLimit bool
	}{
		{"retry-after first", 403, http.Header{"Retry-After": {"30"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {epoch(time.Hour)}}, true, 30 * time.Second, true},
		{"remaining 0 waits for reset", 403, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {epoch(90 * time.Second)}}, false, 90 * time.Second, true},
		{"reset in the past", 403, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {epoch(-time.Minute)}}, false, 0, true},
		{"reset far ahead capped", 403, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {epoch(5 * time.Hour)}}, false, notify.MaxRetryAfter, true},
		{"malformed reset", 403, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"soon"}}, false, DefaultRateLimitWait, true},
		{"secondary without headers", 403, nil, true, DefaultRateLimitWait, true},
		{"429 without headers", 429, nil, false, DefaultRateLimitWait, true},
		{"403 with retry-after only", 403, http.Header{"Retry-After": {"5"}}, false, 5 * time.Second, true},
		{"403 permission", 403, http.Header{"X-Ratelimit-Remaining": {"4999"}}, false, 0, false},
		{"404 is no rate limit", 404, http.Header{"Retry-After": {"5"}}, true, 0, false},
		{"503 is notify's", 503, http.Header{"Retry-After": {"5"}}, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, limited := rateLimitWait(tt.status, tt.header, tt.flagged, now)
			if got != tt.want || limited != tt.wantLimit {
				t.Errorf("rateLimitWait = %v, %v; want %v, %v", got, limited, tt.want, tt.wantLimit)
			}
		})
	}
}

func TestRateLimitWaitRoundsUp(t *testing.T) {
	now := fixedNow().Add(300 * time.Millisecond)
	reset := strconv.FormatInt(fixedNow().Add(2*time.Second).Unix(), 10)
	got, _ := rateLimitWait(429, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}, false, now)
	if got != 2*time.Second {
		t.Errorf("wait %v for a reset 1.7s ahead; want 2s, so the retry never comes before the reset", got)
	}
}

func TestMentionsRateLimit(t *testing.T) {
	for _, tt := range []struct {
		message, doc string
		want         bool
	}{
		{"You have exceeded a secondary rate limit.", "", true},
		{"", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", true},
		{"You have triggered an abuse detection mechanism.", "https://docs.github.com/rest#abuse-rate-limits", true},
		{"Resource not accessible by integration", "https://docs.github.com/rest/issues/issues#create-an-issue", false},
	} {
		if got := mentionsRateLimit(tt.message, tt.doc); got != tt.want {
			t.Errorf("mentionsRateLimit(%q, %q) = %v", tt.message, tt.doc, got)
		}
	}
}
