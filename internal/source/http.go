package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Handler ingests one request body and returns only after everything it
// produced is committed. The value it returns is written as the JSON body
// of the 202 answer (nil is written as {}). Its error decides the answer:
// see InputError and Unavailable; any other error is answered 500 with a
// generic message and logged. The HTTP source calls it from many
// goroutines at once; body is the handler's to keep.
type Handler func(ctx context.Context, body []byte) (any, error)

// Observer is told the status code of every answer; *metrics.Metrics is
// one. It must be safe for concurrent use.
type Observer interface{ Request(code int) }

// retryAfter is the Retry-After of a 503 answer, in seconds.
const retryAfter = "5"

// HTTP is the HTTP source: an http.Handler for one path that accepts
// POSTed events and acknowledges them once committed. It is immutable and
// safe for concurrent use.
type HTTP struct {
	path    string
	maxBody int64
	auth    auth
	h       Handler
	log     *slog.Logger
	obs     Observer
	redact  *strings.Replacer
}

var _ http.Handler = (*HTTP)(nil)

// NewHTTP returns the HTTP source for cfg, handing each accepted body to
// h. log receives one line per request (nil discards); obs, when not nil,
// is told every status code. cmd/hubrelay calls it once at start and
// mounts the result at Path. NewHTTP panics when h is nil or cfg.Path does
// not start with "/": the config loader rejects such a config first.
func NewHTTP(cfg HTTPConfig, h Handler, log *slog.Logger, obs Observer) *HTTP {
	cfg = cfg.withDefaults()
	if h == nil {
		panic("source: NewHTTP: nil Handler")
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		panic(fmt.Sprintf("source: NewHTTP: path %q must start with /", cfg.Path))
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	for _, s := range []string{cfg.APIKey, cfg.BasicPassword, cfg.BearerToken} {
		if s != "" {
			secrets = append(secrets, s, "[redacted]")
		}
	}
	return &HTTP{
		path:    cfg.Path,
		maxBody: cfg.MaxBody,
		auth:    newAuth(cfg),
		h:       h,
		log:     log,
		obs:     obs,
		redact:  strings.NewReplacer(secrets...),
	}
}

// Path is the URL path the source serves.
func (s *HTTP) Path() string { return s.path }

// answer is what one request got, for the log line and the observer.
type answer struct {
	status int
	bytes  int64  // request body bytes read
	detail string // why it failed, for the log; never a credential or the body
}

// ServeHTTP implements http.Handler.
func (s *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	a := s.serve(w, r)
	if s.obs != nil {
		s.obs.Request(a.status)
	}
	level := slog.LevelDebug
	if a.status >= 400 || a.detail != "" {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", a.status),
		slog.Int64("bytes", a.bytes),
		slog.Duration("duration", time.Since(start)),
		slog.String("remote_addr", r.RemoteAddr),
	}
	if a.detail != "" {
		attrs = append(attrs, slog.String("error", clip(s.redact.Replace(a.detail), maxLoggedError)))
	}
	s.log.LogAttrs(r.Context(), level, "http request", attrs...)
}

// maxLoggedError bounds the error text of a request line.
const maxLoggedError = 1024

// clip shortens s to at most n bytes and a few more for the mark of the
// cut, dropping a rune cut in two.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// serve answers r and says how.
func (s *HTTP) serve(w http.ResponseWriter, r *http.Request) answer {
	if r.URL.Path != s.path {
		return s.fail(w, http.StatusNotFound, 0, "not found")
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return s.fail(w, http.StatusMethodNotAllowed, 0, "method "+r.Method+" not allowed: POST events")
	}
	if !s.auth.allow(r) {
		if c := s.auth.challenge(); c != "" {
			w.Header().Set("WWW-Authenticate", c)
		}
		// One message whatever was wrong: the answer must not help guessing.
		return s.fail(w, http.StatusUnauthorized, 0, "unauthorized")
	}
	if msg := unsupported(r.Header); msg != "" {
		return s.fail(w, http.StatusUnsupportedMediaType, 0, msg)
	}
	body, a := s.read(w, r)
	if a.status != 0 {
		return a
	}
	return s.handle(w, r, body)
}

// fail answers status with {"error": msg} and returns the answer for the
// log. msg is the client's to read: it names what was wrong with the
// request, and any configured secret in it (echoed from a header or the
// body) is redacted.
func (s *HTTP) fail(w http.ResponseWriter, status int, n int64, msg string) answer {
	msg = s.redact.Replace(msg)
	writeError(w, status, msg)
	return answer{status: status, bytes: n, detail: msg}
}

// unsupported says why the request's Content-Type or Content-Encoding is
// not accepted, or returns "". JSON (RFC 8259) is UTF-8; a missing
// Content-Type is taken to be JSON, as some senders omit it.
func unsupported(h http.Header) string {
	if enc := h.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return fmt.Sprintf("Content-Encoding %q is not supported: send the body uncompressed", enc)
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fmt.Sprintf("Content-Type %q is not supported: send application/json", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Sprintf("Content-Type charset %q is not supported: send UTF-8", cs)
	}
	return ""
}

// read reads the body within the size limit. A non-zero answer.status
// means the request has been answered.
func (s *HTTP) read(w http.ResponseWriter, r *http.Request) ([]byte, answer) {
	tooLarge := func(n int64) ([]byte, answer) {
		return nil, s.fail(w, http.StatusRequestEntityTooLarge, n, "request body is over the limit of "+sizeText(s.maxBody))
	}
	if r.ContentLength > s.maxBody {
		return tooLarge(0)
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooLarge(n)
		}
		return nil, s.fail(w, http.StatusBadRequest, n, "request body: read: "+err.Error())
	}
	if n == 0 {
		return nil, s.fail(w, http.StatusBadRequest, 0, "request body is empty: POST an EventBridge event")
	}
	return buf.Bytes(), answer{bytes: n}
}

// handle passes body to the Handler and answers by its result.
func (s *HTTP) handle(w http.ResponseWriter, r *http.Request, body []byte) answer {
	n := int64(len(body))
	val, err := s.call(r.Context(), body)
	if err != nil {
		switch classify(r.Context(), err) {
		case badInput:
			return s.fail(w, http.StatusBadRequest, n, err.Error())
		case unavailable:
			w.Header().Set("Retry-After", retryAfter)
			writeError(w, http.StatusServiceUnavailable, "temporarily unavailable: send the event again later")
			return answer{status: http.StatusServiceUnavailable, bytes: n, detail: err.Error()}
		default:
			writeError(w, http.StatusInternalServerError, "internal error")
			return answer{status: http.StatusInternalServerError, bytes: n, detail: err.Error()}
		}
	}
	a := answer{status: http.StatusAccepted, bytes: n}
	out := []byte("{}")
	if val != nil {
		b, err := json.Marshal(val)
		if err != nil {
			// The input is committed: 202 stands, only the summary is lost.
			a.detail = "encode answer: " + err.Error()
		} else {
			out = b
		}
	}
	writeJSON(w, http.StatusAccepted, out)
	return a
}

// call runs the Handler, turning a panic into an error so that one bad
// request cannot take the process down without an answer.
func (s *HTTP) call(ctx context.Context, body []byte) (val any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			val, err = nil, fmt.Errorf("source: handler panicked: %v", p)
		}
	}()
	return s.h(ctx, body)
}
