package orgtest

import "testing"

// NewTest starts a Server as New does and closes it when the test ends.
func NewTest(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}
