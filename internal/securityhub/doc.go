// Package securityhub is hubrelay's side of the AWS Security Hub API: the
// Updater marks findings NOTIFIED once their deliveries succeeded (with a
// note and the ticket keys; BatchUpdateFindingsV2 for OCSF findings), the
// Poller reads findings with GetFindings (ASFF, Security Hub CSPM) or
// GetFindingsV2 (OCSF, Security Hub) on a schedule and hands them to the
// pipeline, Actions keeps the custom action targets in step with the
// config, and ListMembers lists the member accounts of an administrator
// account.
//
// Everything goes through a *Client built by New: the AWS SDK for Go v2
// with the default credential chain, the standard retryer with more
// attempts for throttling, and a client-side token bucket per operation
// family, so that hubrelay stays under the documented request limits
// however many goroutines share the client. A request counts against its
// bucket's burst until its answer is in, so the service, whose bucket
// takes the token only when the request arrives, never has fewer tokens
// than the client expects: against hubtest, which enforces the same
// limits, the client is never throttled. The limits and the retry back-off
// keep time on a Clock (Options.Clock); hubtest.Clock is a virtual one
// that tests share with the in-process API.
//
// The package imports finding (to decode what GetFindings returns) and
// store (the feedback rows the queue hands to the Updater), never the
// queue, ingest or service: the interfaces it needs of them (Sink,
// Checkpoints) are declared here.
package securityhub
