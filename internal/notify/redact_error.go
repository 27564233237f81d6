package notify

import (
	"errors"
	"net/url"
	"strings"
)

// maxErrorDepth bounds the walk through an error chain.
const maxErrorDepth = 64

// Error returns err with every secret removed from its message. URLs inside
// *url.Error values (net/http puts the request URL in them) are scrubbed as
// by URL. The result keeps err's retry classification (an *Error stays an
// *Error with the same Retryable and RetryAfter), answers errors.Is for
// what err did (context.Canceled, context.DeadlineExceeded, ...) and
// errors.As for a *StatusError (a scrubbed copy), but it does not unwrap
// to the original chain, so the secrets cannot be reached through
// errors.Unwrap or errors.As. A nil err yields nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	clean := &redactedError{msg: r.errorMessage(err), orig: err}
	var status *StatusError
	if errors.As(err, &status) {
		clean.status = &StatusError{StatusCode: status.StatusCode, Body: r.String(status.Body)}
	}
	var e *Error
	if errors.As(err, &e) {
		return &Error{Err: clean, Retryable: e.Retryable, RetryAfter: e.RetryAfter}
	}
	return clean
}

func (r *Redactor) errorMessage(err error) string {
	msg := err.Error()
	walkErrors(err, 0, func(e error) {
		ue, ok := e.(*url.Error)
		if !ok || ue == nil {
			return
		}
		clean := &url.Error{Op: ue.Op, URL: r.URL(ue.URL), Err: ue.Err}
		msg = strings.ReplaceAll(msg, ue.Error(), clean.Error())
	})
	return r.String(msg)
}

// walkErrors calls visit for err and every error in its chain, following
// both Unwrap() error and Unwrap() []error.
func walkErrors(err error, depth int, visit func(error)) {
	if err == nil || depth > maxErrorDepth {
		return
	}
	visit(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), depth+1, visit)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, depth+1, visit)
		}
	}
}

// redactedError is an error message with its secrets removed. It hides the
// original chain but still answers errors.Is for it, and errors.As for its
// scrubbed *StatusError.
type redactedError struct {
	msg    string
	orig   error
	status *StatusError
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether the original error matched target, so callers can
// still tell a cancelled context or a timeout apart.
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// As gives the scrubbed copy of the original's *StatusError.
func (e *redactedError) As(target any) bool {
	if p, ok := target.(**StatusError); ok && e.status != nil {
		*p = e.status
		return true
	}
	return false
}
