package queue

import (
	"math/rand/v2"
	"time"
)

// Policy bounds the retries of one destination.
type Policy struct {
	// MaxAttempts is the most attempts a delivery gets before it is dead.
	MaxAttempts int
	// MaxAge is how long after its creation a delivery may still be tried.
	MaxAge time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts, which
	// doubles from MinBackoff with every attempt.
	MinBackoff, MaxBackoff time.Duration
}

// DefaultPolicy is used for destinations the Config does not describe.
var DefaultPolicy = Policy{MaxAttempts: 200, MaxAge: 24 * time.Hour, MinBackoff: time.Second, MaxBackoff: 5 * time.Minute}

// backoff returns the wait after the given failed attempt (1-based):
// MinBackoff·2^(attempt-1), capped at MaxBackoff, with "equal jitter"
// (half fixed, half random) so that retries of a burst spread out but
// never come back at once. retryAfter, the destination's own request,
// is a floor.
func (p Policy) backoff(attempt int, retryAfter time.Duration, rnd *rand.Rand) time.Duration {
	d := p.MinBackoff
	if d <= 0 {
		d = time.Second
	}
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	if p.MaxBackoff > 0 && d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	half := d / 2
	d = half + time.Duration(rnd.Int64N(int64(half)+1))
	if retryAfter > d {
		d = retryAfter
	}
	return d
}
