// Package jira is the Jira destination: it opens a Jira issue for a finding
// (or a digest of findings), comments on that issue when the same finding is
// delivered again, moves it through the configured workflow transition when
// the finding is resolved, and back when the finding fails again.
//
// It talks to the Jira REST API with a thin client on notify.Client (no Go
// Jira client installs here). Jira Cloud is driven through REST API v3,
// whose rich-text fields take Atlassian Document Format (ADF) documents;
// Jira Server and Data Center through REST API v2, whose rich-text fields
// take wiki markup. The same content model (headings, paragraphs, lists,
// links, code blocks) is encoded for either, so both show the same text.
//
// The requests are built by Builder.Build, a pure function of the message,
// the Config and the render options; Notifier sends what it builds.
//
// Jira has no idempotency key. Every new issue is labelled with the
// delivery's marker (notify.Marker), and a retry (Message.Attempt > 1)
// searches for that label (POST /rest/api/3/search/jql on Cloud, GET
// /rest/api/2/search on Server and Data Center) before creating, so an
// attempt whose answer was lost creates no second issue.
package jira
