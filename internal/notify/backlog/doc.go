// Package backlog is the Backlog destination: it opens a Backlog issue for a
// finding (or a digest of findings), comments on that issue when the same
// finding is delivered again, closes it when the finding is resolved and
// reopens it when the finding fails again.
//
// It talks to Backlog API v2 with a thin client on net/http (no Go Backlog
// client installs here): Add Issue (POST /api/v2/issues), Add Comment (POST
// /api/v2/issues/:issueIdOrKey/comments) and Update Issue (PATCH
// /api/v2/issues/:issueIdOrKey), all form-encoded and authenticated by the
// apiKey query parameter, as https://developer.nulab.com/docs/backlog/
// documents. Requests go through notify.Client, so retries are decided and
// secrets scrubbed as for every destination.
//
// The payload is built by Builder.Build, a pure function of the message,
// the Config and the render options; Notifier sends what it builds.
//
// Backlog has no idempotency key. Every description and comment therefore
// ends with the delivery's marker (notify.Marker), and a retry
// (Message.Attempt > 1) looks for it with Get Issue List (GET
// /api/v2/issues) or Get Comment List (GET
// /api/v2/issues/:issueIdOrKey/comments) before writing, so an attempt
// whose answer was lost creates no second issue or comment. Package
// backlogtest is an in-memory Backlog for tests.
package backlog
