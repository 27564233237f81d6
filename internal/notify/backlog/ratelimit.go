package backlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// DefaultRateLimitWait is how long to wait after a 429 answer that says
// nothing else: Backlog's rate-limit page asks clients to send again after
// one minute.
const DefaultRateLimitWait = time.Minute

// maxErrorBody bounds how much of an error answer is read to explain it.
const maxErrorBody = 64 << 10

// answerTransport adapts Backlog's error answers to what notify reads,
// before notify.Client classifies them (notify stays the one place that
// decides retries):
//
//   - A 429 without Retry-After gets one from X-RateLimit-Reset, which
//     Backlog documents on every answer as the UTC epoch second the
//     current rate-limit window resets, or, without it, one minute
//     (DefaultRateLimitWait), the wait Backlog's documentation asks for.
//   - A Backlog error body, {"errors":[{"message","code","moreInfo"}]},
//     is replaced by one line naming each error ("InvalidRequestError
//     (code 7): The Subject must be …"), so the error the queue records
//     says what Backlog objected to.
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
		wait := rateLimitWait(resp.Header.Get("X-RateLimit-Reset"), t.now())
		resp.Header.Set("Retry-After", strconv.FormatInt(int64(wait/time.Second), 10))
	}
	if resp.Body != nil {
		resp.Body = explainErrorBody(resp.Body)
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
	return resp, nil
}

// rateLimitWait reads X-RateLimit-Reset (UTC epoch seconds) relative to now,
// rounded up to whole seconds and capped at notify.MaxRetryAfter; a missing
// or malformed value means DefaultRateLimitWait and a time in the past means
// no wait.
func rateLimitWait(reset string, now time.Time) time.Duration {
	epoch, err := strconv.ParseInt(strings.TrimSpace(reset), 10, 64)
	if err != nil || epoch <= 0 {
		return DefaultRateLimitWait
	}
	wait := time.Unix(epoch, 0).Sub(now)
	switch {
	case wait <= 0:
		return 0
	case wait >= notify.MaxRetryAfter:
		return notify.MaxRetryAfter // notify would cap it anyway
	}
	// Round up, so the wait never ends before the window resets.
	return (wait + time.Second - 1).Truncate(time.Second)
}

// apiError is one entry of a Backlog error answer.
type apiError struct {
	Message  string `json:"message"`
	Code     int    `json:"code"`
	MoreInfo string `json:"moreInfo"`
}

// errorNames are the error codes of Backlog's error response documentation.
var errorNames = map[int]string{
	1:  "InternalError",
	2:  "LicenceError",
	3:  "LicenceExpiredError",
	4:  "AccessDeniedError",
	5:  "UnauthorizedOperationError",
	6:  "NoResourceError",
	7:  "InvalidRequestError",
	8:  "SpaceOverCapacityError",
	9:  "ResourceOverflowError",
	10: "TooLargeFileError",
	11: "AuthenticationError",
	12: "RequiredMFAError",
	13: "TooManyRequestsError",
}

// explainErrorBody returns a body holding the one-line explanation of a
// Backlog error answer, or the original bytes when it is not one.
func explainErrorBody(body io.ReadCloser) io.ReadCloser {
	defer body.Close()
	data, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	if text, ok := explainErrors(data); ok {
		return io.NopCloser(strings.NewReader(text))
	}
	return io.NopCloser(bytes.NewReader(data))
}

// explainErrors turns {"errors":[…]} into "Name (code N): message; …".
func explainErrors(data []byte) (string, bool) {
	var answer struct {
		Errors []apiError `json:"errors"`
	}
	if err := json.Unmarshal(data, &answer); err != nil || len(answer.Errors) == 0 {
		return "", false
	}
	parts := make([]string, 0, len(answer.Errors))
	for _, e := range answer.Errors {
		name := errorNames[e.Code]
		if name == "" {
			name = "error"
		}
		part := fmt.Sprintf("%s (code %d)", name, e.Code)
		if msg := strings.TrimSpace(e.Message); msg != "" {
			part += ": " + msg
		}
		if more := strings.TrimSpace(e.MoreInfo); more != "" {
			part += " (" + more + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; "), true
}
