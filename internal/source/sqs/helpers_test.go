package sqssource_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/source"
	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
	"github.com/hubrelay/hubrelay/internal/source/sqs/sqstest"
	"github.com/hubrelay/hubrelay/internal/store"
)

// testTimeout bounds every wait of a test; reaching it is a failure, not a
// measurement.
const testTimeout = 60 * time.Second

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

const samplePath = "../../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
const sampleUUID = "0003b335-cf3f-4f93-a025-6b1a7baced06"

// event returns the sample EventBridge event with finding n's own Id.
func event(t testing.TB, n int) string {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), sampleUUID, fmt.Sprintf("00000000-0000-4000-8000-%012d", n))
}

// snsEnvelope wraps event as SNS delivers it to a subscribed queue
// without raw message delivery.
func snsEnvelope(t testing.TB, event string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{
		"Type":             "Notification",
		"MessageId":        "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
		"TopicArn":         "arn:aws:sns:us-east-1:123456789012:securityhub-findings",
		"Subject":          "",
		"Message":          event,
		"Timestamp":        "2026-05-27T03:37:41.123Z",
		"SignatureVersion": "1",
		"Signature":        "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
		"SigningCertURL":   "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
		"UnsubscribeURL":   "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:securityhub-findings:c9135db0",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// routes sends every Security Hub finding to one destination: a finding
// is one delivery.
const routes = `
destinations:
  chat: {stdout: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [chat]
`

// newIngester returns a real ingester over st.
func newIngester(t testing.TB, st *store.Store) *ingest.Ingester {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(routes))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ingest.New(cfg, r, st, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

// ingestHandler is the Handler the service builds: ingest the body.
func ingestHandler(in *ingest.Ingester) source.Handler {
	return func(ctx context.Context, body []byte) (any, error) { return in.Body(ctx, "sqs", body) }
}

// recorder is a Handler wrapper counting calls and summing results.
type recorder struct {
	next source.Handler

	mu     sync.Mutex
	calls  int
	bodies []string
	sum    ingest.Result
}

func (r *recorder) handle(ctx context.Context, body []byte) (any, error) {
	v, err := r.next(ctx, body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.bodies = append(r.bodies, string(body))
	if res, ok := v.(ingest.Result); ok {
		r.sum.Findings += res.Findings
		r.sum.Deliveries += res.Deliveries
		r.sum.Duplicates += res.Duplicates
	}
	return v, err
}

func (r *recorder) result() (int, ingest.Result, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls, r.sum, append([]string(nil), r.bodies...)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes by a log
// handler.
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

// started is a running Source.
type started struct {
	cancel context.CancelFunc
	done   chan error
	log    *syncBuffer
}

// start runs a Source over the queue at url of srv with cfg (QueueURL is
// filled in) and h, until stop is called or the test ends.
func start(t *testing.T, srv *sqstest.Server, url string, cfg sqssource.Config, h source.Handler) *started {
	t.Helper()
	cfg.QueueURL = url
	logs := &syncBuffer{}
	src, err := sqssource.New(srv.Client(), cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{cancel: cancel, done: make(chan error, 1), log: logs}
	go func() { s.done <- src.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

// stop ends the Source and returns Run's error, failing the test when
// Run does not return within testTimeout.
func (s *started) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(testTimeout):
		t.Fatal("Run did not return after its context ended")
		return nil
	}
}

// await waits for cond on srv, failing the test at ctx's end.
func await(ctx context.Context, t *testing.T, srv *sqstest.Server, what string, cond func() bool) {
	t.Helper()
	if err := srv.Await(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}
