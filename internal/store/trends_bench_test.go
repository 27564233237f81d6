package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// BenchmarkIngestChanges ingests batches of 100 newer versions of open
// findings whose severity flips every time (each one an "updated"
// transition), with two planned deliveries each, and reports findings/s:
// the re-evaluations Security Hub sends all day, on the path that compares
// each version with the last.
func BenchmarkIngestChanges(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			const batch, findings = 100, 1000
			labels := []string{"HIGH", "CRITICAL"}
			obs := func(round, first int) []store.Observation {
				out := make([]store.Observation, batch)
				for j := range out {
					f := failing(fmt.Sprintf("C%06d", (first+j)%findings), t0.Add(time.Duration(round)*time.Second))
					f.Severity.Label = labels[round%2]
					out[j] = observe(f, to("chat", "slack"), to("tickets", "backlog"))
				}
				return out
			}
			for i := 0; i < findings; i += batch {
				if _, err := s.Ingest(ctx, obs(0, i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				first := (i * batch) % findings
				round := 1 + i*batch/findings
				if _, err := s.Ingest(ctx, obs(round, first)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}
