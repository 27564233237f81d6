package service

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// hubFinding is a failing control finding as Security Hub holds it.
func hubFinding(i int) json.RawMessage {
	ts := time.Date(2026, 11, 20, 0, 0, i, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	b, _ := json.Marshal(map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.1/finding/svc-%04d", i),
		"ProductArn":    "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		"GeneratorId":   "aws-foundational-security-best-practices/v/1.0.0/S3.1",
		"AwsAccountId":  "111111111111",
		"Region":        "ap-northeast-1",
		"Types":         []string{"Software and Configuration Checks/Industry and Regulatory Standards"},
		"CreatedAt":     ts,
		"UpdatedAt":     ts,
		"Severity":      map[string]any{"Label": "HIGH", "Normalized": 70},
		"Title":         "S3.1 S3 general purpose buckets should have block public access settings enabled",
		"Description":   "A control finding.",
		"Resources":     []any{map[string]any{"Type": "AwsAccount", "Id": "AWS::::Account:111111111111", "Region": "ap-northeast-1"}},
		"Compliance":    map[string]any{"Status": "FAILED", "SecurityControlId": "S3.1"},
		"RecordState":   "ACTIVE",
		"Workflow":      map[string]any{"Status": "NEW"},
	})
	return b
}

// The whole Security Hub loop through the service: the poller reads the
// findings with GetFindings, the queue delivers them, and only then does
// the updater mark them NOTIFIED, with the receipt in the note.
func TestPollDeliverMarkNotified(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			hub := hubtest.NewTest(t, hubtest.Options{Region: "ap-northeast-1"})
			const n = 30
			for i := range n {
				if err := hub.AddFindings(hubFinding(i)); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "out.jsonl")
			cfgText := fmt.Sprintf(`store: %q
securityhub: {region: ap-northeast-1, mark_notified: true}
sources:
  poll:
    interval: 10s
    filters: {AwsAccountId: [{Value: "111111111111", Comparison: EQUALS}], RecordState: [{Value: ACTIVE, Comparison: EQUALS}]}
delivery: {poll: 20ms}
destinations:
  tickets: {file: {path: %q}}
routes:
  - name: failing
    filters: {ComplianceStatus: [{Value: FAILED, Comparison: EQUALS}]}
    to: [tickets]
`, storetest.DSN(t, dialect), out)
			cfg, err := config.Parse("hubrelay.yaml", []byte(cfgText))
			if err != nil {
				t.Fatal(err)
			}
			creds := hub.AWSConfig().Credentials
			c, err := securityhub.New(context.Background(), securityhub.Options{Region: "ap-northeast-1", Endpoint: hub.URL(), Credentials: creds})
			if err != nil {
				t.Fatal(err)
			}
			svc, err := Open(context.Background(), cfg, Options{Registry: destinations.Registry(), SecurityHub: c})
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- svc.Serve(ctx, nil) }()
			notified := func() int {
				k := 0
				for i := range n {
					var f struct{ Workflow struct{ Status string } }
					raw, ok := hub.Finding("arn:aws:securityhub:ap-northeast-1::product/aws/securityhub", idOf(t, hubFinding(i)))
					if ok && json.Unmarshal(raw, &f) == nil && f.Workflow.Status == "NOTIFIED" {
						k++
					}
				}
				return k
			}
			deadline := time.Now().Add(60 * time.Second)
			for notified() < n && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if k := notified(); k != n {
				t.Fatalf("%d of %d findings NOTIFIED", k, n)
			}
			counts, err := svc.Store().Counts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if counts[store.StatusDelivered] != n {
				t.Fatalf("store %v, want %d delivered", counts, n)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if lines := countLines(b); lines != n {
				t.Fatalf("%d messages, want %d", lines, n)
			}
			if hub.Calls("GetFindings") == 0 || hub.Calls("BatchUpdateFindings") == 0 {
				t.Errorf("calls: GetFindings %d, BatchUpdateFindings %d", hub.Calls("GetFindings"), hub.Calls("BatchUpdateFindings"))
			}
		})
	}
}

func idOf(t *testing.T, raw json.RawMessage) string {
	var f struct{ Id string }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Id
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
