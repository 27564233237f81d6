package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// BenchmarkIngest ingests batches of 100 new findings with two planned
// deliveries each and reports findings/s.
func BenchmarkIngest(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			const batch = 100
			n := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				obs := make([]store.Observation, batch)
				for j := range obs {
					f := failing(fmt.Sprintf("B%09d", n), t0.Add(time.Duration(n)*time.Millisecond))
					n++
					obs[j] = observe(f, to("chat", "slack"), to("tickets", "backlog"))
				}
				if _, err := s.Ingest(ctx, obs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}
