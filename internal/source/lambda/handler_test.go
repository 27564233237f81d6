package lambdasource_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	lambdasource "github.com/hubrelay/hubrelay/internal/source/lambda"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// testTimeout bounds every test's context, as Lambda's deadline does.
const testTimeout = 60 * time.Second

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
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

// function is a handler over a real service, invoked the way the Lambda
// runtime does: JSON in, JSON out, through aws-lambda-go.
type function struct {
	svc *service.Service
	h   *lambdasource.Handler
	fn  lambda.Handler
	log *syncBuffer
	out string // the file destination's path
}

// newFunction opens a service over a fresh store of dialect whose one
// route sends every Security Hub finding to a file, and the handler over
// it. wrap, when not nil, wraps the ingester.
func newFunction(t *testing.T, dialect string, wrap func(lambdasource.Ingester) lambdasource.Ingester) *function {
	t.Helper()
	return newFunctionRoute(t, dialect, "", wrap)
}

// newFunctionRoute is newFunction with more keys for the route, such as
// ", group: {...}".
func newFunctionRoute(t *testing.T, dialect, routeKeys string, wrap func(lambdasource.Ingester) lambdasource.Ingester) *function {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	src := fmt.Sprintf("store: %s\ndestinations:\n  file: {file: {path: %s}}\nroutes:\n  - {name: all, pattern: {source: [aws.securityhub]}, to: [file]%s}\n",
		strconv.Quote(storetest.DSN(t, dialect)), strconv.Quote(out), routeKeys)
	reg := destinations.Registry()
	cfg, err := config.Parse("test.yaml", []byte(src), config.WithDestinationTypes(func(typ string, s *config.Settings) error { return reg.Check(typ, s) }))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	svc, err := service.Open(context.Background(), cfg, service.Options{Registry: reg, Log: log, Owner: "lambda-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	var in lambdasource.Ingester = svc.Ingester()
	if wrap != nil {
		in = wrap(in)
	}
	h, err := lambdasource.New(lambdasource.Options{Ingester: in, Queue: svc.Queue(), Counts: svc.Store().Counts, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return &function{svc: svc, h: h, fn: lambda.NewHandler(h.Invoke), log: logs, out: out}
}

// invoke calls the function with payload and returns its JSON answer.
func (f *function) invoke(t *testing.T, payload []byte) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	out, err := f.fn.Invoke(ctx, payload)
	return string(out), err
}

func (f *function) counts(t *testing.T) map[store.Status]int {
	t.Helper()
	c, err := f.svc.Store().Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecordedInputs invokes the function with the recorded inputs of
// each kind, against both stores.
func TestRecordedInputs(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			f := newFunction(t, dialect, nil)
			steps := []struct {
				name    string
				payload []byte
				want    string
				pending int // deliveries pending afterwards
			}{
				{"EventBridge event", readFile(t, "eventbridge-event.json"),
					`{"findings":1,"deliveries":1,"duplicates":0,"suppressed":0,"unmatched":0,"stale":0}`, 1},
				{"the same event again", readFile(t, "eventbridge-event.json"),
					`{"findings":1,"deliveries":0,"duplicates":1,"suppressed":0,"unmatched":0,"stale":0}`, 1},
				{"SQS batch with one bad record", readFile(t, "sqs-batch.json"), `{"batchItemFailures":[]}`, 3},
				{"SNS notification", readFile(t, "sns-event.json"),
					`{"findings":1,"deliveries":1,"duplicates":0,"suppressed":0,"unmatched":0,"stale":0}`, 4},
			}
			for _, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					got, err := f.invoke(t, st.payload)
					if err != nil {
						t.Fatalf("invoke: %v", err)
					}
					if got != st.want {
						t.Errorf("answer %s, want %s", got, st.want)
					}
					if c := f.counts(t); c[store.StatusPending] != st.pending {
						t.Errorf("store %v, want %d pending", c, st.pending)
					}
				})
			}
			logs := f.log.String()
			if !strings.Contains(logs, `"msg":"sqs record rejected; deleted","message_id":"2e1424d4-f796-459a-8184-9c92662be6da","receive_count":"1","queue":"arn:aws:sqs:us-east-1:123456789012:hubrelay-findings","error":"request body:1:`) {
				t.Errorf("no log line for the bad record:\n%s", logs)
			}
			// Nothing is delivered while ingesting; the drain delivers.
			got, err := f.invoke(t, []byte(`{"hubrelay": "drain", "seconds": 30}`))
			if err != nil {
				t.Fatalf("drain: %v", err)
			}
			var res lambdasource.DrainResult
			if err := json.Unmarshal([]byte(got), &res); err != nil {
				t.Fatal(err)
			}
			if !res.Done || res.Store["delivered"] != 4 || res.Store["pending"] != 0 {
				t.Errorf("drain answered %s, want done with 4 delivered", got)
			}
			if n := lines(t, f.out); n != 4 {
				t.Errorf("the file destination holds %d lines, want 4", n)
			}
		})
	}
}

