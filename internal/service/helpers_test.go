package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// samplePath is the EventBridge event every test and benchmark posts,
// each time with a finding Id of its own.
const samplePath = "../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"

// sampleUUID is the last part of the sample's finding Id; it appears in Id
// and in ProductFields."aws/securityhub/FindingId".
const sampleUUID = "0003b335-cf3f-4f93-a025-6b1a7baced06"

// ingestKeyHeader is the default sources.http.api_key_header.
const ingestKeyHeader = "X-Api-Key"

// events makes distinct EventBridge events from the sample.
type events struct{ parts []string }

func loadEvents(tb testing.TB) *events {
	tb.Helper()
	data, err := os.ReadFile(samplePath)
	if err != nil {
		tb.Fatalf("read sample: %v", err)
	}
	parts := strings.Split(string(data), sampleUUID)
	if len(parts) != 3 {
		tb.Fatalf("sample %s: want the finding UUID twice (Id and ProductFields), found it %d times", samplePath, len(parts)-1)
	}
	return &events{parts: parts}
}

// token is the unique last part of finding n's Id, in UUID form.
func token(n int) string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
}

// body is the event of finding n.
func (e *events) body(n int) []byte {
	return []byte(strings.Join(e.parts, token(n)))
}

// tokenOf returns the last path element of the first finding's Id of an
// EventBridge event: the token the event was made with.
func tokenOf(event []byte) (string, error) {
	var ev struct {
		Detail struct {
			Findings []struct {
				ID string `json:"Id"`
			} `json:"findings"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(event, &ev); err != nil {
		return "", fmt.Errorf("event: %w", err)
	}
	if len(ev.Detail.Findings) == 0 || ev.Detail.Findings[0].ID == "" {
		return "", fmt.Errorf("event: no detail.findings[0].Id")
	}
	id := ev.Detail.Findings[0].ID
	return id[strings.LastIndex(id, "/")+1:], nil
}

// secret writes value to a file in dir and returns the ${file:…}
// reference to it, so that the config treats value as a secret.
func secret(tb testing.TB, dir, name, value string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		tb.Fatal(err)
	}
	return "${file:" + p + "}"
}

// fixture is a config and what the tests need to talk to the service it
// describes.
type fixture struct {
	dir       string
	ingestKey string
	// hookToken and hookBearer are the webhook destination's URL token
	// and bearer token, when it has one.
	hookToken  string
	hookBearer string
	cfg        *config.Config
}

// routeSpec is one route of a fixture's config: a YAML flow mapping of
// its matcher (pattern: or filters:) and the destination it goes to.
type routeSpec struct {
	name, match, to string
}

// Routes of the fixtures: both match the sample event.
var (
	failedControls = routeSpec{
		name:  "failed-controls",
		match: `pattern: {source: [aws.securityhub], detail-type: [Security Hub Findings - Imported], detail: {findings: {Compliance: {Status: [FAILED]}, RecordState: [ACTIVE]}}}`,
	}
	accountFindings = routeSpec{
		name:  "account-findings",
		match: `filters: {AwsAccountId: [{Value: "111111111111", Comparison: EQUALS}], ProductName: [{Value: Security Hub, Comparison: EQUALS}]}`,
	}
)

// newFixture writes and parses a config over the store dsn. hook, when
// not empty, is the base URL of a webhook receiver: destination "hook"
// posts to hook+"/hook?token=…" with a bearer token and no retries.
// Destinations "file-a" and "file-b" append to dir/file-a.jsonl and
// dir/file-b.jsonl. routes say which route goes where.
func newFixture(tb testing.TB, dsn, hook string, routes ...routeSpec) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	f := &fixture{dir: dir, ingestKey: "ingest-key-4f1c9a7e2b6d"}
	var b strings.Builder
	fmt.Fprintf(&b, "store: %s\nlanguage: en\n", strconv.Quote(dsn))
	fmt.Fprintf(&b, "sources:\n  http: {path: /events, api_key: %s}\n", strconv.Quote(secret(tb, dir, "ingest-key", f.ingestKey)))
	fmt.Fprintf(&b, "delivery: {poll: %s}\n", config.DefaultDeliveryPoll)
	b.WriteString("destinations:\n")
	for _, name := range []string{"file-a", "file-b"} {
		fmt.Fprintf(&b, "  %s: {file: {path: %s}}\n", name, strconv.Quote(filepath.Join(dir, name+".jsonl")))
	}
	if hook != "" {
		f.hookToken, f.hookBearer = "hook-token-8d3e51ac90", "hook-bearer-27b4f6e013"
		url := hook + "/hook?token=" + secret(tb, dir, "hook-token", f.hookToken)
		fmt.Fprintf(&b, "  hook: {webhook: {url: %s, auth: {bearer: %s}}, retry: {max_attempts: 1}}\n",
			strconv.Quote(url), strconv.Quote(secret(tb, dir, "hook-bearer", f.hookBearer)))
	}
	b.WriteString("routes:\n")
	for _, r := range routes {
		fmt.Fprintf(&b, "  - name: %s\n    %s\n    to: [%s]\n", r.name, r.match, r.to)
	}
	reg := destinations.Registry()
	cfg, err := config.Parse(filepath.Join(dir, "hubrelay.yaml"), []byte(b.String()),
		config.WithDestinationTypes(func(typ string, s *config.Settings) error { return reg.Check(typ, s) }))
	if err != nil {
		tb.Fatalf("config:\n%s\n%v", b.String(), err)
	}
	f.cfg = cfg
	return f
}

// To returns r routed to destination.
func (r routeSpec) To(destination string) routeSpec {
	r.to = destination
	return r
}

// open opens the service of f, closed when the test ends.
func (f *fixture) open(tb testing.TB, log *slog.Logger) *service.Service {
	tb.Helper()
	svc, err := service.Open(context.Background(), f.cfg, service.Options{
		Registry: destinations.Registry(),
		Log:      log,
		Owner:    "service-test",
	})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := svc.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return svc
}

// post sends event to the ingest path at base with the fixture's key.
func (f *fixture) post(ctx context.Context, c *http.Client, base string, event []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/events", bytes.NewReader(event))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(ingestKeyHeader, f.ingestKey)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// dsn returns a fresh database of dialect for the test.
func dsn(tb testing.TB, dialect string) string {
	tb.Helper()
	return storetest.DSN(tb, dialect)
}

// counts returns the store's deliveries by status.
func counts(tb testing.TB, st *store.Store) map[store.Status]int {
	tb.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		tb.Fatalf("Counts: %v", err)
	}
	return c
}

// nonzero drops the statuses c holds none of.
func nonzero(c map[store.Status]int) map[store.Status]int {
	out := map[store.Status]int{}
	for k, v := range c {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// waitCounts waits until the store holds want deliveries of status, or
// fails the test when ctx ends first.
func waitCounts(ctx context.Context, tb testing.TB, st *store.Store, status store.Status, want int) {
	tb.Helper()
	for {
		c, err := st.Counts(ctx)
		if err == nil && c[status] == want {
			return
		}
		if err == nil && c[store.StatusDead] > 0 && status != store.StatusDead {
			dead, _ := st.Deliveries(ctx, store.Filter{Status: []store.Status{store.StatusDead}})
			tb.Fatalf("waiting for %d %s deliveries: %d dead: %+v", want, status, c[store.StatusDead], dead)
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("waiting for %d %s deliveries: last counts %v (error %v)", want, status, c, err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// receiver is a webhook endpoint that checks each request the way the
// webhook destination documents it (POST, JSON EventBridge event, bearer
// token, URL token, Idempotency-Key and kind headers) and records when
// each finding arrived, keyed by its token.
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	token  string
	bearer string
	// hold, when not nil, is waited on by every request before it is
	// answered (after it is recorded).
	hold chan struct{}
	// status answers every request; default 200.
	status int
	// answer is the body of every answer.
	answer string

	arrived  map[string]time.Time
	problems []string
	changed  chan struct{}
}

func newReceiver(tb testing.TB) *receiver {
	r := &receiver{arrived: map[string]time.Time{}, changed: make(chan struct{}, 1), status: http.StatusOK, answer: "{}"}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	tb.Cleanup(r.srv.Close)
	return r
}

// expect sets the credentials requests must carry: f's hook token and
// bearer token.
func (r *receiver) expect(f *fixture) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.token, r.bearer = f.hookToken, f.hookBearer
}

// answerWith makes the receiver answer status and body, after waiting
// for hold to close when hold is not nil.
func (r *receiver) answerWith(status int, body string, hold chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.answer, r.hold = status, body, hold
}

// URL is the receiver's base URL.
func (r *receiver) URL() string { return r.srv.URL }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	at := time.Now()
	r.mu.Lock()
	token, bearer, hold, status, answer := r.token, r.bearer, r.hold, r.status, r.answer
	r.mu.Unlock()
	tok, problem := check(req, token, bearer)
	r.mu.Lock()
	switch {
	case problem != "":
		r.problems = append(r.problems, problem)
	default:
		if _, dup := r.arrived[tok]; dup {
			r.problems = append(r.problems, "finding "+tok+" delivered twice")
		}
		r.arrived[tok] = at
	}
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	if problem != "" {
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	if hold != nil {
		<-hold
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

// check returns the token of the finding req carries, or what is wrong
// with req: it must carry the URL token token and the bearer token.
func check(req *http.Request, token, bearer string) (string, string) {
	switch {
	case req.Method != http.MethodPost:
		return "", "method " + req.Method
	case req.URL.Path != "/hook":
		return "", "path " + req.URL.Path
	case req.URL.Query().Get("token") != token:
		return "", "wrong URL token"
	case req.Header.Get("Authorization") != "Bearer "+bearer:
		return "", "wrong Authorization"
	case !isJSON(req.Header.Get("Content-Type")):
		return "", "Content-Type " + req.Header.Get("Content-Type")
	case req.Header.Get("Idempotency-Key") == "":
		return "", "no Idempotency-Key"
	case req.Header.Get("X-Hubrelay-Kind") == "":
		return "", "no X-Hubrelay-Kind"
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return "", "read body: " + err.Error()
	}
	tok, err := tokenOf(body)
	if err != nil {
		return "", err.Error()
	}
	return tok, ""
}

// isJSON reports whether a Content-Type is JSON in UTF-8.
func isJSON(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// wait waits until n findings have arrived, or fails the test when ctx
// ends first.
func (r *receiver) wait(ctx context.Context, tb testing.TB, n int) {
	tb.Helper()
	for {
		r.mu.Lock()
		got, problems := len(r.arrived), len(r.problems)
		r.mu.Unlock()
		if got+problems >= n {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("webhook received %d of %d findings", got, n)
		case <-r.changed:
		}
	}
}

// result returns the arrival times by token and the problems seen.
func (r *receiver) result() (map[string]time.Time, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]time.Time, len(r.arrived))
	for k, v := range r.arrived {
		out[k] = v
	}
	return out, append([]string(nil), r.problems...)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a log
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
