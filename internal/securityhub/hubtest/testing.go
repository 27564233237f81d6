package hubtest

import "testing"

// NewTest starts a Server as New does and closes it when the test ends
// (t.Cleanup). Call it from the test's goroutine.
func NewTest(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}