func lines(t *testing.T, path string) int {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	n := 0
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n
}

// failing is an ingester that fails the commit of bodies holding a marker,
// as the store does when a transaction fails, and commits the rest.
type failing struct {
	next   lambdasource.Ingester
	marker string
}

func (f failing) Body(ctx context.Context, source string, body []byte) (ingest.Result, error) {
	if bytes.Contains(body, []byte(f.marker)) {
		return ingest.Result{}, &ingest.UnavailableError{Err: errors.New("write tcp 10.0.0.5:5432: connection reset by peer")}
	}
	return f.next.Body(ctx, source, body)
}

// TestPartialBatchResponse checks that the records whose commit failed,
// and only those, are named in batchItemFailures, and that a batch in
// which every record failed fails the invocation.
func TestPartialBatchResponse(t *testing.T) {
	f := newFunction(t, store.DialectSQLite, func(in lambdasource.Ingester) lambdasource.Ingester {
		return failing{next: in, marker: "00000000-0000-4000-8000-000000000202"}
	})
	got, err := f.invoke(t, readFile(t, "sqs-batch.json"))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if want := `{"batchItemFailures":[{"itemIdentifier":"7b9a5f6e-3c4d-4e8f-9a0b-1c2d3e4f5a6b"}]}`; got != want {
		t.Errorf("answer %s, want %s", got, want)
	}
	if c := f.counts(t); c[store.StatusPending] != 1 {
		t.Errorf("store %v, want the good record's delivery", c)
	}
	if !strings.Contains(f.log.String(), `"msg":"sqs record not committed; reported as a batch item failure","message_id":"7b9a5f6e-3c4d-4e8f-9a0b-1c2d3e4f5a6b","receive_count":"2"`) {
		t.Errorf("log:\n%s", f.log)
	}

	all := newFunction(t, store.DialectSQLite, func(in lambdasource.Ingester) lambdasource.Ingester {
		return failing{next: in, marker: `"detail-type"`}
	})
	var batch struct{ Records []json.RawMessage }
	if err := json.Unmarshal(readFile(t, "sqs-batch.json"), &batch); err != nil {
		t.Fatal(err)
	}
	onlyGood, _ := json.Marshal(map[string]any{"Records": []json.RawMessage{batch.Records[0], batch.Records[2]}})
	if _, err := all.invoke(t, onlyGood); err == nil || !strings.Contains(err.Error(), "none of the 2 SQS records could be committed") {
		t.Errorf("every record failed: error %v", err)
	}
}

// TestStoreDown closes the store under the function: an event fails the
// invocation, so that Lambda retries it.
func TestStoreDown(t *testing.T) {
	f := newFunction(t, store.DialectSQLite, nil)
	if err := f.svc.Store().Close(); err != nil {
		t.Fatal(err)
	}
	_, err := f.invoke(t, readFile(t, "eventbridge-event.json"))
	if err == nil || !strings.Contains(err.Error(), "lambda: event: store unavailable") {
		t.Errorf("error %v, want the store's", err)
	}
}

