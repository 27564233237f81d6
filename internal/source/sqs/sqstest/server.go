// Package sqstest is an in-process Amazon SQS API for tests: the real AWS
// SDK client talks to it over the wire protocol SQS speaks (AWS JSON 1.0,
// "X-Amz-Target: AmazonSQS.ReceiveMessage", Signature Version 4), and it
// keeps queues the way SQS documents them: a received message is invisible
// for the visibility timeout and comes back when it runs out, every receive
// gives a new receipt handle and counts towards ApproximateReceiveCount, a
// delete with an outdated handle succeeds without deleting, long polling
// waits up to WaitTimeSeconds for a message, and a queue with a redrive
// policy moves a message to its dead-letter queue once it has been
// received maxReceiveCount times.
//
// It implements SendMessage, ReceiveMessage, DeleteMessage,
// DeleteMessageBatch, ChangeMessageVisibility, ChangeMessageVisibilityBatch
// and GetQueueAttributes; message attributes are not supported. Tests can
// make calls fail (Fail), inspect every message (Message, Stats) and wait
// for a state without sleeping (Await).
package sqstest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// AccountID is the AWS account every queue of a Server belongs to.
const AccountID = "123456789012"

// DefaultRegion is the region of a Server unless WithRegion says another.
const DefaultRegion = "us-east-1"

// DefaultVisibilityTimeout is SQS's default visibility timeout, used for a
// queue created without one.
const DefaultVisibilityTimeout = 30 * time.Second

const contentType = "application/x-amz-json-1.0"

// maxRequestBody bounds a request body: a 1 MiB message and its JSON
// framing.
const maxRequestBody = 3 << 20

// Server is an in-process SQS endpoint. Its methods are safe for
// concurrent use, with each other and with the requests it serves.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT; queue URLs start with it.
	URL string

	hs     *httptest.Server
	region string
	creds  aws.Credentials
	now    func() time.Time

	mu       sync.Mutex
	queues   map[string]*queue // by URL
	byARN    map[string]*queue
	changed  chan struct{} // closed and replaced on every change
	calls    map[string]int
	faults   map[string][]Fault
	problems []string
}

// Option configures a Server.
type Option func(*Server)

// WithRegion sets the region requests must be signed for.
func WithRegion(region string) Option { return func(s *Server) { s.region = region } }

// NewServer starts a Server, closed when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		region:  DefaultRegion,
		creds:   testCredentials(),
		now:     time.Now,
		queues:  map[string]*queue{},
		byARN:   map[string]*queue{},
		changed: make(chan struct{}),
		calls:   map[string]int{},
		faults:  map[string][]Fault{},
	}
	for _, o := range opts {
		o(s)
	}
	s.hs = httptest.NewServer(s)
	s.URL = s.hs.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server; requests in progress are cut off.
func (s *Server) Close() {
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Region is the region requests must be signed for.
func (s *Server) Region() string { return s.region }

// Credentials returns the credentials requests must be signed with.
func (s *Server) Credentials() aws.Credentials { return s.creds }

// Client returns an SDK client for the server: its endpoint, region and
// credentials, no retries (a Fault reaches the caller at once). opts
// adjust the client further.
func (s *Server) Client(opts ...func(*sqs.Options)) *sqs.Client {
	base := []func(*sqs.Options){func(o *sqs.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.RetryMaxAttempts = 1
	}}
	return sqs.New(sqs.Options{
		Region:      s.region,
		Credentials: credentials.NewStaticCredentialsProvider(s.creds.AccessKeyID, s.creds.SecretAccessKey, ""),
	}, append(base, opts...)...)
}

// Attributes are the settings of a queue CreateQueue makes.
type Attributes struct {
	// VisibilityTimeout is the queue's visibility timeout, in whole
	// seconds; 0 means DefaultVisibilityTimeout.
	VisibilityTimeout time.Duration
	// Redrive, when not nil, is the queue's redrive policy.
	Redrive *Redrive
}

// Redrive is a queue's redrive policy: after MaxReceiveCount receives, a
// message moves to the dead-letter queue.
type Redrive struct {
	// DeadLetterQueueURL is the URL of the dead-letter queue, made before
	// by CreateQueue.
	DeadLetterQueueURL string
	// MaxReceiveCount is how many times a message is received before it
	// moves; 1 to 1000.
	MaxReceiveCount int
}

// CreateQueue makes a standard queue called name and returns its URL,
// SERVER_URL/ACCOUNT/NAME. It panics on a name already used or a redrive
// policy naming an unknown queue: those are mistakes in the test.
func (s *Server) CreateQueue(name string, attrs Attributes) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	url := s.URL + "/" + AccountID + "/" + name
	if s.queues[url] != nil {
		panic("sqstest: queue " + name + " exists")
	}
	if attrs.VisibilityTimeout == 0 {
		attrs.VisibilityTimeout = DefaultVisibilityTimeout
	}
	if attrs.Redrive != nil {
		if s.queues[attrs.Redrive.DeadLetterQueueURL] == nil || attrs.Redrive.MaxReceiveCount < 1 || attrs.Redrive.MaxReceiveCount > 1000 {
			panic(fmt.Sprintf("sqstest: bad redrive policy %+v", *attrs.Redrive))
		}
		r := *attrs.Redrive
		attrs.Redrive = &r
	}
	q := &queue{
		name:       name,
		url:        url,
		arn:        "arn:aws:sqs:" + s.region + ":" + AccountID + ":" + name,
		created:    s.now(),
		visibility: attrs.VisibilityTimeout,
		redrive:    attrs.Redrive,
		byID:       map[string]*message{},
	}
	s.queues[url] = q
	s.byARN[q.arn] = q
	return url
}

