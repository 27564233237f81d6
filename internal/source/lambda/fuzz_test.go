package lambdasource_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/route"
	lambdasource "github.com/hubrelay/hubrelay/internal/source/lambda"
	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// FuzzInvoke feeds arbitrary invocation inputs to the handler over a real
// SQLite store. Whatever the input, the handler does not panic; with a
// store that works, every error it returns blames the input, and an SQS
// batch never reports a record as failed (a record either commits or is
// rejected).
func FuzzInvoke(f *testing.F) {
	for _, name := range []string{"eventbridge-event.json", "sqs-batch.json", "sns-event.json"} {
		f.Add(readFile(f, name))
	}
	for _, seed := range []string{
		`{"hubrelay": "drain", "seconds": 5}`,
		`{"hubrelay": 1}`,
		`{"Records": []}`,
		`{"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "body": "{\"Type\":\"Notification\",\"Message\":\"{}\"}"}]}`,
		`{"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "[1,2"}}]}`,
		`{"Records": [{"eventSource": "aws:s3"}], "detail-type": "x"}`,
		`{"records": [], "source": "aws.securityhub", "detail": {"findings": [{}]}}`,
		`[]`,
		`null`,
		`"text"`,
	} {
		f.Add([]byte(seed))
	}
	cfg, err := config.Parse("fuzz.yaml", []byte("destinations:\n  d: {stdout: {}}\nroutes:\n  - {name: all, pattern: {source: [aws.securityhub]}, to: [d]}\n"))
	if err != nil {
		f.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	in, err := ingest.New(cfg, r, storetest.Open(f, store.DialectSQLite), ingest.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { in.Close() })
	h, err := lambdasource.New(lambdasource.Options{Ingester: in})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := h.Invoke(context.Background(), json.RawMessage(payload))
		if err != nil && sqssource.Classify(err) != sqssource.Rejected {
			t.Fatalf("error %T %v does not blame the input", err, err)
		}
		if resp, ok := out.(events.SQSEventResponse); ok {
			if len(resp.BatchItemFailures) > 0 {
				t.Fatalf("failures %+v with a working store", resp.BatchItemFailures)
			}
			if err != nil {
				t.Fatalf("SQS batch with an error: %v", err)
			}
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("answer %T does not encode: %v", out, err)
		}
	})
}
