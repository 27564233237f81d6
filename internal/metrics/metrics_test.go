package metrics

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// histogramTotals reads a histogram's sample count and sum.
func histogramTotals(t *testing.T, h prometheus.Histogram) (uint64, float64) {
	t.Helper()
	var out dto.Metric
	if err := h.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetHistogram().GetSampleCount(), out.GetHistogram().GetSampleSum()
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCounters(t *testing.T) {
	tests := []struct {
		name   string
		record func(m *Metrics)
		metric string
		want   string
	}{
		{
			name: "received by source",
			record: func(m *Metrics) {
				m.Received("http", 3)
				m.Received("http", 2)
				m.Received("sqs", 1)
				m.Received("sqs", -4)
			},
			metric: "hubrelay_findings_received_total",
			want: `
# HELP hubrelay_findings_received_total Findings received, by source (http, sqs, lambda, poll, file).
# TYPE hubrelay_findings_received_total counter
hubrelay_findings_received_total{source="http"} 5
hubrelay_findings_received_total{source="sqs"} 1
`,
		},
		{
			name: "matched by route",
			record: func(m *Metrics) {
				m.Matched("system-a-tickets")
				m.Matched("system-a-tickets")
				m.Matched("guardduty")
			},
			metric: "hubrelay_findings_matched_total",
			want: `
# HELP hubrelay_findings_matched_total Findings a route matched, by route name.
# TYPE hubrelay_findings_matched_total counter
hubrelay_findings_matched_total{route="guardduty"} 1
hubrelay_findings_matched_total{route="system-a-tickets"} 2
`,
		},
		{
			name:   "suppressed by suppression",
			record: func(m *Metrics) { m.Suppressed("sandbox") },
			metric: "hubrelay_findings_suppressed_total",
			want: `
# HELP hubrelay_findings_suppressed_total Findings a suppression held back, by suppression name.
# TYPE hubrelay_findings_suppressed_total counter
hubrelay_findings_suppressed_total{suppression="sandbox"} 1
`,
		},
		{
			name: "deduplicated",
			record: func(m *Metrics) {
				m.Duplicate(4)
				m.Duplicate(-1)
				m.Duplicate(1)
			},
			metric: "hubrelay_deliveries_deduplicated_total",
			want: `
# HELP hubrelay_deliveries_deduplicated_total Deliveries not created because one with the same idempotency key exists.
# TYPE hubrelay_deliveries_deduplicated_total counter
hubrelay_deliveries_deduplicated_total 5
`,
		},
		{
			name: "deliveries by destination and outcome",
			record: func(m *Metrics) {
				m.Delivery("slack-a", OutcomeDelivered, time.Second)
				m.Delivery("slack-a", OutcomeRetry, 0)
				m.Delivery("slack-a", OutcomeRetry, 0)
				m.Delivery("backlog", OutcomeDead, 0)
			},
			metric: "hubrelay_deliveries_total",
			want: `
# HELP hubrelay_deliveries_total Delivery attempts, by destination and outcome (delivered, retry, dead).
# TYPE hubrelay_deliveries_total counter
hubrelay_deliveries_total{destination="backlog",outcome="dead"} 1
hubrelay_deliveries_total{destination="slack-a",outcome="delivered"} 1
hubrelay_deliveries_total{destination="slack-a",outcome="retry"} 2
`,
		},
		{
			name: "requests by code",
			record: func(m *Metrics) {
				m.Request(http.StatusAccepted)
				m.Request(http.StatusAccepted)
				m.Request(http.StatusUnauthorized)
			},
			metric: "hubrelay_http_requests_total",
			want: `
# HELP hubrelay_http_requests_total Requests to the HTTP source, by status code.
# TYPE hubrelay_http_requests_total counter
hubrelay_http_requests_total{code="202"} 2
hubrelay_http_requests_total{code="401"} 1
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New()
			tt.record(m)
			if err := testutil.GatherAndCompare(m.reg, strings.NewReader(tt.want), tt.metric); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDeliveryLatency(t *testing.T) {
	m := New()
	m.Delivery("slack-a", OutcomeDelivered, 20*time.Millisecond)
	m.Delivery("slack-a", OutcomeDelivered, 90*time.Minute) // past the last bucket
	m.Delivery("slack-a", OutcomeDelivered, -time.Second)   // clock skew: counted as 0
	m.Delivery("slack-a", OutcomeRetry, time.Hour)          // not a delivery: no latency
	m.Delivery("jira", OutcomeDead, time.Hour)

	if n := testutil.CollectAndCount(m.latency); n != 1 {
		t.Fatalf("latency series = %d, want 1 (only slack-a delivered)", n)
	}
	want := `
# HELP hubrelay_delivery_latency_seconds Time from a finding's arrival to its delivery, by destination.
# TYPE hubrelay_delivery_latency_seconds histogram
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.01"} 1
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.025"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.05"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.1"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.25"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.5"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="1"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="2.5"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="5"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="10"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="30"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="60"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="120"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="300"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="600"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="1200"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="1800"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="3600"} 2
hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="+Inf"} 3
hubrelay_delivery_latency_seconds_sum{destination="slack-a"} 5400.02
hubrelay_delivery_latency_seconds_count{destination="slack-a"} 3
`
	if err := testutil.CollectAndCompare(m.latency, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestLatencyBucketsSpanTenMillisecondsToAnHour(t *testing.T) {
	if first, last := latencyBuckets[0], latencyBuckets[len(latencyBuckets)-1]; first != 0.01 || last != 3600 {
		t.Errorf("latency buckets run from %v to %v, want 0.01 to 3600", first, last)
	}
	for i := 1; i < len(latencyBuckets); i++ {
		if latencyBuckets[i] <= latencyBuckets[i-1] {
			t.Errorf("latency bucket %d (%v) is not above %v", i, latencyBuckets[i], latencyBuckets[i-1])
		}
	}
}

func TestIngestBatch(t *testing.T) {
	m := New()
	m.IngestBatch(7, 30*time.Millisecond)
	m.IngestBatch(300, 2*time.Second)
	m.IngestBatch(-1, -time.Second) // nonsense is recorded as 0, never panics

	for _, c := range []struct {
		name  string
		h     prometheus.Histogram
		count uint64
		sum   float64
	}{
		{"batch size", m.batchSize, 3, 307},
		{"commit seconds", m.commitTime, 3, 2.03},
	} {
		t.Run(c.name, func(t *testing.T) {
			count, sum := histogramTotals(t, c.h)
			if count != c.count || !near(sum, c.sum) {
				t.Errorf("count, sum = %d, %v; want %d, %v", count, sum, c.count, c.sum)
			}
		})
	}
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	var m *Metrics
	m.Received("http", 1)
	m.Matched("r")
	m.Suppressed("s")
	m.Duplicate(1)
	m.Delivery("d", OutcomeDelivered, time.Second)
	m.Request(202)
	m.IngestBatch(1, time.Millisecond)
	m.WatchDepth(func(context.Context) (map[string]int, error) { return nil, errors.New("never called") })

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("nil Metrics handler answered %d, want 404", rec.Code)
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := New(), New()
	a.Received("http", 2)
	if got := testutil.ToFloat64(b.received.WithLabelValues("http")); got != 0 {
		t.Errorf("second registry saw %v findings received by the first", got)
	}
	if got := testutil.ToFloat64(a.received.WithLabelValues("http")); got != 2 {
		t.Errorf("received = %v, want 2", got)
	}
}

func TestConcurrentRecording(t *testing.T) {
	m := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				m.Received("http", 1)
				m.Delivery("slack", OutcomeDelivered, time.Millisecond)
				m.Request(202)
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			rec := httptest.NewRecorder()
			m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		}
	})
	wg.Wait()
	if got := testutil.ToFloat64(m.received.WithLabelValues("http")); got != 800 {
		t.Errorf("received = %v, want 800", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("202")); got != 800 {
		t.Errorf("requests = %v, want 800", got)
	}
}

func TestHandlerExposition(t *testing.T) {
	m := New()
	m.Received("http", 2)
	m.Delivery("slack-a", OutcomeDelivered, 150*time.Millisecond)
	m.Request(http.StatusAccepted)
	m.WatchDepth(func(context.Context) (map[string]int, error) {
		return map[string]int{"pending": 4, "dead": 1}, nil
	})
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the text exposition format", ct)
	}
	text := string(body)
	for _, line := range []string{
		"# TYPE hubrelay_findings_received_total counter",
		`hubrelay_findings_received_total{source="http"} 2`,
		`hubrelay_deliveries_total{destination="slack-a",outcome="delivered"} 1`,
		`hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.25"} 1`,
		`hubrelay_delivery_latency_seconds_bucket{destination="slack-a",le="0.1"} 0`,
		`hubrelay_http_requests_total{code="202"} 1`,
		"# TYPE hubrelay_queue_depth gauge",
		`hubrelay_queue_depth{status="dead"} 1`,
		`hubrelay_queue_depth{status="pending"} 4`,
		"hubrelay_queue_depth_errors_total 0",
		"# TYPE hubrelay_ingest_batch_size histogram",
		"# TYPE go_goroutines gauge",
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("exposition lacks line %q", line)
		}
	}
	if !strings.Contains(text, "process_start_time_seconds") {
		t.Error("exposition lacks the process collector's metrics")
	}

	// A scraper asking for OpenMetrics gets it.
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Accept", "application/openmetrics-text; version=1.0.0")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	om, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	if ct := resp2.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text") {
		t.Errorf("OpenMetrics Content-Type %q", ct)
	}
	if !strings.HasSuffix(string(om), "# EOF\n") {
		t.Error("OpenMetrics exposition does not end with # EOF")
	}
}
