package backlogtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// Defaults of the Options left empty.
const (
	// DefaultAPIKey is the API key when Options.APIKey is empty.
	DefaultAPIKey = "backlogtest-api-key"
	// DefaultProjectID is the project's ID when Options.ProjectID is 0.
	DefaultProjectID = 1
	// DefaultProjectKey prefixes issue keys when Options.ProjectKey is
	// empty: PROJ-1, PROJ-2, …
	DefaultProjectKey = "PROJ"
)

// Options configure a Server. The zero value is a server without faults.
type Options struct {
	// APIKey is the key every request must carry in the apiKey query
	// parameter; empty means DefaultAPIKey.
	APIKey string
	// ProjectID is the ID of the one project the server holds (Add
	// Issue's projectId); 0 means DefaultProjectID.
	ProjectID int
	// ProjectKey is the project's key, which prefixes issue keys; empty
	// means DefaultProjectKey.
	ProjectKey string

	// FailRate is the share (0..1) of valid writes (POST and PATCH that
	// pass the key check, the rate limit and validation) answered with a
	// failure: a 500 with Backlog's InternalError body, a 503 HTML page
	// or a connection closed without an answer.
	FailRate float64
	// LostAnswerRate is the share (0..1) of those failures that happen
	// after the write was applied: the issue or comment exists, the
	// client only sees the failure.
	LostAnswerRate float64
	// Seed makes the fault decisions deterministic: the n-th valid write
	// always gets the same decision. Which request is the n-th depends on
	// the order requests arrive in when they are sent concurrently.
	Seed int64
	// RateLimitEvery answers every Nth write (counting every write with
	// a valid key) with 429, Retry-After: 1 and X-RateLimit-Remaining: 0;
	// 0 means never.
	RateLimitEvery int

	// WriteDelay holds every write this long before processing it, a
	// server's latency, so that writes a client sends at once overlap
	// (MaxConcurrentWrites); 0 means none.
	WriteDelay time.Duration
	// Now is the server's clock, read once per request, for timestamps
	// and for MinWriteGap; nil means time.Now.
	Now func() time.Time
}

// Stats counts what the server did with the writes it received.
type Stats struct {
	// Writes is how many write requests (POST, PATCH) carried the valid
	// API key, whatever the answer.
	Writes int
	// RateLimited is how many of them were answered 429.
	RateLimited int
	// Rejected is how many were refused as invalid (400, 404).
	Rejected int
	// Failed is how many got an injected failure, LostAnswers of them
	// after the write was applied.
	Failed, LostAnswers int
	// Applied is how many writes changed the project (answered with
	// success, or lost).
	Applied int
}

// Server is an in-memory Backlog space with one project, served over
// HTTP on a loopback address. Create it with New; it is safe for
// concurrent use and closes when the test ends.
type Server struct {
	srv  *httptest.Server
	opts Options

	mu          sync.Mutex
	rng         *rand.Rand
	issues      []*Issue
	comments    map[int][]*Comment // by issue ID
	updated     map[int]int        // issue ID → sequence number of its last change
	seq         int
	nextComment int
	stats       Stats
	inFlight    int
	maxInFlight int
	lastWrite   time.Time
	minGap      time.Duration
}

// New starts a Server with opts and closes it when t ends. Invalid
// options (a rate outside 0..1, a negative count) fail t, naming the
// option.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if err := opts.check(); err != nil {
		t.Fatalf("backlogtest: %v", err)
	}
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.ProjectID == 0 {
		opts.ProjectID = DefaultProjectID
	}
	if opts.ProjectKey == "" {
		opts.ProjectKey = DefaultProjectKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), 0x6261636b6c6f67)),
		comments: map[int][]*Comment{},
		updated:  map[int]int{},
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (o Options) check() error {
	switch {
	case o.FailRate < 0 || o.FailRate > 1 || math.IsNaN(o.FailRate):
		return fmt.Errorf("Options.FailRate %v must be within 0..1", o.FailRate)
	case o.LostAnswerRate < 0 || o.LostAnswerRate > 1 || math.IsNaN(o.LostAnswerRate):
		return fmt.Errorf("Options.LostAnswerRate %v must be within 0..1", o.LostAnswerRate)
	case o.RateLimitEvery < 0:
		return fmt.Errorf("Options.RateLimitEvery %d must not be negative", o.RateLimitEvery)
	case o.ProjectID < 0:
		return fmt.Errorf("Options.ProjectID %d must not be negative", o.ProjectID)
	case o.WriteDelay < 0:
		return fmt.Errorf("Options.WriteDelay %v must not be negative", o.WriteDelay)
	}
	for _, r := range o.ProjectKey {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return fmt.Errorf("Options.ProjectKey %q must be upper-case letters, digits and _", o.ProjectKey)
		}
	}
	return nil
}

// URL is the server's address, http://127.0.0.1:port: the space setting
// of a backlog destination.
func (s *Server) URL() string { return s.srv.URL }

// APIKey is the API key requests must carry.
func (s *Server) APIKey() string { return s.opts.APIKey }

// ProjectID is the ID of the server's project.
func (s *Server) ProjectID() int { return s.opts.ProjectID }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Issues returns a copy of the project's issues in the order they were
// created.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, len(s.issues))
	for i, is := range s.issues {
		out[i] = is.clone()
	}
	return out
}

// IssuesByMarker maps each delivery marker (notify.Markers) found in an
// issue's description to the number of issues carrying it. A marker
// counted more than once means a delivery created duplicate issues.
func (s *Server) IssuesByMarker() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, is := range s.issues {
		for _, m := range notify.Markers(is.Description) {
			out[m]++
		}
	}
	return out
}

// Comments returns a copy of the comments on the issue with key
// issueKey (PROJ-1), oldest first, including those Update Issue added;
// nil when there is no such issue.
func (s *Server) Comments(issueKey string) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.find(issueKey)
	if is == nil {
		return nil
	}
	out := make([]Comment, 0, len(s.comments[is.ID]))
	for _, c := range s.comments[is.ID] {
		out = append(out, c.clone())
	}
	return out
}

// Writes is how many write requests (POST, PATCH) with the valid API key
// the server received, whatever it answered.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Writes
}

// MaxConcurrentWrites is the most writes that were being processed at
// once (see Options.WriteDelay).
func (s *Server) MaxConcurrentWrites() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// MinWriteGap is the shortest time between the arrival of two
// consecutive writes by Options.Now; 0 with fewer than two writes.
func (s *Server) MinWriteGap() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.minGap
}

// Stats returns the server's counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}
