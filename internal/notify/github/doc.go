// Package github is the GitHub Issues destination: it opens an issue in a
// repository for a finding (or a digest of findings), comments on that
// issue when the same finding is delivered again, closes it as completed
// when the finding is resolved and reopens it when the finding fails again.
//
// It talks to the GitHub REST API (github.com, or GitHub Enterprise Server
// through base_url) with go-github: Create an issue (POST
// /repos/{owner}/{repo}/issues), Update an issue (PATCH
// /repos/{owner}/{repo}/issues/{issue_number}), Create an issue comment
// (POST /repos/{owner}/{repo}/issues/{issue_number}/comments) and, before
// creating, List repository issues to find an issue an interrupted earlier
// attempt already created. Every request carries Authorization: Bearer
// <token>, Accept: application/vnd.github+json and X-GitHub-Api-Version.
//
// The payload is built by Builder.Build, a pure function of the message,
// the Config and the render options; Notifier sends what it builds.
// Failures are classified into notify.Error: HTTP answers through
// notify.CheckResponse, and GitHub's rate limits (403 or 429 with
// Retry-After, or x-ratelimit-remaining: 0 and x-ratelimit-reset, or a
// secondary rate limit message) as retryable after the wait GitHub asks
// for.
package github
