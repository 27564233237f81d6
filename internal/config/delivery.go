package config

import (
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Delivery says how the queue delivers what the routes committed: how many
// deliveries run at once, how long a claimed delivery is held, how often idle
// workers look for due work, and how failed deliveries are retried. It is the
// value of the optional top-level delivery: key; every field has a default.
type Delivery struct {
	// Workers is how many deliveries one process runs at once (1..256).
	Workers int
	// Lease is how long a worker holds a delivery it claimed before another
	// worker (in this or another process) may take it over; at least 1s.
	Lease time.Duration
	// Poll is how often an idle worker looks for due work; at least 10ms.
	Poll time.Duration
	// Retry holds the retry limits of every destination that does not set
	// its own (Destination.Retry is already resolved against it).
	Retry Retry
	// Pos is where delivery: is written; the zero Position when the file
	// leaves it out.
	Pos Position
}

// Retry says how long and how often a failed delivery is tried again. A
// delivery that has been tried MaxAttempts times, or is older than MaxAge, is
// dead: it is kept for inspection and replay but no longer tried. The wait
// before the next attempt grows from MinBackoff up to MaxBackoff (a
// destination's Retry-After wins when it asks for longer).
type Retry struct {
	// MaxAttempts is the most attempts one delivery gets, the first one
	// included (1..10000); 1 means no retries.
	MaxAttempts int
	// MaxAge is how long after it was committed a delivery may still be
	// tried; longer than 0.
	MaxAge time.Duration
	// MinBackoff is the wait after the first failed attempt; longer than 0
	// and at most MaxBackoff.
	MinBackoff time.Duration
	// MaxBackoff is the longest wait between two attempts.
	MaxBackoff time.Duration
}

// Rate limits how fast deliveries go to one destination. The zero value
// sets no limit at all.
type Rate struct {
	// Interval is the least time between the starts of two deliveries to
	// the destination; 0 means no spacing.
	Interval time.Duration
	// Concurrency is the most deliveries to the destination in flight at
	// once; 0 means no limit.
	Concurrency int
	// Pos is where rate: is written.
	Pos Position
}

// Defaults of delivery: and of every retry: mapping.
const (
	DefaultDeliveryWorkers   = 4
	DefaultDeliveryLease     = 2 * time.Minute
	DefaultDeliveryPoll      = 200 * time.Millisecond
	DefaultRetryMaxAttempts  = 200
	DefaultRetryMaxAge       = 24 * time.Hour
	DefaultRetryMinBackoff   = time.Second
	DefaultRetryMaxBackoff   = 5 * time.Minute
	maxDeliveryWorkers       = 256
	minDeliveryLease         = time.Second
	minDeliveryPoll          = 10 * time.Millisecond
	maxRetryMaxAttempts      = 10000
	deliveryRetryPath        = "delivery.retry"
	inheritedFromDeliveryMsg = "inherited from delivery.retry"
)

// DefaultDelivery returns the Delivery a file without delivery: gets. Callers
// that build a Config by hand (tests, the demo) use it; it is a fresh value
// on every call.
func DefaultDelivery() Delivery {
	return Delivery{
		Workers: DefaultDeliveryWorkers,
		Lease:   DefaultDeliveryLease,
		Poll:    DefaultDeliveryPoll,
		Retry:   DefaultRetry(),
	}
}

// DefaultRetry returns the Retry used when neither delivery.retry nor a
// destination's retry: sets a key. It is a fresh value on every call.
func DefaultRetry() Retry {
	return Retry{
		MaxAttempts: DefaultRetryMaxAttempts,
		MaxAge:      DefaultRetryMaxAge,
		MinBackoff:  DefaultRetryMinBackoff,
		MaxBackoff:  DefaultRetryMaxBackoff,
	}
}

var (
	deliveryKeys = []string{"workers", "lease", "poll", "retry"}
	retryKeys    = []string{"max_attempts", "max_age", "min_backoff", "max_backoff"}
	rateKeys     = []string{"interval", "concurrency"}
)

// decodeDelivery reads the top-level delivery: mapping (n is nil when it is
// left out). A value with a problem is reported and left at its default.
func (l *loader) decodeDelivery(key, n ast.Node) Delivery {
	d := DefaultDelivery()
	if key != nil {
		d.Pos = l.pos(key)
	}
	o, ok := l.object(n, "delivery", deliveryKeys...)
	if !ok {
		return d
	}
	if o.has("workers") {
		if w, ok := l.intValue(o.value("workers"), "delivery.workers"); ok {
			if w < 1 || w > maxDeliveryWorkers {
				l.errorf(o.value("workers"), "delivery.workers: must be between 1 and %d", maxDeliveryWorkers)
			} else {
				d.Workers = w
			}
		}
	}
	if v, ok := l.minDuration(o, "lease", "delivery", minDeliveryLease); ok {
		d.Lease = v
	}
	if v, ok := l.minDuration(o, "poll", "delivery", minDeliveryPoll); ok {
		d.Poll = v
	}
	if o.has("retry") {
		d.Retry, _ = l.decodeRetry(o.value("retry"), deliveryRetryPath, DefaultRetry(), "the default")
	}
	return d
}

// minDuration reads the duration at key when it is written, refusing values
// shorter than least. ok is false when the key is absent or has a problem.
func (l *loader) minDuration(o *object, key, path string, least time.Duration) (time.Duration, bool) {
	if !o.has(key) {
		return 0, false
	}
	at := path + "." + key
	d, ok := l.durationValue(o.value(key), at)
	if !ok {
		return 0, false
	}
	if d < least {
		l.errorf(o.value(key), "%s: must be at least %s", at, formatDuration(least))
		return 0, false
	}
	return d, true
}

// decodeRetry reads a retry: mapping at path. Keys it leaves out keep their
// value in base; from names where base comes from, for messages. Values with
// a problem are reported and keep base's value; ok is false if any had one.
func (l *loader) decodeRetry(n ast.Node, path string, base Retry, from string) (Retry, bool) {
	r := base
	o, ok := l.object(n, path, retryKeys...)
	if !ok {
		return r, false
	}
	valid := true
	if o.has("max_attempts") {
		m, ok := l.intValue(o.value("max_attempts"), path+".max_attempts")
		switch {
		case !ok:
			valid = false
		case m < 1 || m > maxRetryMaxAttempts:
			l.errorf(o.value("max_attempts"), "%s.max_attempts: must be between 1 and %d (1 means no retries)", path, maxRetryMaxAttempts)
			valid = false
		default:
			r.MaxAttempts = m
		}
	}
	for _, f := range []struct {
		key string
		dst *time.Duration
	}{{"max_age", &r.MaxAge}, {"min_backoff", &r.MinBackoff}, {"max_backoff", &r.MaxBackoff}} {
		if !o.has(f.key) {
			continue
		}
		d, ok := l.durationValue(o.value(f.key), path+"."+f.key)
		switch {
		case !ok:
			valid = false
		case d <= 0:
			l.errorf(o.value(f.key), "%s.%s: must be longer than 0", path, f.key)
			valid = false
		default:
			*f.dst = d
		}
	}
	// The order of the backoffs is checked only where one of them is
	// written, so that a mistake in delivery.retry is reported once and not
	// again at every destination inheriting it.
	if !valid || r.MinBackoff <= r.MaxBackoff {
		return r, valid
	}
	switch {
	case o.has("min_backoff") && o.has("max_backoff"):
		l.errorf(o.value("min_backoff"), "%s.min_backoff: %s is longer than max_backoff %s", path, formatDuration(r.MinBackoff), formatDuration(r.MaxBackoff))
	case o.has("min_backoff"):
		l.errorf(o.value("min_backoff"), "%s.min_backoff: %s is longer than max_backoff %s (%s); raise max_backoff too", path, formatDuration(r.MinBackoff), formatDuration(r.MaxBackoff), from)
	case o.has("max_backoff"):
		l.errorf(o.value("max_backoff"), "%s.max_backoff: %s is shorter than min_backoff %s (%s); lower min_backoff too", path, formatDuration(r.MaxBackoff), formatDuration(r.MinBackoff), from)
	default:
		return r, valid
	}
	return r, false
}

// decodeRate reads a destination's rate: mapping at path; key is the rate
// key, where the Rate is positioned. A key left out is 0 (no limit).
func (l *loader) decodeRate(key, n ast.Node, path string) (*Rate, bool) {
	rate := &Rate{Pos: l.pos(key)}
	o, ok := l.object(n, path, rateKeys...)
	if !ok {
		return nil, false
	}
	valid := true
	if o.has("interval") {
		// parseDuration refuses negative durations.
		d, ok := l.durationValue(o.value("interval"), path+".interval")
		valid = valid && ok
		rate.Interval = d
	}
	if o.has("concurrency") {
		c, ok := l.intValue(o.value("concurrency"), path+".concurrency")
		if ok && c < 0 {
			l.errorf(o.value("concurrency"), "%s.concurrency: must be 0 (no limit) or more", path)
			ok = false
		}
		valid = valid && ok
		rate.Concurrency = c
	}
	return rate, valid
}
