package queue

import (
	"context"
	"sync"
	"time"
)

// Rate limits calls to one destination.
type Rate struct {
	// Interval is the least time between the starts of two calls, kept
	// across every process sharing the store. Zero: no spacing.
	Interval time.Duration
	// Concurrency is the most calls in flight from this process at once.
	// Zero: no limit.
	Concurrency int
}

// DefaultRate is the rate a destination type gets when the config says
// nothing: what each service documents or tolerates.
//   - slack: chat.postMessage allows about one message per second per
//     channel (bursts are tolerated briefly, then 429).
//   - backlog: writes are rate-limited per user; one at a time, a second
//     apart, keeps a busy space from answering 429.
//   - teams: Workflows/connector webhooks throttle at about 4 requests/s.
//
// Other types: no limit (their APIs answer 429 with Retry-After, which is
// honoured).
func DefaultRate(typ string) Rate {
	switch typ {
	case "slack":
		return Rate{Interval: time.Second}
	case "backlog":
		return Rate{Interval: time.Second, Concurrency: 1}
	case "teams":
		return Rate{Interval: 250 * time.Millisecond}
	}
	return Rate{}
}

func rateOf(d Destination) Rate {
	if d.Rate != nil {
		return *d.Rate
	}
	return DefaultRate(d.Type)
}

// reserver hands out start times spaced by interval per key; the store
// does it so that replicas share the spacing.
type reserver interface {
	Reserve(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Time, error)
}

// limiter applies each destination's Rate: a per-process semaphore for
// Concurrency, and a slot reserved in the store for Interval.
type limiter struct {
	st   reserver
	now  func() time.Time
	mu   sync.Mutex
	sem  map[string]chan struct{}
	last map[string]time.Time // when this process last started a call, per destination
}

func newLimiter(st reserver, now func() time.Time) *limiter {
	return &limiter{st: st, now: now, sem: map[string]chan struct{}{}, last: map[string]time.Time{}}
}

// acquire waits until dest may be called and returns the function that
// ends the call. It fails when ctx ends first or the store cannot reserve.
func (l *limiter) acquire(ctx context.Context, dest string, r Rate) (func(), error) {
	release := func() {}
	if r.Concurrency > 0 {
		sem := l.semaphore(dest, r.Concurrency)
		select {
		case sem <- struct{}{}:
			release = func() { <-sem }
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if r.Interval > 0 {
		at, err := l.st.Reserve(ctx, "destination:"+dest, r.Interval, l.now())
		if err != nil {
			release()
			return nil, err
		}
		// The slot bounds the start across processes; this process's own
		// last start bounds it too, so that a call that started late
		// (a timer that fired late) does not bring the next one closer.
		l.mu.Lock()
		if last, ok := l.last[dest]; ok && last.Add(r.Interval).After(at) {
			at = last.Add(r.Interval)
		}
		l.mu.Unlock()
		if err := sleepUntil(ctx, l.now, at); err != nil {
			release()
			return nil, err
		}
		l.mu.Lock()
		l.last[dest] = l.now()
		l.mu.Unlock()
	}
	return release, nil
}

// sleepUntil waits until the clock reads at least at, or ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, at time.Time) error {
	for {
		wait := at.Sub(now())
		if wait <= 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

func (l *limiter) semaphore(dest string, n int) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sem[dest]
	if !ok || cap(s) != n {
		s = make(chan struct{}, n)
		l.sem[dest] = s
	}
	return s
}
