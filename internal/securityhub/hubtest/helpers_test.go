package hubtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// testNow is the fixed clock of most tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clockBackoff is a retry back-off that moves the server's clock forward
// by step instead of sleeping, so throttling tests are deterministic and
// fast while the SDK's standard retryer decides what to retry.
type clockBackoff struct {
	c    *Clock
	step time.Duration
}

func (b clockBackoff) BackoffDelay(int, error) (time.Duration, error) {
	b.c.Advance(b.step)
	return 0, nil
}

// retryingClient is a client with the SDK's standard retryer whose back-off
// advances c; maxAttempts 1 disables retries.
func retryingClient(s *Server, c *Clock, maxAttempts int) *securityhub.Client {
	cfg := s.AWSConfig()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.Backoff = clockBackoff{c: c, step: time.Second}
			o.RateLimiter = ratelimit.None
		})
	}
	return securityhub.NewFromConfig(cfg, func(o *securityhub.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

// readFixture reads a file of testdata.
func readFixture(t testing.TB, rel string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validASFF are the ASFF fixtures BatchImportFindings accepts.
func validASFF(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	files, err := filepath.Glob("testdata/asff/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]json.RawMessage{}
	for _, f := range files {
		name := filepath.Base(f)
		if name[:2] == "22" || name[:2] == "23" {
			continue
		}
		out[name] = readFixture(t, "asff/"+name)
	}
	return out
}

// seededServer is a server holding every valid ASFF fixture, with the
// fixture file name of each finding by its Id.
func seededServer(t testing.TB, opts Options) (*Server, map[string]string) {
	t.Helper()
	s := NewTest(t, opts)
	names := map[string]string{}
	fixtures := validASFF(t)
	for _, name := range sortedKeys(fixtures) {
		raw := fixtures[name]
		if err := s.AddFindings(raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		names[findingID(t, raw)] = name
	}
	return s, names
}

func findingID(t testing.TB, raw []byte) string {
	t.Helper()
	var v struct{ Id string }
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.Id
}

func productARN(t testing.TB, raw []byte) string {
	t.Helper()
	var v struct{ ProductArn string }
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.ProductArn
}

// withID returns a copy of an ASFF finding with another Id and UpdatedAt.
func withID(t testing.TB, raw []byte, id string, updated time.Time) json.RawMessage {
	t.Helper()
	doc, err := decodeObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc["Id"] = id
	doc["UpdatedAt"] = updated.UTC().Format(time.RFC3339)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
