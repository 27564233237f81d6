package backlogtest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds a request body; Backlog's own limits (a 100,000
// character description) fit well inside.
const maxBody = 4 << 20

// rateLimit is the X-RateLimit-Limit the server reports.
const rateLimit = 150

// Backlog's error codes (https://developer.nulab.com/docs/backlog/error-response/).
const (
	codeInternal        = 1
	codeNoResource      = 6
	codeInvalidRequest  = 7
	codeAuthentication  = 11
	codeTooManyRequests = 13
)

// request is one API call, parsed.
type request struct {
	method string
	// key is the :issueIdOrKey of the path, "" for /api/v2/issues.
	key   string
	query url.Values
	form  url.Values
	at    time.Time
}

// answer is a JSON answer.
type answer struct {
	status int
	body   any
}

// write applies a validated write and returns its answer.
type write func() answer

// apiError is a Backlog error answer.
type apiError struct {
	status   int
	code     int
	messages []string
}

func invalid(messages []string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, messages: messages}
}

func noIssue() *apiError {
	return &apiError{status: http.StatusNotFound, code: codeNoResource, messages: []string{"No issue."}}
}

// answer is e in Backlog's error format: {"errors":[{"message","code","moreInfo"}]}.
func (e *apiError) answer() answer {
	type entry struct {
		Message  string `json:"message"`
		Code     int    `json:"code"`
		MoreInfo string `json:"moreInfo"`
	}
	var body struct {
		Errors []entry `json:"errors"`
	}
	for _, m := range e.messages {
		body.Errors = append(body.Errors, entry{Message: m, Code: e.code})
	}
	return answer{status: e.status, body: body}
}

// route is what serves one method and path.
type route struct {
	read  func(*request) answer
	write func(*request) (write, *apiError)
}

// route finds what serves method path; ok is false for a path the server
// does not know, and the route is empty for a known path and another
// method.
func (s *Server) route(method, path string) (rt route, key string, ok bool) {
	rest, found := strings.CutPrefix(path, "/api/v2/issues")
	if !found {
		return route{}, "", false
	}
	rest = strings.TrimSuffix(rest, "/")
	switch {
	case rest == "":
		return pick(method, s.listIssues, s.addIssue, http.MethodPost), "", true
	case !strings.HasPrefix(rest, "/"):
		return route{}, "", false
	}
	key, tail, _ := strings.Cut(rest[1:], "/")
	switch tail {
	case "":
		return pick(method, s.getIssue, s.updateIssue, http.MethodPatch), key, true
	case "comments":
		return pick(method, s.listComments, s.addComment, http.MethodPost), key, true
	}
	return route{}, "", false
}

func pick(method string, read func(*request) answer, w func(*request) (write, *apiError), writeMethod string) route {
	switch method {
	case http.MethodGet:
		return route{read: read}
	case writeMethod:
		return route{write: w}
	}
	return route{}
}

// ServeHTTP answers one API call. It is the server's http.Handler; tests
// reach it through URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.opts.Now()
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	setRateHeaders(w.Header(), rateLimit-1, at.Add(time.Minute))
	if len(data) > maxBody {
		reply(w, (&apiError{status: http.StatusRequestEntityTooLarge, code: codeInvalidRequest, messages: []string{"The request body is too large."}}).answer())
		return
	}
	if r.URL.Query().Get("apiKey") != s.opts.APIKey {
		reply(w, (&apiError{status: http.StatusUnauthorized, code: codeAuthentication, messages: []string{"Authentication failure."}}).answer())
		return
	}
	rt, key, known := s.route(r.Method, r.URL.Path)
	switch {
	case !known:
		reply(w, (&apiError{status: http.StatusNotFound, code: codeNoResource, messages: []string{"No such API."}}).answer())
		return
	case rt.read == nil && rt.write == nil:
		reply(w, (&apiError{status: http.StatusMethodNotAllowed, code: codeNoResource, messages: []string{"Method " + r.Method + " is not allowed here."}}).answer())
		return
	}
	req := &request{method: r.Method, key: key, query: r.URL.Query(), at: at}
	if rt.read != nil {
		reply(w, rt.read(req))
		return
	}
	s.serveWrite(w, r, req, data, rt.write)
}

// serveWrite runs a write through the rate limit, validation and fault
// injection, in that order.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, req *request, data []byte, prepare func(*request) (write, *apiError)) {
	n, done := s.beginWrite(req.at)
	defer done()
	if d := s.opts.WriteDelay; d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}
	if every := s.opts.RateLimitEvery; every > 0 && n%every == 0 {
		s.count(func(st *Stats) { st.RateLimited++ })
		setRateHeaders(w.Header(), 0, req.at.Add(time.Second))
		w.Header().Set("Retry-After", "1")
		reply(w, (&apiError{status: http.StatusTooManyRequests, code: codeTooManyRequests, messages: []string{"Rate limit exceeded."}}).answer())
		return
	}
	form, err := parseForm(r.Header.Get("Content-Type"), data)
	if err != nil {
		s.count(func(st *Stats) { st.Rejected++ })
		reply(w, err.answer())
		return
	}
	req.form = form
	apply, apiErr := prepare(req)
	if apiErr != nil {
		s.count(func(st *Stats) { st.Rejected++ })
		reply(w, apiErr.answer())
		return
	}
	f := s.drawFault()
	switch {
	case f.fail && f.lost:
		apply()
		s.count(func(st *Stats) { st.Applied++; st.Failed++; st.LostAnswers++ })
		fail(w, f.style)
	case f.fail:
		s.count(func(st *Stats) { st.Failed++ })
		fail(w, f.style)
	default:
		a := apply()
		s.count(func(st *Stats) { st.Applied++ })
		reply(w, a)
	}
}

// beginWrite counts a write arriving at at and returns its ordinal
// (1-based) and the function that marks it finished.
func (s *Server) beginWrite(at time.Time) (int, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Writes++
	if s.stats.Writes > 1 {
		gap := max(at.Sub(s.lastWrite), 0)
		if s.stats.Writes == 2 || gap < s.minGap {
			s.minGap = gap
		}
	}
	s.lastWrite = at
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	return s.stats.Writes, func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}

func (s *Server) count(update func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	update(&s.stats)
}

// parseForm reads an application/x-www-form-urlencoded body.
func parseForm(contentType string, data []byte) (url.Values, *apiError) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, invalid([]string{"Content-Type: " + strconv.Quote(clip(contentType)) + " is not application/x-www-form-urlencoded"})
	}
	form, err := url.ParseQuery(string(data))
	if err != nil {
		return nil, invalid([]string{"the body is not form-encoded: " + err.Error()})
	}
	return form, nil
}

// setRateHeaders writes the X-RateLimit-* headers Backlog sends with every
// answer (reset in UTC epoch seconds).
func setRateHeaders(h http.Header, remaining int, reset time.Time) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, a answer) {
	data, err := json.Marshal(a.body)
	if err != nil {
		http.Error(w, "backlogtest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(a.status)
	_, _ = w.Write(data)
}
