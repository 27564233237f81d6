package pattern

import (
	"fmt"
	"strconv"
	"strings"
)

// Error reports an invalid pattern: where in the pattern JSON the problem is
// and what is wrong. Compile and the filter compiler return *Error for every
// rejected pattern, so callers can point users at the exact spot.
type Error struct {
	// Path leads from the pattern's root to the problem: string keys for
	// object members and int indexes for array elements. It is empty when
	// the problem is the document as a whole (for example invalid JSON).
	Path []any
	// Msg says what is wrong, in words meant for the person who wrote the
	// pattern.
	Msg string
}

// Error renders the problem as `pattern: <path>: <msg>`, for example
// `pattern: detail.findings.Severity.Label[0]: prefix wants a string, got 3`.
func (e *Error) Error() string {
	p := FormatPath(e.Path)
	if p == "" {
		return "pattern: " + e.Msg
	}
	return "pattern: " + p + ": " + e.Msg
}

// FormatPath renders a path of object keys and array indexes the way Error
// does: keys joined by dots, indexes in brackets, and keys that would be
// ambiguous (empty, or holding '.', '[', ']', '"' or whitespace) quoted in
// brackets. It is safe for concurrent use.
func FormatPath(path []any) string {
	var b strings.Builder
	for _, step := range path {
		switch s := step.(type) {
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s))
			b.WriteByte(']')
		case string:
			if plainKey(s) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(s)
			} else {
				b.WriteByte('[')
				b.WriteString(strconv.Quote(s))
				b.WriteByte(']')
			}
		}
	}
	return b.String()
}

func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch r {
		case '.', '[', ']', '"', ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}

// errAt builds an *Error for a path; the path is copied so callers may keep
// appending to their own slice.
func errAt(path []any, format string, args ...any) *Error {
	p := make([]any, len(path))
	copy(p, path)
	return &Error{Path: p, Msg: fmt.Sprintf(format, args...)}
}
