package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestQueueDepth(t *testing.T) {
	errStore := errors.New("store: count jobs: connection refused")
	tests := []struct {
		name  string
		f     func(ctx context.Context) (map[string]int, error)
		want  string
		calls int // scrapes before comparing
	}{
		{
			name:  "not watched",
			f:     nil,
			calls: 1,
			want: `
# HELP hubrelay_queue_depth_errors_total Scrapes that could not count the queue jobs.
# TYPE hubrelay_queue_depth_errors_total counter
hubrelay_queue_depth_errors_total 0
`,
		},
		{
			name: "counts by status",
			f: func(context.Context) (map[string]int, error) {
				return map[string]int{"available": 3, "retryable": 2, "discarded": 0}, nil
			},
			calls: 1,
			want: `
# HELP hubrelay_queue_depth Queue jobs by status, counted at scrape time.
# TYPE hubrelay_queue_depth gauge
hubrelay_queue_depth{status="available"} 3
hubrelay_queue_depth{status="discarded"} 0
hubrelay_queue_depth{status="retryable"} 2
# HELP hubrelay_queue_depth_errors_total Scrapes that could not count the queue jobs.
# TYPE hubrelay_queue_depth_errors_total counter
hubrelay_queue_depth_errors_total 0
`,
		},
		{
			name:  "errors are counted, the depth is left out",
			f:     func(context.Context) (map[string]int, error) { return nil, errStore },
			calls: 2,
			want: `
# HELP hubrelay_queue_depth_errors_total Scrapes that could not count the queue jobs.
# TYPE hubrelay_queue_depth_errors_total counter
hubrelay_queue_depth_errors_total 2
`,
		},
		{
			name: "a slow store is cut off at the timeout",
			f: func(ctx context.Context) (map[string]int, error) {
				if _, ok := ctx.Deadline(); !ok {
					return map[string]int{"no_deadline": 1}, nil
				}
				<-ctx.Done()
				return nil, ctx.Err()
			},
			calls: 1,
			want: `
# HELP hubrelay_queue_depth_errors_total Scrapes that could not count the queue jobs.
# TYPE hubrelay_queue_depth_errors_total counter
hubrelay_queue_depth_errors_total 1
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New()
			m.Received("http", 1) // other metrics keep being served
			m.WatchDepth(tt.f)
			for range tt.calls - 1 {
				if _, err := m.reg.Gather(); err != nil {
					t.Fatal(err)
				}
			}
			if err := testutil.GatherAndCompare(m.reg, strings.NewReader(tt.want),
				"hubrelay_queue_depth", "hubrelay_queue_depth_errors_total"); err != nil {
				t.Error(err)
			}
			if got := testutil.ToFloat64(m.received.WithLabelValues("http")); got != 1 {
				t.Errorf("received = %v, want 1", got)
			}
		})
	}
}

func TestWatchDepthReplacesAndStops(t *testing.T) {
	m := New()
	m.WatchDepth(func(context.Context) (map[string]int, error) { return map[string]int{"old": 1}, nil })
	m.WatchDepth(func(context.Context) (map[string]int, error) { return map[string]int{"new": 2}, nil })
	want := `
# HELP hubrelay_queue_depth Queue jobs by status, counted at scrape time.
# TYPE hubrelay_queue_depth gauge
hubrelay_queue_depth{status="new"} 2
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "hubrelay_queue_depth"); err != nil {
		t.Error(err)
	}
	m.WatchDepth(nil)
	if n, err := testutil.GatherAndCount(m.reg, "hubrelay_queue_depth"); err != nil || n != 0 {
		t.Errorf("after WatchDepth(nil): %d depth series, err %v; want none", n, err)
	}
}
