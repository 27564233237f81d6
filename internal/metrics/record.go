package metrics

import (
	"strconv"
	"time"
)

// Outcomes of a delivery attempt, the values of the outcome label.
const (
	OutcomeDelivered = "delivered"
	OutcomeRetry     = "retry"
	OutcomeDead      = "dead"
)

// Received counts n findings received from source (a source kind such as
// "http" or "sqs") in hubrelay_findings_received_total. The ingester calls
// it; n < 0 is ignored.
func (m *Metrics) Received(source string, n int) {
	if m == nil || n < 0 {
		return
	}
	m.received.WithLabelValues(source).Add(float64(n))
}

// Matched counts one finding matched by the route named route (a config
// name) in hubrelay_findings_matched_total. The ingester calls it.
func (m *Metrics) Matched(route string) {
	if m == nil {
		return
	}
	m.matched.WithLabelValues(route).Inc()
}

// Suppressed counts one finding held back by the suppression named
// suppression (a config name) in hubrelay_findings_suppressed_total.
func (m *Metrics) Suppressed(suppression string) {
	if m == nil {
		return
	}
	m.suppressed.WithLabelValues(suppression).Inc()
}

// Duplicate counts n deliveries that were not created because their
// idempotency key already existed (a replay, a redelivery, a second
// replica), in hubrelay_deliveries_deduplicated_total. n < 0 is ignored.
func (m *Metrics) Duplicate(n int) {
	if m == nil || n < 0 {
		return
	}
	m.duplicates.Add(float64(n))
}

// Delivery counts one delivery attempt to destination (a config name) with
// outcome OutcomeDelivered, OutcomeRetry or OutcomeDead in
// hubrelay_deliveries_total. For OutcomeDelivered, latency is the time from
// the finding's arrival to the delivery and is observed in
// hubrelay_delivery_latency_seconds; a negative latency (clock skew between
// replicas) is recorded as 0. The queue calls it after every attempt.
func (m *Metrics) Delivery(destination, outcome string, latency time.Duration) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(destination, outcome).Inc()
	if outcome == OutcomeDelivered {
		m.latency.WithLabelValues(destination).Observe(max(latency, 0).Seconds())
	}
}

// Request counts one answer of the HTTP source with status code in
// hubrelay_http_requests_total. It makes *Metrics a source.Observer.
func (m *Metrics) Request(code int) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
}

// IngestBatch records one committed ingest transaction: size findings
// (hubrelay_ingest_batch_size) committed in d
// (hubrelay_ingest_commit_seconds). The ingester calls it after each
// commit.
func (m *Metrics) IngestBatch(size int, d time.Duration) {
	if m == nil {
		return
	}
	m.batchSize.Observe(float64(max(size, 0)))
	m.commitTime.Observe(max(d, 0).Seconds())
}
