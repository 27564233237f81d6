package securityhub

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Clock is the time a Client lives by: its rate limits read it and wait on
// it, the retry back-off of its throttled calls sleeps on it when one is
// given in Options, and a Poller without a clock of its own reads it.
// hubtest.Clock is a virtual one, shared with the in-process API so that
// a test runs hours of rate-limited calls in seconds while the server
// still throttles what comes too fast. Implementations must be safe for
// concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep returns once d has passed on the clock (at once when d <= 0),
	// or earlier with ctx's error when ctx is done first.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the wall clock: time.Now and a timer. The zero value is
// ready to use; it is the Clock of a Client whose Options name none.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits d on a timer, or until ctx is done.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// clockBackoff spends the SDK's retry back-off on a Clock: it computes the
// delay as the standard retryer does (exponential with jitter, up to the
// maximum), sleeps it on the clock and tells the SDK to wait no longer.
// The SDK gives BackoffDelay no context, so the sleep cannot be cut short;
// a cancelled call notices after the delay, which MaxBackoff bounds.
type clockBackoff struct {
	clock Clock
	delay retry.BackoffDelayer
}

// BackoffDelay sleeps the attempt's delay on the clock and returns 0.
func (b clockBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	d, derr := b.delay.BackoffDelay(attempt, err)
	if derr != nil {
		return 0, derr
	}
	if serr := b.clock.Sleep(context.Background(), d); serr != nil {
		return 0, serr
	}
	return 0, nil
}
