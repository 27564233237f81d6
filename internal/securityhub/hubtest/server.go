package hubtest

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Region is the AWS Region the server plays; requests must be signed
	// for it. Default "ap-northeast-1".
	Region string
	// AccountID is the Security Hub administrator account: it appears in
	// action target ARNs and as AdministratorId of members. Default
	// "123456789012".
	AccountID string
	// Throttle enforces the documented per-operation rate limits (see the
	// package documentation). Default off.
	Throttle bool
	// Now is the clock for throttling, note timestamps and DateRange
	// filters. Default time.Now. A Clock's Now, shared with the client
	// under test, runs rate-limited exchanges in virtual time.
	Now func() time.Time
}

// The defaults of Options.
const (
	DefaultRegion    = "ap-northeast-1"
	DefaultAccountID = "123456789012"
)

// The credentials every request must be signed with. They open nothing but
// this server; Client and AWSConfig carry them.
const (
	accessKeyID     = "AKIAHUBTEST000000000"
	secretAccessKey = "hubtest/secret/0000000000000000000000000"
)

// Server is an in-process Security Hub API. Create it with New or NewTest;
// it serves until Close. All methods are safe for concurrent use, also
// while requests are being served.
type Server struct {
	opts Options
	ln   net.Listener
	http *http.Server
	url  string
	done chan struct{}

	mu        sync.Mutex
	state     state
	calls     map[string]int
	throttled map[string]int
	buckets   map[string]*bucket
	requests  int64
	// answer is reused for the body of every page answer: requests are
	// answered one at a time under mu, and a fresh 300 KB buffer per page
	// costs more in page faults than the copying.
	answer []byte
}

// New starts a Server listening on 127.0.0.1 on a free port. It panics if
// it cannot listen, as httptest.NewServer does: there is nothing a caller
// could do about it. Callers must Close it.
func New(opts Options) *Server {
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("hubtest: listen on 127.0.0.1: %v", err))
	}
	s := &Server{
		opts:      opts,
		ln:        ln,
		url:       "http://" + ln.Addr().String(),
		done:      make(chan struct{}),
		state:     newState(),
		calls:     make(map[string]int),
		throttled: make(map[string]int),
		buckets:   make(map[string]*bucket),
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		// Serve returns http.ErrServerClosed after Close; any other
		// error means the listener broke, which Close reports as well.
		_ = s.http.Serve(ln)
	}()
	return s
}

// URL is the server's base URL ("http://127.0.0.1:PORT"), the BaseEndpoint
// of a Security Hub client.
func (s *Server) URL() string { return s.url }

// Close stops the server, closing open connections, and waits for it to
// stop. It is safe to call more than once.
func (s *Server) Close() {
	// The only error Close reports is from closing a listener that is
	// already closed, which a second Close does.
	_ = s.http.Close()
	<-s.done
}

// AWSConfig returns an aws.Config for this server: its region, static
// credentials the server accepts, the SDK's standard retryer and an HTTP
// client with the SDK's default transport (see plainBodyTransport for the
// one thing it adds). It sets no endpoint; a Security Hub client built from
// it needs securityhub.Options.BaseEndpoint = aws.String(s.URL()), as
// Client does. Clients built without this HTTP client work too, but may
// see a request retried now and then (and counted twice by Calls).
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:      s.opts.Region,
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
		Retryer:     func() aws.Retryer { return retry.NewStandard() },
		HTTPClient:  newHTTPClient(),
	}
}

// Client returns a real Security Hub client for this server: AWSConfig with
// BaseEndpoint set to URL. Each call returns a new client.
func (s *Server) Client() *securityhub.Client {
	return securityhub.NewFromConfig(s.AWSConfig(), func(o *securityhub.Options) {
		o.BaseEndpoint = aws.String(s.url)
	})
}

// Calls returns how many requests the server received for an operation
// ("GetFindings", "BatchUpdateFindings", ...), counting throttled and
// rejected ones but not requests for paths that are no operation.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Throttled returns how many requests for an operation were answered with
// a throttling error.
func (s *Server) Throttled(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled[op]
}

// now reads the configured clock.
func (s *Server) now() time.Time { return s.opts.Now() }

// nextRequestID returns a fresh request id; s.mu must be held.
func (s *Server) nextRequestID() string {
	s.requests++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.requests)
}
