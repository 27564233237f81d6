package ingest

import (
	"fmt"
	"strings"
)

// InputError says the input itself is wrong: not JSON, not a Security Hub
// finding, over a size limit. Sending it again will not help. The findings
// of the same input that could be read were committed before it is
// returned; Accepted counts them.
type InputError struct {
	// Problems are the decoding errors, each naming the source, line and
	// column.
	Problems []error
	// Accepted is how many findings of the input were committed anyway.
	Accepted int
}

// Error lists the problems, at most five, and how many more there were.
func (e *InputError) Error() string {
	const shown = 5
	var b strings.Builder
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	if len(e.Problems) == 0 {
		b.WriteString("no findings in input")
	}
	return b.String()
}

// InputError marks the error as the client's: HTTP answers 400.
func (e *InputError) InputError() bool { return true }

// Unwrap returns the problems, so errors.Is finds finding.ErrSyntax and
// the other sentinel errors of package finding.
func (e *InputError) Unwrap() []error { return e.Problems }

// UnavailableError says the findings could not be committed because the
// store failed. Nothing of the input was committed; the sender should try
// again later.
type UnavailableError struct{ Err error }

// Error says what failed.
func (e *UnavailableError) Error() string { return "store unavailable: " + e.Err.Error() }

// Unwrap returns the store's error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable marks the error as temporary: HTTP answers 503.
func (e *UnavailableError) Unavailable() bool { return true }

// ErrClosed is returned by calls made after Close. It is temporary
// (Unavailable): the sender should try again, on this process once it is
// back or on another replica.
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string     { return "ingest: closed" }
func (closedError) Unavailable() bool { return true }
