package finding

import (
	"errors"
	"fmt"
)

// Item is one finding read from an input, with the EventBridge event that
// patterns are matched against. Items are plain values: safe to share between
// goroutines as long as nobody modifies them.
type Item struct {
	Finding *Finding
	// Event is the EventBridge event for this finding alone: the original
	// event bytes when the finding arrived as the only finding of an event;
	// the same envelope with detail.findings holding just this finding when
	// the event carried several; the envelope EventBridge would have sent
	// (see Wrap) when the finding arrived bare or in a GetFindings response.
	Event []byte
	// Source is the input's name as given: a file path, or "-" for standard
	// input.
	Source string
	// Line is the 1-based line where the finding's JSON object starts in
	// Source; 0 if unknown.
	Line int
	// Index is the 0-based position of the finding among all findings met in
	// Source, counting findings that failed to decode, so that it matches the
	// "finding N" of the errors.
	Index int
}

// Error is one part of an input that could not be read: a document that is
// not valid JSON, not a Security Hub shape, over a size limit, or a finding
// with a wrongly typed field. The other documents of the same input are still
// decoded. Error is immutable and safe to share.
type Error struct {
	Source string // the input's name as given
	Line   int    // 1-based line of the problem; 0 if the input could not be read at all
	Column int    // 1-based column (in characters) of the problem
	Offset int64  // 0-based byte offset of the problem
	Err    error  // what is wrong
}

// Error returns "source:line:column: what is wrong".
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.Source, e.Line, e.Column, e.Err)
}

// Unwrap returns the underlying error, so errors.Is(err, ErrTooLarge) works.
func (e *Error) Unwrap() error { return e.Err }

// Size limits AWS sets, enforced by Decode.
const (
	// MaxEventSize is the largest EventBridge event: 1 MiB since January 2026
	// (it was 256 KB before).
	MaxEventSize = 1 << 20
	// MaxFindingSize is the largest finding BatchImportFindings accepts
	// ("up to 240 KB per finding").
	MaxFindingSize = 240 << 10
)

// Sentinel errors wrapped by *Error, for callers that must tell kinds apart
// (an HTTP source answers 413 for ErrTooLarge).
var (
	// ErrSyntax marks input that is not valid JSON.
	ErrSyntax = errors.New("JSON syntax error")
	// ErrTooLarge marks an event or finding over MaxEventSize or MaxFindingSize.
	ErrTooLarge = errors.New("too large")
	// ErrNotFinding marks valid JSON that is no Security Hub shape, or a
	// finding that lacks its identifier or has a wrongly typed field.
	ErrNotFinding = errors.New("not a Security Hub finding")
)
