package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

func BenchmarkZZStoreBatch(b *testing.B) {
	for _, batch := range []int{1, 6, 32, 128} {
		b.Run(fmt.Sprint(batch), func(b *testing.B) {
			st := storetest.Open(b, "sqlite")
			ev := loadEvents(b)
			ctx := context.Background()
			n := 0
			mk := func() []store.Observation {
				obs := make([]store.Observation, batch)
				for j := range obs {
					items, probs := finding.Decode("x", ev.body(n))
					n++
					if len(probs) > 0 || len(items) != 1 {
						b.Fatal(probs)
					}
					obs[j] = store.Observation{Finding: items[0].Finding, Event: items[0].Event, Source: "http", ReceivedAt: time.Now(),
						Deliveries: []store.Planned{{Route: "r1", Destination: "d1"}, {Route: "r2", Destination: "d2"}}}
				}
				return obs
			}
			b.ResetTimer()
			c0, _ := cpuTime()
			total := 0
			for b.Loop() {
				b.StopTimer()
				obs := mk()
				b.StartTimer()
				if _, err := st.Ingest(ctx, obs); err != nil {
					b.Fatal(err)
				}
				total += batch
			}
			c1, _ := cpuTime()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(total), "us/finding")
			_ = c0
			_ = c1
		})
	}
}
