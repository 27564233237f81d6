package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Credentials of the test server; none of them may appear in a log line or
// an answer.
const (
	testAPIKey   = "k-secret-1f3a"
	testUser     = "eventbridge"
	testPassword = "b-secret-9c7e"
	testBearer   = "t-secret-44d0"
	testMaxBody  = 64
)

func testConfig() HTTPConfig {
	return HTTPConfig{
		APIKey:        testAPIKey,
		BasicUser:     testUser,
		BasicPassword: testPassword,
		BearerToken:   testBearer,
		MaxBody:       testMaxBody,
	}
}

// inputErr and unavailErr have the shapes of the ingester's errors.
type inputErr struct{ msg string }

func (e *inputErr) Error() string    { return e.msg }
func (e *inputErr) InputError() bool { return true }

type unavailErr struct{ err error }

func (e *unavailErr) Error() string     { return "store unavailable: " + e.err.Error() }
func (e *unavailErr) Unwrap() error     { return e.err }
func (e *unavailErr) Unavailable() bool { return true }

// scriptedHandler answers by the body's content and records what it got.
type scriptedHandler struct {
	mu     sync.Mutex
	bodies []string
}

func (s *scriptedHandler) handle(ctx context.Context, body []byte) (any, error) {
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	s.mu.Unlock()
	switch string(body) {
	case "input":
		return nil, &inputErr{msg: "request body:1:17: Id is a number, want a string"}
	case "input-with-key":
		return nil, &inputErr{msg: "request body:1:2: unexpected " + testAPIKey}
	case "unavailable":
		return nil, fmt.Errorf("ingest: commit: %w", &unavailErr{err: errors.New("database is locked")})
	case "canceled":
		return nil, fmt.Errorf("ingest: wait for commit: %w", context.Canceled)
	case "boom":
		return nil, fmt.Errorf("store: insert: dial postgres://hubrelay:%s@db: refused", testPassword)
	case "panic":
		panic("handler bug")
	case "nil":
		return nil, nil
	case "unencodable":
		return make(chan int), nil
	}
	return map[string]int{"findings": 1}, nil
}

func (s *scriptedHandler) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// codes is an Observer that keeps every status code.
type codes struct {
	mu  sync.Mutex
	got []int
}

func (c *codes) Request(code int) {
	c.mu.Lock()
	c.got = append(c.got, code)
	c.mu.Unlock()
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger logs JSON at debug level into buf.
func testLogger(buf io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// request describes one test request.
type request struct {
	method  string
	path    string
	header  map[string]string
	body    string
	chunked bool // send without Content-Length
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   string
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// send makes a real HTTP request to srv.
func send(t *testing.T, srv *httptest.Server, rq request) response {
	t.Helper()
	method, path := rq.method, rq.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = DefaultPath
	}
	var body io.Reader = strings.NewReader(rq.body)
	if rq.chunked {
		body = io.MultiReader(strings.NewReader(rq.body)) // unknown length
	}
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
