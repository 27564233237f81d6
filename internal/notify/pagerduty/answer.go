package pagerduty

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// DefaultRateLimitWait is the wait after a 429 that names none: PagerDuty's
// Events API rate-limit page suggests "retrying 3 times with each request
// being 30 seconds apart" (the limit is counted over the last 60 seconds),
// and the queue's own back-off grows from there.
const DefaultRateLimitWait = 30 * time.Second

// maxErrorBody bounds how much of an error answer is read to explain it.
const maxErrorBody = 64 << 10

// answerTransport adapts the Events API's error answers to what notify
// reads, before notify.Client classifies them (notify stays the one place
// that decides retries):
//
//   - a 429 without a well-formed Retry-After gets DefaultRateLimitWait as
//     its Retry-After;
//   - an error body {"status","message","errors":[…]} is replaced by one
//     line, "invalid event: Event object is invalid: Length of
//     'routing_key' is incorrect (should be 32 characters)", so the error
//     the queue records says what PagerDuty objected to.
//
// Other answers pass through untouched. Safe for concurrent use.
type answerTransport struct {
	next http.RoundTripper
	now  func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if _, ok := notify.ParseRetryAfter(resp.Header.Get("Retry-After"), t.now()); !ok {
			resp.Header.Set("Retry-After", strconv.Itoa(int(DefaultRateLimitWait/time.Second)))
		}
	}
	if resp.Body != nil {
		resp.Body = explainErrorBody(resp.Body)
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
	return resp, nil
}

// answer is the Events API's JSON answer, on success and on error.
type answer struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key"`
	Errors   []string `json:"errors"`
}

// explainErrorBody returns a body holding the one-line explanation of an
// Events API error answer, or the original bytes when it is not one.
func explainErrorBody(body io.ReadCloser) io.ReadCloser {
	defer body.Close()
	data, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	if text, ok := explainError(data); ok {
		return io.NopCloser(strings.NewReader(text))
	}
	return io.NopCloser(bytes.NewReader(data))
}

// explainError turns {"status","message","errors"} into
// "status: message: error; error".
func explainError(data []byte) (string, bool) {
	var a answer
	if err := json.Unmarshal(data, &a); err != nil || (a.Status == "" && a.Message == "" && len(a.Errors) == 0) {
		return "", false
	}
	var parts []string
	for _, p := range []string{a.Status, a.Message} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	var errs []string
	for _, e := range a.Errors {
		if e = strings.TrimSpace(e); e != "" {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		parts = append(parts, strings.Join(errs, "; "))
	}
	return strings.Join(parts, ": "), true
}
