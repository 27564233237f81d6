// Package metrics holds hubrelay's Prometheus metrics in a registry of its
// own: no global registry, no init registration.
//
// cmd/hubrelay creates one *Metrics with New, mounts Handler at /metrics and
// hands the *Metrics to the packages that record (the ingester, the queue,
// the HTTP source). Every recording method is safe for concurrent use and
// safe on a nil *Metrics, which records nothing, so code paths and tests
// without metrics need no special case.
//
// Cardinality: label values are names from the config file (sources,
// routes, suppressions, destinations), a fixed set of outcomes
// (delivered, retry, dead), HTTP status codes and the queue's job
// statuses. None of them comes from a finding, so the number of series is
// bounded by the config. Callers must not pass finding IDs, account IDs or
// other data-derived strings as label values.
package metrics
