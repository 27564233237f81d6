package archive

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// testSecret is the link secret of the test archives; tests check it never
// shows in a page, an error or a log line.
const testSecret = "s3cr3t-0123456789abcdef0123456789abcdef"

// t0 is the fake clock's start: Monday 2026-11-23 09:00 in Tokyo.
var t0 = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// logBuffer collects log lines for leak checks.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// fixture is a Local under a temporary directory with a fake clock.
type fixture struct {
	*Local
	dir   string
	clock *clock
	logs  *logBuffer
}

// newFixture builds a Local; edit adjusts the options first.
func newFixture(t *testing.T, edit func(*LocalOptions)) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: &clock{now: t0}, logs: &logBuffer{}}
	opt := LocalOptions{
		Dir:      f.dir,
		BaseURL:  "https://hubrelay.example.com",
		Secret:   testSecret,
		Location: tokyo,
		Now:      f.clock.Now,
		Log:      slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&opt)
	}
	l, err := NewLocal(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	f.Local = l
	return f
}

// put stores data under key or fails the test.
func (f *fixture) put(t *testing.T, key string, data []byte) {
	t.Helper()
	if err := f.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

// link returns a signed link to key or fails the test.
func (f *fixture) link(t *testing.T, key string, expires time.Duration) string {
	t.Helper()
	u, err := f.Link(context.Background(), key, expires)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// checkNoSecret fails when text holds the link secret or a signature.
func checkNoSecret(t *testing.T, what, text string, sigs ...string) {
	t.Helper()
	if strings.Contains(text, testSecret) {
		t.Errorf("%s contains the secret:\n%s", what, text)
	}
	for _, s := range sigs {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains the signature %q:\n%s", what, s, text)
		}
	}
}

func prefixes(t testing.TB, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
