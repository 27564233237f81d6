package hubtest

import (
	"context"
	"sync"
	"time"
)

// Clock is a virtual clock for tests: Now reads it, and Sleep moves it
// forward instead of waiting. Share one between a Server (Options.Now:
// clock.Now) and the client under test (securityhub.Options.Clock), and
// the client's rate limits and retry back-off spend virtual time while
// the server's throttling (Options.Throttle) measures the same time: hours
// of rate-limited calls run in seconds, and a client that went faster
// than the documented limits would still be answered with throttling
// errors. Time only moves forward. Safe for concurrent use.
type Clock struct {
	mu    sync.Mutex
	start time.Time
	now   time.Time
}

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{start: start, now: start}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock d forward from the time it reads when called and
// returns at once; d <= 0 does nothing. It returns ctx's error, without
// moving the clock, when ctx is done. Goroutines sleeping at the same time
// each move the clock: virtual time runs at least as fast as their sleeps
// ask, never slower.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock d forward; d <= 0 does nothing.
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Elapsed returns how far the clock has moved since NewClock.
func (c *Clock) Elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Sub(c.start)
}
