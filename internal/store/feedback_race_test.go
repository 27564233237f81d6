package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// The last two deliveries of a finding completing at the same moment still
// queue its feedback: neither may conclude the other is unsettled.
func TestFeedbackWhenLastDeliveriesCompleteTogether(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for round := 0; round < 15; round++ {
			f := failing(fmt.Sprintf("arn:finding/together-%d", round), t0)
			o := observe(f, to("r", "a"), to("r", "b"))
			o.MarkNotified = true
			ingest(t, s, o)
			cs := claim(t, s, "w", t0.Add(time.Minute), 10)
			if len(cs) != 2 {
				t.Fatalf("claimed %d, want 2", len(cs))
			}
			var wg sync.WaitGroup
			for _, c := range cs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := s.Complete(context.Background(), c.ID, "w", store.Receipt{ID: "x"}, t0.Add(time.Minute)); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			fb, err := s.ClaimFeedback(context.Background(), "m", t0.Add(2*time.Minute), time.Minute, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(fb) != 1 || fb[0].FindingID != f.ID {
				t.Fatalf("round %d: feedback %+v, want the finding once", round, fb)
			}
			if err := s.CompleteFeedback(context.Background(), []int64{fb[0].ID}, "m", t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	})
}
