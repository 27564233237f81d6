package source

import (
	"context"
	"errors"
)

// InputError is implemented by a Handler error that blames the request
// body (not JSON, not a finding, over a limit). When InputError returns
// true the source answers 400 with the error's message, which must name
// the problem and where it is, such as "request body:1:17: …". EventBridge
// does not retry a 400.
type InputError interface{ InputError() bool }

// Unavailable is implemented by a Handler error that a later attempt may
// not meet (the store is down). When Unavailable returns true the source
// answers 503 with Retry-After, and EventBridge sends the event again. The
// Handler must not have committed anything of the request.
type Unavailable interface{ Unavailable() bool }

// outcome is how a Handler error is answered.
type outcome int

const (
	failed      outcome = iota // 500: a bug or an unknown failure
	badInput                   // 400: the request is at fault
	unavailable                // 503: try again later
)

// classify decides how to answer err. ctx is the request's context: when
// it is done (the server is shutting down or the client went away), the
// request was cut short and may be sent again.
func classify(ctx context.Context, err error) outcome {
	var u Unavailable
	if errors.As(err, &u) && u.Unavailable() {
		return unavailable
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		return unavailable
	}
	var in InputError
	if errors.As(err, &in) && in.InputError() {
		return badInput
	}
	return failed
}
