package github

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// classify turns what go-github returned for one API call into an error
// the queue reads with notify.ShouldRetry:
//
//   - GitHub's rate-limit answers (go-github's *RateLimitError and
//     *AbuseRateLimitError, and any 403 or 429 rateLimitWait recognises)
//     are retryable after the wait GitHub asks for;
//   - every other HTTP answer (*ErrorResponse, *RedirectionError) is
//     classified by notify.CheckResponse, the one place that decides what
//     a status means (408, 429 and 5xx retryable after Retry-After, the
//     rest permanent), with a scrubbed excerpt of GitHub's answer;
//   - a cancelled or expired context and a transport failure (refused,
//     reset, timed out) are retryable, except an untrusted certificate;
//   - anything else (an answer that does not decode, a request go-github
//     would not build) is permanent: repeating it cannot help, and after
//     a 2xx answer could act twice.
//
// red scrubs the excerpt; now is the clock Retry-After and
// x-ratelimit-reset are read against.
func classify(err error, red *notify.Redactor, now time.Time) error {
	if err == nil {
		return nil
	}
	var (
		primary   *gh.RateLimitError
		secondary *gh.AbuseRateLimitError
		answer    *gh.ErrorResponse
		redirect  *gh.RedirectionError
	)
	switch {
	case errors.As(err, &primary) && primary.Response != nil:
		return classifyAnswer(primary.Response, true, red, now)
	case errors.As(err, &secondary) && secondary.Response != nil:
		return classifyAnswer(secondary.Response, true, red, now)
	case errors.As(err, &answer) && answer.Response != nil:
		return classifyAnswer(answer.Response, mentionsRateLimit(answer.Message, answer.DocumentationURL), red, now)
	case errors.As(err, &redirect) && redirect.Response != nil:
		return fmt.Errorf("GitHub answered with a redirect (was the repository renamed or transferred? set owner and repo to its new name): %w",
			classifyAnswer(redirect.Response, false, red, now))
	}
	return classifyTransport(err)
}

// classifyAnswer classifies one HTTP answer whose body go-github has read
// and put back.
func classifyAnswer(resp *http.Response, rateLimitMessage bool, red *notify.Redactor, now time.Time) error {
	wait, limited := rateLimitWait(resp.StatusCode, resp.Header, rateLimitMessage, now)
	err := notify.CheckResponse(resp, red, now)
	if !limited {
		return err
	}
	var status *notify.StatusError
	if errors.As(err, &status) {
		err = status
	}
	return notify.Retry(fmt.Errorf("rate limited: %w", err), wait)
}

// classifyTransport classifies a failure to get an answer at all.
func classifyTransport(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return notify.Retry(err, 0)
	}
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
		transport *url.Error
	)
	if errors.As(err, &syntax) || errors.As(err, &wrongType) {
		return notify.Permanent(fmt.Errorf("the answer is not the JSON GitHub documents (is base_url the REST API root?): %w", err))
	}
	if !errors.As(err, &transport) {
		return notify.Permanent(err)
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verification) {
		return notify.Permanent(err)
	}
	return notify.Retry(err, 0)
}

// issueMissing reports whether err is GitHub's answer that the issue a
// message of kind k refers to is not there. For a resolved finding only
// 410 Gone counts (the issue was deleted, or the repository's issues were
// turned off): GitHub also answers 404 when the token may not see a
// private repository, and closing must then fail rather than be skipped.
// For anything else 404 counts too, since opening a new issue fails in
// turn when the repository is out of reach.
func issueMissing(err error, k notify.Kind) bool {
	var status *notify.StatusError
	if !errors.As(err, &status) {
		return false
	}
	if status.StatusCode == http.StatusGone {
		return true
	}
	return status.StatusCode == http.StatusNotFound && k != notify.KindResolved
}
