package hubtest

import (
	"net/http"
	"strings"
	"time"
)

// rateLimit is the documented throttling limit of an operation: a steady
// rate (requests per second) and a burst.
type rateLimit struct {
	rate  float64
	burst float64
}

// limitFor returns an operation's limit from the Security Hub API reference
// ("The following throttling limits apply to using Security Hub API
// operations"): BatchEnableStandards 1/s burst 1; GetFindings 3/s burst 6;
// UpdateStandardsControl 1/s burst 5; all other operations 10/s burst 30.
// The partner guide gives BatchImportFindings the same 10/30. The V2
// operations are not listed separately and get the "all other" limit.
func limitFor(op string) rateLimit {
	switch op {
	case "GetFindings":
		return rateLimit{rate: 3, burst: 6}
	case "BatchEnableStandards":
		return rateLimit{rate: 1, burst: 1}
	case "UpdateStandardsControl":
		return rateLimit{rate: 1, burst: 5}
	default:
		return rateLimit{rate: 10, burst: 30}
	}
}

// bucket is a token bucket: it starts full, refills at the rate up to the
// burst, and a request takes one token.
type bucket struct {
	limit  rateLimit
	tokens float64
	last   time.Time
}

// take refills the bucket for the time since the last request and takes a
// token if there is one. A clock that goes backwards refills nothing.
func (b *bucket) take(now time.Time) bool {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.limit.burst, b.tokens+elapsed*b.limit.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// allow reports whether a request for op may proceed under Options.Throttle;
// s.mu must be held.
func (s *Server) allow(op string) bool {
	if !s.opts.Throttle {
		return true
	}
	now := s.now()
	b, ok := s.buckets[op]
	if !ok {
		l := limitFor(op)
		b = &bucket{limit: l, tokens: l.burst, last: now}
		s.buckets[op] = b
	}
	return b.take(now)
}

// throttleError is the answer to a throttled request: 429 with
// TooManyRequestsException, as the service answers the V1 operations, or
// ThrottlingException, which the V2 operations declare. Both are in the
// SDK retryer's list of throttling codes.
func throttleError(op string) *apiError {
	if strings.HasSuffix(op, "V2") {
		return errorf(http.StatusTooManyRequests, codeThrottling, "Rate exceeded")
	}
	return errorf(http.StatusTooManyRequests, codeTooManyRequests, "Too Many Requests")
}
