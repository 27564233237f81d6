package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// t0 is the tests' clock origin.
var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

const productARN = "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub"

// forEachStore runs fn on a fresh SQLite store and a fresh PostgreSQL store.
func forEachStore(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, storetest.Open(t, d)) })
	}
}

// forEachDSN runs fn with the DSN of a fresh database of each dialect, for
// tests that open several Stores on one database.
func forEachDSN(t *testing.T, fn func(t *testing.T, dialect, dsn string)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, d, storetest.DSN(t, d)) })
	}
}

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// failing returns an active, failing control finding updated at `at`.
func failing(id string, at time.Time) *finding.Finding {
	return &finding.Finding{
		ID:          id,
		ProductARN:  productARN,
		ProductName: "Security Hub",
		AccountID:   "111111111111",
		Region:      "ap-northeast-1",
		Title:       "finding " + id,
		Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
		Workflow:    "NEW",
		RecordState: "ACTIVE",
		Compliance:  finding.Compliance{Status: "FAILED"},
		UpdatedAt:   at,
	}
}

// passed returns the finding resolved (compliance PASSED) at `at`.
func passed(id string, at time.Time) *finding.Finding {
	f := failing(id, at)
	f.Compliance.Status = "PASSED"
	return f
}

// event is a minimal EventBridge event carrying f.
func event(f *finding.Finding) []byte {
	b, err := json.Marshal(map[string]any{
		"source":      "aws.securityhub",
		"detail-type": "Security Hub Findings - Imported",
		"detail": map[string]any{"findings": []any{map[string]any{
			"Id": f.ID, "ProductArn": f.ProductARN, "UpdatedAt": f.UpdatedAt.Format(time.RFC3339Nano),
			"Compliance": map[string]any{"Status": f.Compliance.Status},
		}}},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// observe builds an observation of f received at f.UpdatedAt.
func observe(f *finding.Finding, planned ...store.Planned) store.Observation {
	return store.Observation{Finding: f, Event: event(f), Source: "test", ReceivedAt: f.UpdatedAt, Deliveries: planned}
}

func to(route, dest string) store.Planned { return store.Planned{Route: route, Destination: dest} }

func ingest(t *testing.T, s *store.Store, obs ...store.Observation) []store.IngestResult {
	t.Helper()
	res, err := s.Ingest(context.Background(), obs)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	if len(res) != len(obs) {
		t.Fatalf("Ingest returned %d results for %d observations", len(res), len(obs))
	}
	return res
}

// claim claims with a one-day lease.
func claim(t *testing.T, s *store.Store, owner string, now time.Time, limit int) []store.Claimed {
	t.Helper()
	c, err := s.Claim(context.Background(), owner, now, 24*time.Hour, limit)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return c
}

func complete(t *testing.T, s *store.Store, c store.Claimed, owner string, r store.Receipt, now time.Time) {
	t.Helper()
	if err := s.Complete(context.Background(), c.ID, owner, r, now); err != nil {
		t.Fatalf("Complete %d: %v", c.ID, err)
	}
}

// all lists every delivery, oldest first.
func all(t *testing.T, s *store.Store) []store.Delivery {
	t.Helper()
	var out []store.Delivery
	var after int64
	for {
		page, err := s.Deliveries(context.Background(), store.Filter{Limit: store.MaxListLimit, AfterID: after})
		if err != nil {
			t.Fatalf("Deliveries: %v", err)
		}
		if len(page) == 0 {
			break
		}
		out = append(out, page...)
		after = page[len(page)-1].ID
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// deliverAll claims and completes every due delivery, with a receipt made
// by rc, and returns what was claimed.
func deliverAll(t *testing.T, s *store.Store, now time.Time, rc func(store.Claimed) store.Receipt) []store.Claimed {
	t.Helper()
	var out []store.Claimed
	for {
		cs := claim(t, s, "w", now, 100)
		if len(cs) == 0 {
			return out
		}
		for _, c := range cs {
			complete(t, s, c, "w", rc(c), now)
		}
		out = append(out, cs...)
	}
}

func noReceipt(store.Claimed) store.Receipt { return store.Receipt{} }

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// ids lists the claimed deliveries' ids and finding IDs, for messages.
func ids(cs []store.Claimed) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%d:%s:%s", c.ID, c.Kind, c.FindingID))
	}
	return out
}
