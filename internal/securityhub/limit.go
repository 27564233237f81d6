package securityhub

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Limit is a client-side request rate: PerSecond requests a second on
// average, up to Burst at once. PerSecond <= 0 means no limit.
type Limit struct {
	PerSecond float64
	Burst     int
}

// Operation families sharing one rate limit: the V2 (OCSF) operation counts
// with its V1 twin. Any other operation is a family of its own, limited by
// DefaultOtherLimit.
const (
	FamilyGetFindings    = "GetFindings"
	FamilyUpdateFindings = "BatchUpdateFindings"
)

// DefaultOtherLimit is the limit of every operation family DefaultLimits
// does not name: what the Security Hub API reference documents for "all
// other operations".
var DefaultOtherLimit = Limit{PerSecond: 10, Burst: 30}

// DefaultLimits returns the client-side limits New uses, from the request
// limits the Security Hub API reference documents: GetFindings 3 requests a
// second with a burst of 6, BatchUpdateFindings 10 a second with a burst of
// 30. The caller owns the returned map.
func DefaultLimits() map[string]Limit {
	return map[string]Limit{
		FamilyGetFindings:    {PerSecond: 3, Burst: 6},
		FamilyUpdateFindings: {PerSecond: 10, Burst: 30},
	}
}

// family names the rate-limit family of an operation.
func family(op string) string {
	switch op {
	case "GetFindings", "GetFindingsV2":
		return FamilyGetFindings
	case "BatchUpdateFindings", "BatchUpdateFindingsV2":
		return FamilyUpdateFindings
	}
	return op
}

// tokenMargin is how much more than one token a bucket that is not full
// must hold before it lets a request go: the service's bucket is refilled
// at other instants than the client's, and rounding must not make the
// two disagree about a request sent at the last possible moment.
const tokenMargin = 1e-6

// limiter holds one token bucket per operation family. Safe for
// concurrent use.
type limiter struct {
	limits  map[string]Limit
	clock   Clock
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newLimiter(override map[string]Limit, clock Clock) (*limiter, error) {
	limits := DefaultLimits()
	for fam, l := range override {
		if math.IsNaN(l.PerSecond) || math.IsInf(l.PerSecond, 0) || (l.PerSecond > 0 && l.Burst < 1) {
			return nil, fmt.Errorf("rate limit of %s: want a finite rate and a burst of at least 1, got %v/s burst %d", fam, l.PerSecond, l.Burst)
		}
		limits[fam] = l
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &limiter{limits: limits, buckets: map[string]*bucket{}, clock: clock}, nil
}

// bucketFor returns the family's bucket, nil when it is not limited.
func (l *limiter) bucketFor(fam string) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[fam]; ok {
		return b
	}
	lim, ok := l.limits[fam]
	if !ok {
		lim = DefaultOtherLimit
	}
	var b *bucket
	if lim.PerSecond > 0 {
		b = &bucket{rate: lim.PerSecond, burst: float64(lim.Burst), tokens: float64(lim.Burst)}
	}
	l.buckets[fam] = b
	return b
}

// acquire waits until a request of op may be sent, or ctx is done, and
// returns the function to call when its answer is in.
func (l *limiter) acquire(ctx context.Context, op string) (func(), error) {
	b := l.bucketFor(family(op))
	if b == nil {
		return func() {}, nil
	}
	for {
		now := l.clock.Now()
		wait, freed := b.take(now)
		switch {
		case wait == 0 && freed == nil:
			return func() { b.done(l.clock.Now()) }, nil
		case freed != nil:
			select {
			case <-freed:
			case <-ctx.Done():
				return nil, fmt.Errorf("rate limit of %s: %w", family(op), ctx.Err())
			}
		default:
			if err := l.clock.Sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("rate limit of %s: %w", family(op), err)
			}
		}
	}
}

// middleware adds the limiter to an operation's stack, after the retry
// middleware, so that every attempt (retries included) takes a token. The
// attempt counts as in flight until its answer is read.
func (l *limiter) middleware(stack *middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc("HubrelayRateLimit", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		done, err := l.acquire(ctx, awsmiddleware.GetOperationName(ctx))
		if err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		defer done()
		return next.HandleFinalize(ctx, in)
	})
	if _, ok := stack.Finalize.Get("Retry"); ok {
		return stack.Finalize.Insert(mw, "Retry", middleware.After)
	}
	return stack.Finalize.Add(mw, middleware.After)
}

// bucket is a token bucket that knows how many of its requests are in
// flight. The service keeps a bucket of the same size and rate, and takes
// a token when a request arrives, which is some time after the client
// sent it. While a request is on its way, the service's bucket already
// holds the token the request will take, so it can refill less before it
// is full than the client's would if the client counted the request as
// gone: the client's bucket is therefore full at Burst less the requests
// in flight. With that, the service's bucket always holds at least the
// client's tokens plus one per request on its way, and a request the
// client lets go is never throttled, however late it arrives. Safe for
// concurrent use.
type bucket struct {
	mu       sync.Mutex
	rate     float64 // tokens a second
	burst    float64
	tokens   float64
	last     time.Time
	inflight int
	freed    chan struct{} // closed when a request in flight is done; nil when no one waits
}

// room is how many tokens the bucket holds when full; b.mu must be held.
func (b *bucket) room() float64 { return b.burst - float64(b.inflight) }

// refill adds the tokens earned since the last refill, up to room; b.mu
// must be held. A clock going back refills nothing.
func (b *bucket) refill(now time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		if room := b.room(); b.tokens < room {
			b.tokens = math.Min(room, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		}
	}
	if now.After(b.last) {
		b.last = now
	}
}

// take takes a token at now for a request that is sent at once, and
// returns (0, nil). Without a token to spare it takes nothing and returns
// how long to wait before trying again, or, when the requests in flight
// leave no room for another, a channel closed when one of them is done.
func (b *bucket) take(now time.Time) (time.Duration, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	room := b.room()
	if b.tokens >= 1+tokenMargin || (b.tokens >= 1 && b.tokens >= room) {
		b.tokens--
		b.inflight++
		return 0, nil
	}
	if room < 1 {
		if b.freed == nil {
			b.freed = make(chan struct{})
		}
		return 0, b.freed
	}
	need := math.Min(room, 1+tokenMargin) - b.tokens
	wait := time.Duration(math.Ceil(need / b.rate * float64(time.Second)))
	return max(wait, time.Nanosecond), nil
}

// done ends a request in flight at now, the time its answer was read.
func (b *bucket) done(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now) // up to now the request was in flight
	b.inflight--
	if b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
}
