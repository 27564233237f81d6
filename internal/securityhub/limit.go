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

// limiter holds one token bucket per operation family. Safe for
// concurrent use.
type limiter struct {
	limits  map[string]Limit
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

func newLimiter(override map[string]Limit) (*limiter, error) {
	limits := DefaultLimits()
	for fam, l := range override {
		if math.IsNaN(l.PerSecond) || math.IsInf(l.PerSecond, 0) || (l.PerSecond > 0 && l.Burst < 1) {
			return nil, fmt.Errorf("rate limit of %s: want a finite rate and a burst of at least 1, got %v/s burst %d", fam, l.PerSecond, l.Burst)
		}
		limits[fam] = l
	}
	return &limiter{limits: limits, buckets: map[string]*bucket{}, now: time.Now}, nil
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

// wait blocks until the operation may be sent, or ctx is done.
func (l *limiter) wait(ctx context.Context, op string) error {
	b := l.bucketFor(family(op))
	if b == nil {
		return nil
	}
	d := b.reserve(l.now())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.cancel()
		return fmt.Errorf("rate limit of %s: %w", family(op), ctx.Err())
	}
}

// middleware adds the limiter to an operation's stack, after the retry
// middleware, so that every attempt (retries included) takes a token.
func (l *limiter) middleware(stack *middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc("HubrelayRateLimit", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if err := l.wait(ctx, awsmiddleware.GetOperationName(ctx)); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		return next.HandleFinalize(ctx, in)
	})
	if _, ok := stack.Finalize.Get("Retry"); ok {
		return stack.Finalize.Insert(mw, "Retry", middleware.After)
	}
	return stack.Finalize.Add(mw, middleware.After)
}

// bucket is a token bucket that hands out reservations: a caller takes a
// token now, possibly going into debt, and waits until the debt is paid.
// Safe for concurrent use.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens a second
	burst  float64
	tokens float64
	last   time.Time
}

// reserve takes one token at now and returns how long the caller must wait
// before using it (0 when a token was available).
func (b *bucket) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// cancel gives back a token reserved by a caller that stopped waiting.
func (b *bucket) cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = math.Min(b.burst, b.tokens+1)
}
