package metrics

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics records hubrelay's metrics. Create it with New; a nil *Metrics
// is valid and records nothing. All methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	received    *prometheus.CounterVec
	matched     *prometheus.CounterVec
	suppressed  *prometheus.CounterVec
	duplicates  prometheus.Counter
	deliveries  *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	requests    *prometheus.CounterVec
	batchSize   prometheus.Histogram
	commitTime  prometheus.Histogram
	depth       *depthCollector
	depthSource atomic.Pointer[DepthFunc]
}

// DepthFunc reports how many queue jobs are in each status. WatchDepth's
// collector calls it at scrape time; it must honour ctx.
type DepthFunc = func(ctx context.Context) (map[string]int, error)

// latencyBuckets run from 10 ms to 1 h: a chat message arrives in under a
// second, a delivery that waited out retries or a digest takes minutes.
var latencyBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600}

// batchBuckets cover one finding up to the ingester's largest batches.
var batchBuckets = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

// commitBuckets run from 1 ms to 10 s.
var commitBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New returns Metrics with a registry of its own holding hubrelay's
// metrics and the Go runtime and process collectors. Each call returns an
// independent registry, so tests may create as many as they like.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubrelay_findings_received_total",
			Help: "Findings received, by source (http, sqs, lambda, poll, file).",
		}, []string{"source"}),
		matched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubrelay_findings_matched_total",
			Help: "Findings a route matched, by route name.",
		}, []string{"route"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubrelay_findings_suppressed_total",
			Help: "Findings a suppression held back, by suppression name.",
		}, []string{"suppression"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hubrelay_deliveries_deduplicated_total",
			Help: "Deliveries not created because one with the same idempotency key exists.",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubrelay_deliveries_total",
			Help: "Delivery attempts, by destination and outcome (delivered, retry, dead).",
		}, []string{"destination", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hubrelay_delivery_latency_seconds",
			Help:    "Time from a finding's arrival to its delivery, by destination.",
			Buckets: latencyBuckets,
		}, []string{"destination"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubrelay_http_requests_total",
			Help: "Requests to the HTTP source, by status code.",
		}, []string{"code"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hubrelay_ingest_batch_size",
			Help:    "Findings committed per ingest transaction.",
			Buckets: batchBuckets,
		}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hubrelay_ingest_commit_seconds",
			Help:    "Time to commit one ingest transaction.",
			Buckets: commitBuckets,
		}),
	}
	m.depth = newDepthCollector(&m.depthSource)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.received, m.matched, m.suppressed, m.duplicates,
		m.deliveries, m.latency, m.requests,
		m.batchSize, m.commitTime, m.depth,
	)
	return m
}

// Handler serves this registry in the Prometheus exposition formats
// (text and OpenMetrics, as the scraper asks). Should a collector fail, the
// other metrics are still served. On a nil *Metrics it answers 404. The
// handler is safe for concurrent scrapes.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	})
}
