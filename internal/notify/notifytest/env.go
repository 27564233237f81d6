package notifytest

import (
	"bytes"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// Now is the fixed time of the Env's clock: 2026-01-02T03:04:05Z.
func Now() time.Time { return time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC) }

// Logs captures what a destination logs, as JSON lines. Safe for
// concurrent use.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer for the slog handler.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// NewEnv returns an Env for tests: an HTTP client with a 5s timeout, a
// debug-level logger writing JSON to the returned Logs, language "en",
// UTC, region us-east-1, the fixed clock Now and a Redactor that knows no
// secrets (so a destination must declare its own). Stdout is nil.
func NewEnv(t testing.TB) (notify.Env, *Logs) {
	t.Helper()
	logs := &Logs{}
	return notify.Env{
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Logger:     slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Language:   "en",
		Location:   time.UTC,
		Region:     "us-east-1",
		Now:        Now,
		Redactor:   notify.NewRedactor(),
	}, logs
}
