package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
)

// A finding is ingested with the deliveries the router planned, a worker
// claims and completes them, and a replay creates nothing new.
func ExampleStore_Ingest() {
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite::memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	f := &finding.Finding{
		ID:          "arn:aws:securityhub:ap-northeast-1:111111111111:subscription/cis/1.4.0/1.10/finding/0001",
		ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		RecordState: "ACTIVE", Workflow: "NEW",
		Compliance: finding.Compliance{Status: "FAILED"},
		Severity:   finding.Severity{Label: "HIGH", Normalized: 70},
		UpdatedAt:  now,
	}
	obs := store.Observation{
		Finding: f, Event: []byte(`{"source":"aws.securityhub"}`), Source: "http", ReceivedAt: now,
		Deliveries: []store.Planned{{Route: "system-a-tickets", Destination: "backlog-system-a"}},
	}
	res, _ := s.Ingest(ctx, []store.Observation{obs})
	fmt.Println(res[0].Transition, "episode", res[0].Episode, "created", res[0].Created)

	claimed, _ := s.Claim(ctx, "worker-1", now, time.Minute, 10)
	for _, c := range claimed {
		fmt.Println(c.Kind, c.Destination, string(c.Event))
		_ = s.Complete(ctx, c.ID, "worker-1", store.Receipt{ID: "SYS-42"}, now)
	}

	res, _ = s.Ingest(ctx, []store.Observation{obs})
	fmt.Println(res[0].Transition, "created", res[0].Created, "duplicates", res[0].Duplicates)
	// Output:
	// opened episode 1 created 1
	// new backlog-system-a {"source":"aws.securityhub"}
	// unchanged created 0 duplicates 1
}
