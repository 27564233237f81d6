package notify

import (
	"errors"
	"time"
)

// Error marks a delivery failure the queue may retry. It is the only way a
// Notifier says "try again": an error whose chain holds no *Error is
// permanent, and so is one whose outermost *Error has Retryable false.
//
// Values are immutable once returned; they are safe to share between
// goroutines.
type Error struct {
	// Err is what went wrong, already scrubbed of secrets.
	Err error
	// Retryable reports whether delivering the same message again may
	// succeed.
	Retryable bool
	// RetryAfter is how long the destination asked us to wait (from a
	// Retry-After header or an API's rate-limit answer); zero when it did
	// not say, and the queue then uses its own back-off.
	RetryAfter time.Duration
}

// Error returns the underlying error's message.
func (e *Error) Error() string {
	if e.Err == nil {
		if e.Retryable {
			return "retryable delivery failure"
		}
		return "permanent delivery failure"
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Retry marks err as retryable after at least after (zero: the queue's own
// back-off; negative values count as zero). It returns nil when err is nil.
func Retry(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	if after < 0 {
		after = 0
	}
	return &Error{Err: err, Retryable: true, RetryAfter: after}
}

// Permanent marks err as not retryable, overriding any retryable *Error
// deeper in its chain. It returns nil when err is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err}
}

// ShouldRetry is the queue's reading of a Notify error: whether to retry,
// and the least time to wait first. The outermost *Error in the chain
// decides; without one the error is permanent. A nil error is not retried.
func ShouldRetry(err error) (retry bool, after time.Duration) {
	var e *Error
	if !errors.As(err, &e) {
		return false, 0
	}
	return e.Retryable, e.RetryAfter
}
