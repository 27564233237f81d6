package metrics

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// depthTimeout bounds one call of the DepthFunc during a scrape.
const depthTimeout = 2 * time.Second

// WatchDepth makes every scrape report hubrelay_queue_depth{status}, the
// number of queue jobs in each status, by calling f with a 2 s timeout. When
// f fails, the scrape leaves the depth out, counts the failure in
// hubrelay_queue_depth_errors_total and serves every other metric. A later
// call replaces f; a nil f stops reporting the depth. cmd/hubrelay calls it
// once the store is open; it is safe for concurrent use with scrapes.
func (m *Metrics) WatchDepth(f func(ctx context.Context) (map[string]int, error)) {
	if m == nil {
		return
	}
	if f == nil {
		m.depthSource.Store(nil)
		return
	}
	m.depthSource.Store(&f)
}

// depthCollector computes the queue depth at scrape time. It owns the
// errors counter too, so a failed scrape shows its own failure.
type depthCollector struct {
	source   *atomic.Pointer[DepthFunc]
	depth    *prometheus.Desc
	errsDesc *prometheus.Desc
	errs     atomic.Uint64
}

func newDepthCollector(source *atomic.Pointer[DepthFunc]) *depthCollector {
	return &depthCollector{
		source: source,
		depth: prometheus.NewDesc("hubrelay_queue_depth",
			"Queue jobs by status, counted at scrape time.", []string{"status"}, nil),
		errsDesc: prometheus.NewDesc("hubrelay_queue_depth_errors_total",
			"Scrapes that could not count the queue jobs.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.errsDesc
}

// Collect implements prometheus.Collector; the registry calls it on every
// scrape, possibly concurrently.
func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	if f := c.source.Load(); f != nil {
		ctx, cancel := context.WithTimeout(context.Background(), depthTimeout)
		counts, err := (*f)(ctx)
		cancel()
		if err != nil {
			c.errs.Add(1)
		} else {
			for status, n := range counts {
				ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n), status)
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(c.errsDesc, prometheus.CounterValue, float64(c.errs.Load()))
}
