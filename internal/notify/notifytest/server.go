package notifytest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Response is one scripted answer of a Server.
type Response struct {
	// Status is the HTTP status; zero means 200.
	Status int
	// Header is sent with the answer (Retry-After, Location, ...).
	Header http.Header
	// Body is the answer's body.
	Body string
	// Hang holds the request without answering until the client gives up
	// (its timeout or context) or the server closes: a timeout.
	Hang bool
	// HangUp closes the connection without answering.
	HangUp bool
}

// Request is what a Server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, unescaped.
	Path string
	// RawQuery is the query string without "?".
	RawQuery string
	// Header holds the request headers.
	Header http.Header
	// Body is the whole request body.
	Body []byte
}

// Server is an httptest server that answers from a script and records
// every request, for contract tests of HTTP destinations. Safe for
// concurrent use; it closes itself when the test ends.
type Server struct {
	// URL is the server's base URL, "http://127.0.0.1:port".
	URL string

	srv     *httptest.Server
	stop    chan struct{}
	once    sync.Once
	respond func(Request) Response

	mu       sync.Mutex
	requests []Request
}

// NewServer starts a server that answers the n-th request with script[n];
// once the script is used up it repeats the last answer. An empty script
// answers 200 with an empty body.
func NewServer(t testing.TB, script ...Response) *Server {
	t.Helper()
	var (
		mu   sync.Mutex
		next int
	)
	return NewServerFunc(t, func(Request) Response {
		mu.Lock()
		defer mu.Unlock()
		if len(script) == 0 {
			return Response{}
		}
		r := script[min(next, len(script)-1)]
		next++
		return r
	})
}

// NewServerFunc starts a server that answers each request with respond's
// Response, for answers that depend on the request (echoes, IDs).
func NewServerFunc(t testing.TB, respond func(Request) Response) *Server {
	t.Helper()
	s := &Server{stop: make(chan struct{}), respond: respond}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	resp := s.respond(req)
	switch {
	case resp.Hang:
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	case resp.HangUp:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without answering
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.Copy(w, bytes.NewReader([]byte(resp.Body)))
}

// Requests returns a copy of the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close releases hanging requests and shuts the server down. It is safe to
// call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.stop)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// RefusedURL returns the base URL of a port nothing listens on, so
// connecting to it is refused.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("notifytest: close listener: %v", err)
	}
	return "http://" + addr
}
