package backlogtest

import (
	"net/http"
)

// failStyle is how an injected failure looks to the client.
type failStyle int

const (
	// failInternal is a 500 with Backlog's InternalError body.
	failInternal failStyle = iota
	// failUnavailable is a 503 HTML page, as a proxy in front of the
	// API answers.
	failUnavailable
	// failHangUp closes the connection without an answer.
	failHangUp
	failStyles
)

// fault is the decision for one valid write.
type fault struct {
	fail  bool // answer with a failure
	lost  bool // apply the write before failing
	style failStyle
}

// drawFault decides the next valid write's fate. It draws the same three
// numbers for every write, so the n-th decision depends only on the seed
// and the rates.
func (s *Server) drawFault() fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	failDraw, lostDraw, styleDraw := s.rng.Float64(), s.rng.Float64(), s.rng.IntN(int(failStyles))
	f := fault{fail: failDraw < s.opts.FailRate, style: failStyle(styleDraw)}
	f.lost = f.fail && lostDraw < s.opts.LostAnswerRate
	return f
}

// fail answers with the failure style.
func fail(w http.ResponseWriter, style failStyle) {
	switch style {
	case failInternal:
		reply(w, (&apiError{status: http.StatusInternalServerError, code: codeInternal, messages: []string{"Internal error."}}).answer())
	case failUnavailable:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"))
	default:
		hangUp(w)
	}
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server closes the connection without answering
}
