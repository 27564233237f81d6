// Package pagerduty is the PagerDuty destination: it sends each finding to
// a PagerDuty service as an alert event of the Events API v2 (POST
// https://events.pagerduty.com/v2/enqueue, or the EU service region's
// https://events.eu.pagerduty.com/v2/enqueue), and resolves the alert when
// the finding is resolved.
//
// Every event of a finding carries the same dedup_key, derived from the
// finding's Id, so that PagerDuty groups repeats into one alert and a
// resolve event closes it; a digest is one alert keyed by its route and
// group. The payload follows the PagerDuty Common Event Format: summary,
// source, severity (mapped from the Security Hub severity label),
// timestamp, component, group, class and custom_details with the finding's
// fields, plus links to the Security Hub console and the remediation.
//
// The event is built by Builder.Build, a pure function of the message, the
// Config and the render options; Notifier sends it through notify.Client,
// so retries are decided and the routing key scrubbed as for every
// destination. go-pagerduty is not used: its Client does take another
// endpoint and HTTP client, but it turns transport failures into text
// (fmt "%v": a cancelled context or an untrusted certificate can no longer
// be told apart) and drops the answer's headers, Retry-After included.
package pagerduty
