package securityhub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
)

// t0 is the tests' clock origin.
var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

const productARN = "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub"

// asff returns a valid ASFF control finding updated at `updated`; mods
// change it before it is encoded.
func asff(id, account string, updated time.Time, mods ...func(f map[string]any)) json.RawMessage {
	ts := updated.UTC().Format("2006-01-02T15:04:05.000Z")
	f := map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            id,
		"ProductArn":    productARN,
		"GeneratorId":   "aws-foundational-security-best-practices/v/1.0.0/S3.1",
		"AwsAccountId":  account,
		"Region":        "ap-northeast-1",
		"Types":         []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"CreatedAt":     t0.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z"),
		"UpdatedAt":     ts,
		"Severity":      map[string]any{"Label": "HIGH", "Normalized": 70},
		"Title":         "S3.1 S3 Block Public Access should be enabled " + id,
		"Description":   "A control finding for tests.",
		"Resources":     []any{map[string]any{"Type": "AwsAccount", "Id": "AWS::::Account:" + account, "Region": "ap-northeast-1"}},
		"Compliance":    map[string]any{"Status": "FAILED", "SecurityControlId": "S3.1"},
		"RecordState":   "ACTIVE",
		"Workflow":      map[string]any{"Status": "NEW"},
	}
	for _, m := range mods {
		m(f)
	}
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return b
}

// lockedBuffer is an io.Writer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is a hubtest server and a Client of this package talking to it.
type fixture struct {
	hub    *hubtest.Server
	client *securityhub.Client
	logs   *lockedBuffer
	secret string // the secret access key the client signs with
}

// fast are client-side limits high enough that tests do not wait on them
// (the limiter itself is tested in limit_test.go).
func fast() map[string]securityhub.Limit {
	return map[string]securityhub.Limit{
		securityhub.FamilyGetFindings:    {PerSecond: 1e6, Burst: 1e6},
		securityhub.FamilyUpdateFindings: {PerSecond: 1e6, Burst: 1e6},
		"CreateActionTarget":             {PerSecond: 1e6, Burst: 1e6},
		"UpdateActionTarget":             {PerSecond: 1e6, Burst: 1e6},
		"DescribeActionTargets":          {PerSecond: 1e6, Burst: 1e6},
		"ListMembers":                    {PerSecond: 1e6, Burst: 1e6},
	}
}

func newFixture(t *testing.T, opts hubtest.Options) *fixture {
	t.Helper()
	hub := hubtest.NewTest(t, opts)
	return &fixture{hub: hub}
}

// connect builds the fixture's client; limits nil means fast().
func (f *fixture) connect(t *testing.T, limits map[string]securityhub.Limit) *securityhub.Client {
	t.Helper()
	creds := f.hub.AWSConfig().Credentials
	v, err := creds.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.secret = v.SecretAccessKey
	if limits == nil {
		limits = fast()
	}
	f.logs = &lockedBuffer{}
	// hubtest's HTTP client, so that no request reaches the server twice
	// (see hubtest.Server.AWSConfig) and call counts are exact; the SDK
	// refuses a custom client beside a CA bundle.
	t.Setenv("AWS_CA_BUNDLE", "")
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region:      f.hub.AWSConfig().Region,
		Endpoint:    f.hub.URL(),
		HTTPClient:  f.hub.AWSConfig().HTTPClient,
		Credentials: creds,
		MaxBackoff:  time.Millisecond,
		Limits:      limits,
		Log:         slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.client = c
	t.Cleanup(func() { f.noSecrets(t) })
	return c
}

// noSecrets fails the test when the secret key shows in the logs.
func (f *fixture) noSecrets(t *testing.T) {
	t.Helper()
	if f.secret != "" && strings.Contains(f.logs.String(), f.secret) {
		t.Errorf("the secret access key appears in the logs")
	}
}

// seed adds n findings F0000… of account 111111111111 to the hub and
// returns their feedback rows (ID i+1), without notes.
func (f *fixture) seed(t *testing.T, n int) []store.Feedback {
	t.Helper()
	var raws []json.RawMessage
	var items []store.Feedback
	for i := range n {
		id := fmt.Sprintf("F%04d", i)
		raws = append(raws, asff(id, "111111111111", t0))
		items = append(items, store.Feedback{ID: int64(i + 1), FindingKey: productARN + "|" + id, FindingID: id, ProductARN: productARN, Episode: 1})
	}
	if err := f.hub.AddFindings(raws...); err != nil {
		t.Fatalf("AddFindings: %v", err)
	}
	return items
}

// asffField reads a dotted path of the hub's copy of an ASFF finding.
func (f *fixture) asffField(t *testing.T, id, path string) any {
	t.Helper()
	raw, ok := f.hub.Finding(productARN, id)
	if !ok {
		t.Fatalf("finding %s is not in the hub", id)
	}
	return field(t, raw, path)
}

func field(t *testing.T, raw json.RawMessage, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func workflow(t *testing.T, f *fixture, id string) string {
	t.Helper()
	s, _ := f.asffField(t, id, "Workflow.Status").(string)
	return s
}
