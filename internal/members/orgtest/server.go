package orgtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Region is the region requests must be signed for. Organizations
	// is a global service whose endpoint signs for us-east-1; default
	// "us-east-1".
	Region string
	// ManagementAccountID is the organization's management account; it
	// appears in account ARNs. Default "123456789012".
	ManagementAccountID string
	// OrganizationID appears in account ARNs. Default "o-exampleorgid".
	OrganizationID string
	// NotInUse makes every call fail with
	// AWSOrganizationsNotInUseException, as for an account that belongs
	// to no organization.
	NotInUse bool
	// AccessKeyID and SecretAccessKey are the credentials requests must
	// be signed with; default this package's own (which AWSConfig
	// carries). A test that runs code reading the SDK's environment sets
	// them to the credentials it exports.
	AccessKeyID, SecretAccessKey string
}

// The defaults of Options.
const (
	DefaultRegion              = "us-east-1"
	DefaultManagementAccountID = "123456789012"
	DefaultOrganizationID      = "o-exampleorgid"
)

// The default credentials requests must be signed with. They open nothing
// but this server; Client and AWSConfig carry them.
const (
	accessKeyID     = "AKIAORGTEST000000000"
	secretAccessKey = "orgtest/secret/0000000000000000000000000"
)

// The documented values of Account.Status.
const (
	StatusActive         = "ACTIVE"
	StatusSuspended      = "SUSPENDED"
	StatusPendingClosure = "PENDING_CLOSURE"
)

// Account is an account of the organization, as ListAccounts reports it.
type Account struct {
	// ID is the 12-digit account ID; it identifies the account
	// (AddAccounts with a known ID replaces it).
	ID    string
	Name  string
	Email string
	// Status is ACTIVE, SUSPENDED or PENDING_CLOSURE; default ACTIVE.
	Status string
	// JoinedMethod is INVITED or CREATED; default CREATED.
	JoinedMethod string
	// JoinedAt is when the account joined; zero omits it.
	JoinedAt time.Time
}

// Server is an in-process AWS Organizations API. Create it with New or
// NewTest; it serves until Close. All methods are safe for concurrent use,
// also while requests are being served.
type Server struct {
	opts Options
	ln   net.Listener
	http *http.Server
	url  string
	done chan struct{}

	mu       sync.Mutex
	accounts map[string]Account
	calls    map[string]int
	requests int64
}

// New starts a Server listening on 127.0.0.1 on a free port. It panics if
// it cannot listen, as httptest.NewServer does. Callers must Close it.
func New(opts Options) *Server {
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.ManagementAccountID == "" {
		opts.ManagementAccountID = DefaultManagementAccountID
	}
	if opts.OrganizationID == "" {
		opts.OrganizationID = DefaultOrganizationID
	}
	if opts.AccessKeyID == "" || opts.SecretAccessKey == "" {
		opts.AccessKeyID, opts.SecretAccessKey = accessKeyID, secretAccessKey
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("orgtest: listen on 127.0.0.1: %v", err))
	}
	s := &Server{
		opts:     opts,
		ln:       ln,
		url:      "http://" + ln.Addr().String(),
		done:     make(chan struct{}),
		accounts: make(map[string]Account),
		calls:    make(map[string]int),
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		// Serve returns http.ErrServerClosed after Close.
		_ = s.http.Serve(ln)
	}()
	return s
}

// URL is the server's base URL ("http://127.0.0.1:PORT"), the BaseEndpoint
// of an Organizations client.
func (s *Server) URL() string { return s.url }

// Close stops the server and waits for it. Safe to call more than once.
func (s *Server) Close() {
	_ = s.http.Close()
	<-s.done
}

// AWSConfig returns an aws.Config for this server: its region, static
// credentials it accepts and the SDK's standard retryer. It sets no
// endpoint; a client needs organizations.Options.BaseEndpoint =
// aws.String(s.URL()), as Client does.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:      s.opts.Region,
		Credentials: credentials.NewStaticCredentialsProvider(s.opts.AccessKeyID, s.opts.SecretAccessKey, ""),
		Retryer:     func() aws.Retryer { return retry.NewStandard() },
		HTTPClient:  &http.Client{Transport: plainBodyTransport{base: http.DefaultTransport}},
	}
}

// Client returns a real Organizations client for this server. Each call
// returns a new client.
func (s *Server) Client() *organizations.Client {
	return organizations.NewFromConfig(s.AWSConfig(), func(o *organizations.Options) {
		o.BaseEndpoint = aws.String(s.url)
	})
}

// Calls returns how many requests named the operation ("ListAccounts"),
// rejected ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// AddAccounts adds accounts to the organization, or replaces those with
// the same ID. Empty Status becomes ACTIVE, empty JoinedMethod CREATED.
func (s *Server) AddAccounts(accounts ...Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range accounts {
		if a.Status == "" {
			a.Status = StatusActive
		}
		if a.JoinedMethod == "" {
			a.JoinedMethod = "CREATED"
		}
		s.accounts[a.ID] = a
	}
}

// SetAccountStatus changes an account's Status (ACTIVE, SUSPENDED,
// PENDING_CLOSURE) and reports whether the account exists.
func (s *Server) SetAccountStatus(id, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if ok {
		a.Status = status
		s.accounts[id] = a
	}
	return ok
}

// RemoveAccounts removes accounts from the organization, as
// RemoveAccountFromOrganization or LeaveOrganization does, and returns how
// many there were.
func (s *Server) RemoveAccounts(ids ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range ids {
		if _, ok := s.accounts[id]; ok {
			delete(s.accounts, id)
			n++
		}
	}
	return n
}

// sortedAccounts returns the accounts ordered by ID; s.mu must be held.
func (s *Server) sortedAccounts() []Account {
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// plainBodyTransport hides the request body's WriteTo, as hubtest does,
// so net/http does not close a loopback connection the SDK still reads
// when the SDK closes the body early.
type plainBodyTransport struct{ base http.RoundTripper }

// RoundTrip sends r with its body wrapped; r itself is not modified.
func (t plainBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	cp := r.Clone(r.Context())
	cp.Body = struct{ io.ReadCloser }{r.Body}
	return t.base.RoundTrip(cp)
}
