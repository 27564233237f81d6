package jira

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// maxErrorBody bounds how much of an error answer is read to explain it.
const maxErrorBody = 64 << 10

// answerTransport adapts Jira's failure answers to what notify reads, before
// notify.Client classifies them (notify stays the one place that decides
// retries):
//
//   - A 429 without Retry-After gets one from X-RateLimit-Reset, which Jira
//     Cloud documents as the ISO 8601 time the rate limit resets
//     (yyyy-MM-ddTHH:mmZ). Jira documents Retry-After on its 429 answers;
//     this covers the ones that carry only the reset time.
//   - A Jira error body, {"errorMessages": [...], "errors": {field: msg}},
//     is replaced by one line naming each message ("summary: You must
//     specify a summary of the issue."), so the error the queue records says
//     what Jira objected to within notify's excerpt.
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
	if resp.StatusCode == http.StatusTooManyRequests && strings.TrimSpace(resp.Header.Get("Retry-After")) == "" {
		if wait, ok := resetWait(resp.Header.Get("X-RateLimit-Reset"), t.now()); ok {
			resp.Header.Set("Retry-After", strconv.FormatInt(int64(wait/time.Second), 10))
		}
	}
	if resp.Body != nil {
		resp.Body = explainErrorBody(resp.Body)
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
	return resp, nil
}

// resetLayouts are the forms of X-RateLimit-Reset accepted: the documented
// minute precision, and RFC 3339 with seconds.
var resetLayouts = []string{"2006-01-02T15:04Z07:00", time.RFC3339Nano}

// resetWait reads X-RateLimit-Reset as the wait until that time, rounded up
// to whole seconds (0 when it has passed, notify.MaxRetryAfter at most). It reports false when the value
// is not a time.
func resetWait(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	for _, layout := range resetLayouts {
		at, err := time.Parse(layout, value)
		if err != nil {
			continue
		}
		wait := at.Sub(now)
		switch {
		case wait <= 0:
			return 0, true
		case wait >= notify.MaxRetryAfter:
			return notify.MaxRetryAfter, true
		}
		return (wait + time.Second - 1).Truncate(time.Second), true
	}
	return 0, false
}

// errorCollection is Jira's error answer (ErrorCollection in the API
// reference).
type errorCollection struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// explainErrorBody returns a body that reads as one line of Jira's error
// messages when body is a Jira error collection, and as body otherwise.
func explainErrorBody(body io.ReadCloser) io.ReadCloser {
	data, err := io.ReadAll(io.LimitReader(body, maxErrorBody+1))
	if err != nil || len(data) > maxErrorBody {
		return readCloser{io.MultiReader(bytes.NewReader(data), body), body}
	}
	if text := explainJiraError(data); text != "" {
		return readCloser{strings.NewReader(text), body}
	}
	return readCloser{bytes.NewReader(data), body}
}

// explainJiraError turns a Jira error collection into one line: its error
// messages, then "field: message" for each field error, by field name. It
// returns "" when data is not such a collection or holds no message.
func explainJiraError(data []byte) string {
	var ec errorCollection
	if err := json.Unmarshal(data, &ec); err != nil {
		return ""
	}
	var parts []string
	for _, msg := range ec.ErrorMessages {
		if msg = strings.TrimSpace(msg); msg != "" {
			parts = append(parts, msg)
		}
	}
	fields := make([]string, 0, len(ec.Errors))
	for f := range ec.Errors {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if msg := strings.TrimSpace(ec.Errors[f]); msg != "" {
			parts = append(parts, f+": "+msg)
		}
	}
	return strings.Join(parts, "; ")
}

// readCloser reads from r and closes c.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }
