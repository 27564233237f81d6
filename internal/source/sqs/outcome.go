package sqssource

import (
	"errors"

	"github.com/hubrelay/hubrelay/internal/source"
)

// Outcome is what a Handler's result means for the message it was given.
type Outcome int

const (
	// Committed: the Handler returned nil; the findings are committed and
	// the message is acknowledged.
	Committed Outcome = iota
	// Rejected: the body can be no finding (the error is a
	// source.InputError); receiving it again will not change that.
	Rejected
	// Retry: nothing says the findings were committed (the store is
	// unavailable, hubrelay is stopping, or an unexpected failure); the
	// message must be received again.
	Retry
)

// String names the outcome for logs.
func (o Outcome) String() string {
	switch o {
	case Committed:
		return "committed"
	case Rejected:
		return "rejected"
	}
	return "retry"
}

// Classify returns the Outcome of a Handler's error: nil is Committed, a
// source.Unavailable error is Retry, a source.InputError is Rejected, and
// any other error is Retry, so that a message is never lost to a failure
// nobody foresaw. The SQS source and the Lambda handler both decide with
// it. Safe for concurrent use.
func Classify(err error) Outcome {
	if err == nil {
		return Committed
	}
	var u source.Unavailable
	if errors.As(err, &u) && u.Unavailable() {
		return Retry
	}
	var in source.InputError
	if errors.As(err, &in) && in.InputError() {
		return Rejected
	}
	return Retry
}