// QueueARN returns the ARN of the queue at url, or "".
func (s *Server) QueueARN(url string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[url]; q != nil {
		return q.arn
	}
	return ""
}

// Send puts a message on the queue at url without going through the API
// and returns its ID; it panics when the queue does not exist.
func (s *Server) Send(url, body string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[url]
	if q == nil {
		panic("sqstest: no queue " + url)
	}
	m := q.add(body, s.now(), 0)
	s.notify()
	return m.id
}

// Stats counts the messages of a queue.
type Stats struct {
	// Visible, InFlight and Delayed count the messages in the queue:
	// receivable now, received and not yet visible again, sent with a
	// delay not yet over.
	Visible, InFlight, Delayed int
	// Deleted counts the messages deleted; StaleDeletes the delete
	// entries that named an outdated receipt handle (accepted, deleting
	// nothing).
	Deleted, StaleDeletes int
	// Moved counts the messages moved to the dead-letter queue.
	Moved int
}

// Stats returns the counts of the queue at url (zero for an unknown one).
func (s *Server) Stats(url string) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[url]
	if q == nil {
		return Stats{}
	}
	v, f, d := q.counts(s.now())
	return Stats{Visible: v, InFlight: f, Delayed: d, Deleted: q.deleted, StaleDeletes: q.staleDeletes, Moved: q.moved}
}

// Message is what happened to one message.
type Message struct {
	ID, Body string
	// Receives is its ApproximateReceiveCount.
	Receives int
	// Extensions counts the visibility changes accepted for it.
	Extensions int
	// Deleted and Moved say whether it was deleted, or moved to the
	// dead-letter queue.
	Deleted, Moved bool
	// InFlight says whether it has been received and is invisible now.
	InFlight bool
}

// Message returns the message id of the queue at url.
func (s *Server) Message(url, id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[url]
	if q == nil || q.byID[id] == nil {
		return Message{}, false
	}
	m := q.byID[id]
	return Message{ID: m.id, Body: m.body, Receives: m.receives, Extensions: m.extensions,
		Deleted: m.deleted, Moved: m.moved, InFlight: m.inFlight(s.now())}, true
}

// Messages returns every message sent to the queue at url, in the order
// sent.
func (s *Server) Messages(url string) []Message {
	s.mu.Lock()
	ids := []string{}
	if q := s.queues[url]; q != nil {
		for _, m := range q.msgs {
			ids = append(ids, m.id)
		}
	}
	s.mu.Unlock()
	out := make([]Message, 0, len(ids))
	for _, id := range ids {
		m, _ := s.Message(url, id)
		out = append(out, m)
	}
	return out
}

// Calls returns how many requests for operation op (such as
// "ReceiveMessage") the server has taken, failed ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Fail makes the next n requests for operation op fail with f.
func (s *Server) Fail(op string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[op] = append(s.faults[op], f)
	}
}

// Problems returns what was wrong with the requests the server refused
// for breaking the protocol (a bad signature, a wrong header, a field out
// of range), one line each. A test of a correct client expects none.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// Await returns when cond returns true, evaluating it now and after every
// change of the server's state (a request served, a message sent), or
// ctx's error when ctx ends first. cond may call the Server's methods.
func (s *Server) Await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes Await and long polls; the caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", newID())
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		s.refuse(w, "", Fault{Status: http.StatusNotFound, Code: "UnknownOperationException", Message: r.Method + " " + r.URL.Path + ": SQS takes POST /"})
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
	if !ok || op == "" {
		s.refuse(w, "", Fault{Status: http.StatusBadRequest, Code: "UnknownOperationException", Message: "X-Amz-Target must be AmazonSQS.OPERATION"})
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != contentType {
		s.refuse(w, op, Fault{Status: http.StatusBadRequest, Code: "UnsupportedMediaType", Message: "Content-Type must be " + contentType + ", got " + ct})
		return
	}
	body, err := readBody(r)
	if err != nil {
		s.refuse(w, op, invalidParameter(err.Error()))
		return
	}
	if f := s.verify(r, body); f != nil {
		s.refuse(w, op, *f)
		return
	}
	s.mu.Lock()
	s.calls[op]++
	var fault *Fault
	if fs := s.faults[op]; len(fs) > 0 {
		fault, s.faults[op] = &fs[0], fs[1:]
	}
	s.notify()
	s.mu.Unlock()
	if fault != nil {
		fault.write(w)
		return
	}
	h := s.operation(op)
	if h == nil {
		s.refuse(w, op, Fault{Status: http.StatusBadRequest, Code: "UnsupportedOperation", Message: "sqstest does not implement " + op})
		return
	}
	out, f := h(r.Context(), body)
	if f != nil {
		if f.Status == 0 { // the client went away during a long poll
			return
		}
		if f.Code == "InvalidParameterValue" || f.Code == "MissingParameter" || f.Code == "SerializationException" {
			s.problem(op, f.Message)
		}
		f.write(w)
		return
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(out)
}

// refuse answers f to a request that broke the protocol and records it.
func (s *Server) refuse(w http.ResponseWriter, op string, f Fault) {
	s.problem(op, f.Code+": "+f.Message)
	f.write(w)
}

func (s *Server) problem(op, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, strings.TrimPrefix(op+": "+msg, ": "))
	s.notify()
}

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(b) > maxRequestBody {
		return nil, fmt.Errorf("request body over %d bytes", maxRequestBody)
	}
	return b, nil
}
