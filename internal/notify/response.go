package notify

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// snippetReadLimit is how much of an error body is read for the message.
	snippetReadLimit = 4 << 10
	// snippetMaxRunes is how much of it the message keeps.
	snippetMaxRunes = 256
	// drainLimit is how much more is read so the connection can be reused.
	drainLimit = 64 << 10
)

// StatusError is an HTTP answer outside 2xx. Destinations inspect it with
// errors.As when a status means something to them (a 404 for the issue in
// Message.Previous, a 410 for a deleted one). Body is a short excerpt of
// the response body with secrets already removed.
type StatusError struct {
	StatusCode int
	Body       string
}

// Error returns "HTTP <code> <text>: <body excerpt>".
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("HTTP %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		msg += " " + text
	}
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// CheckResponse is the one place that decides what an HTTP answer means
// for a delivery. It returns nil for 2xx and leaves the body to the caller.
// For any other status it reads a short excerpt of the body, drains and
// closes it, and returns a *StatusError wrapped in an *Error:
//
//   - 408, 429 and 5xx are retryable, after the Retry-After header when it
//     is present and well-formed (see ParseRetryAfter, evaluated at now);
//   - every other status (1xx, 3xx, other 4xx) is permanent.
//
// red removes secrets from the excerpt (a nil Redactor removes none). Safe
// for concurrent use.
func CheckResponse(resp *http.Response, red *Redactor, now time.Time) error {
	if resp == nil {
		return Permanent(errors.New("no HTTP response"))
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	statusErr := &StatusError{StatusCode: resp.StatusCode, Body: readSnippet(resp.Body, red)}
	if !retryableStatus(resp.StatusCode) {
		return Permanent(statusErr)
	}
	after, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	return Retry(statusErr, after)
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout ||
		code == http.StatusTooManyRequests ||
		(code >= 500 && code <= 599)
}

// readSnippet returns a one-line, scrubbed excerpt of body, then drains and
// closes it.
func readSnippet(body io.ReadCloser, red *Redactor) string {
	if body == nil {
		return ""
	}
	defer body.Close()
	buf, _ := io.ReadAll(io.LimitReader(body, snippetReadLimit+1))
	truncated := len(buf) > snippetReadLimit
	if truncated {
		buf = buf[:snippetReadLimit]
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))

	text := strings.ToValidUTF8(string(buf), "\uFFFD")
	if truncated {
		text = red.truncated(text)
	} else {
		text = red.String(text)
	}
	return shorten(oneLine(text), snippetMaxRunes)
}

// oneLine collapses runs of white space and control characters to one
// space so an excerpt cannot forge log lines.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, c := range s {
		if unicode.IsSpace(c) || unicode.IsControl(c) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(c)
	}
	return b.String()
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