func TestRefusedInputs(t *testing.T) {
	f := newFunction(t, store.DialectSQLite, nil)
	noQueue, err := lambdasource.New(lambdasource.Options{Ingester: f.svc.Ingester()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		h       *lambdasource.Handler
		payload string
		want    string
		direct  bool // call Invoke itself: aws-lambda-go refuses invalid JSON first
	}{
		{name: "no finding", payload: `{"hello":"world"}`, want: "lambda: event: request body:1:1: not a Security Hub finding"},
		{name: "not JSON", payload: `{"detail": [`, want: "lambda: event: request body:1:", direct: true},
		{name: "empty records", payload: `{"Records": []}`, want: "lambda input: Records: the list is empty"},
		{name: "records not a list", payload: `{"Records": {"eventSource": "aws:sqs"}}`, want: "lambda input: Records: want a list of SQS or SNS records"},
		{name: "S3 records", payload: `{"Records": [{"eventSource": "aws:s3"}]}`, want: `lambda input: Records: event source "aws:s3" is not supported`},
		{name: "mixed records", payload: `{"Records": [{"eventSource": "aws:sqs"}, {"EventSource": "aws:sns"}]}`, want: `lambda input: Records[1]: event source "aws:sns" differs from the first record's "aws:sqs"`},
		{name: "unknown command", payload: `{"hubrelay": "purge"}`, want: `lambda input: command: unknown command "purge"; the only one is "drain"`},
		{name: "unknown key", payload: `{"hubrelay": "drain", "second": 5}`, want: `lambda input: command: unknown key "second"`},
		{name: "too long", payload: `{"hubrelay": "drain", "seconds": 901}`, want: "lambda input: command: seconds must be between 1 and 900"},
		{name: "seconds not a number", payload: `{"hubrelay": "drain", "seconds": "50"}`, want: "lambda input: command: json: cannot unmarshal string"},
		{name: "drain without a queue", h: noQueue, payload: `{"hubrelay": "drain"}`, want: "lambda input: command: drain: this function has no delivery queue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.h
			if h == nil {
				h = f.h
			}
			var err error
			if tt.direct {
				_, err = h.Invoke(context.Background(), json.RawMessage(tt.payload))
			} else {
				_, err = lambda.NewHandler(h.Invoke).Invoke(context.Background(), []byte(tt.payload))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if c := f.counts(t); c[store.StatusPending] != 0 {
		t.Errorf("store %v after refused inputs", c)
	}
}

// TestDrainDeadline drains a queue that cannot empty before the
// function's deadline (a grouped route waits a minute): the drain returns
// before the deadline, without an error, with what is left.
func TestDrainDeadline(t *testing.T) {
	f := newFunctionRoute(t, store.DialectSQLite, ", group: {by: [AwsAccountId], wait: 1m}", nil)
	if _, err := f.invoke(t, readFile(t, "eventbridge-event.json")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := f.fn.Invoke(ctx, []byte(`{"hubrelay": "drain", "seconds": 60}`))
	if err != nil {
		t.Fatalf("drain: %v", err)
	}
	if ctx.Err() != nil {
		t.Errorf("the drain ran into the function's deadline")
	}
	var res lambdasource.DrainResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Done || res.Store["grouped"] != 1 {
		t.Errorf("drain answered %s, want not done, one grouped", out)
	}
	short, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	if _, err := f.fn.Invoke(short, []byte(`{"hubrelay": "drain"}`)); err == nil || !strings.Contains(err.Error(), "the function's deadline leaves no time") {
		t.Errorf("drain with under 2s left: %v", err)
	}
}

func TestNew(t *testing.T) {
	if _, err := lambdasource.New(lambdasource.Options{}); err == nil || err.Error() != "lambda: no ingester" {
		t.Errorf("New without an ingester: %v", err)
	}
}
