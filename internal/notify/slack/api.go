package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// maxAPIResponse bounds the Web API answer read.
const maxAPIResponse = 1 << 20

// APIError is a Web API answer with "ok": false
// (https://docs.slack.dev/apis/web-api/). Notify
// returns it wrapped in a *notify.Error: retryable for the transient codes
// (see transientCodes), permanent for every other. Its text never holds a
// secret: Slack's error codes are fixed words, and the details are scrubbed
// by the destination's Redactor before they leave Notify.
type APIError struct {
	// Method is the Web API method called, such as "chat.postMessage".
	Method string
	// Code is Slack's error code, such as "channel_not_found".
	Code string
	// Needed and Provided are the scopes of a missing_scope answer.
	Needed, Provided string
	// Details are Slack's explanations (response_metadata.messages), such
	// as which block an invalid_blocks answer refers to.
	Details []string
}

// Error returns "slack: METHOD: CODE: hint", with Slack's details.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "slack: %s: %s", e.Method, e.Code)
	if hint := codeHints[e.Code]; hint != "" {
		b.WriteString(": ")
		b.WriteString(hint)
	}
	if e.Needed != "" {
		fmt.Fprintf(&b, " (needed scope %s, token has %s)", e.Needed, e.Provided)
	}
	if len(e.Details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(e.Details, "; "))
		b.WriteString(")")
	}
	return b.String()
}

// transientCodes are the Web API error codes that mean "try again later":
// the rate limit, and the errors Slack's documentation describes as
// server-side or temporary (internal_error "likely due to a transient
// issue", service_unavailable, request_timeout, a workspace migration in
// progress). fatal_error is retried too: it is Slack's failure, and like a
// timeout it leaves unknown whether the message was posted.
// (https://docs.slack.dev/reference/methods/chat.postMessage#errors)
var transientCodes = map[string]bool{
	"ratelimited":         true,
	"rate_limited":        true,
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"team_added_to_org":   true,
	"org_login_required":  true,
}

// codeHints say what to do about the errors a misconfigured destination
// meets.
var codeHints = map[string]string{
	"channel_not_found":                     "no such channel, or the app cannot see it (invite the app to a private channel)",
	"not_in_channel":                        "the app is not a member of the channel; invite it (/invite @app)",
	"is_archived":                           "the channel is archived",
	"invalid_auth":                          "the token is not valid",
	"not_authed":                            "no token was sent",
	"token_revoked":                         "the token was revoked or the app was removed",
	"token_expired":                         "the token has expired",
	"account_inactive":                      "the token's user or workspace was deleted",
	"missing_scope":                         "the token lacks a scope; add chat:write to the app",
	"no_permission":                         "the token may not post here",
	"restricted_action":                     "a workspace setting prevents the app from posting",
	"restricted_action_read_only_channel":   "the channel is read-only",
	"restricted_action_thread_only_channel": "the channel accepts only thread replies",
	"msg_too_long":                          "the message text is too long",
	"msg_blocks_too_long":                   "the message blocks are too long",
	"invalid_blocks":                        "Slack refused the message blocks",
	"ratelimited":                           "rate limited",
	"message_not_found":                     "no message with that ts",
}

// apiResponse is what this package reads of a Web API answer.
type apiResponse struct {
	OK               bool   `json:"ok"`
	Error            string `json:"error"`
	Needed           string `json:"needed"`
	Provided         string `json:"provided"`
	Channel          string `json:"channel"`
	TS               string `json:"ts"`
	Permalink        string `json:"permalink"`
	ResponseMetadata struct {
		Messages []string `json:"messages"`
	} `json:"response_metadata"`
}

// call invokes a Web API method with the bot token in the Authorization
// header, as Slack asks ("Tokens should be passed as an HTTP Authorization
// header"): POST with a JSON body when body is set, else GET with query.
// HTTP and transport failures are classified by notify.Client; an answer
// with "ok": false becomes an *APIError, retryable after Retry-After (when
// given) for the transient codes.
func (n *Notifier) call(ctx context.Context, method string, query url.Values, body []byte) (*apiResponse, error) {
	endpoint := n.cfg.APIURL + method
	httpMethod := http.MethodGet
	var reader io.Reader
	if body != nil {
		httpMethod = http.MethodPost
		reader = bytes.NewReader(body)
	} else if len(query) > 0 {
		endpoint += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, httpMethod, endpoint, reader)
	if err != nil {
		return nil, notify.Permanent(fmt.Errorf("slack: %s: build request: %w", method, err))
	}
	req.Header.Set("Authorization", "Bearer "+n.cfg.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("slack: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return nil, notify.Retry(fmt.Errorf("slack: %s: read answer: %w", method, err), 0)
	}
	return parseAnswer(method, data, resp.StatusCode, resp.Header, n.now())
}

// parseAnswer reads a Web API answer (a 2xx HTTP answer; notify.Client
// has classified the others): its JSON, and when "ok" is false the error
// it names. A body that is not the Web API's JSON is a permanent error:
// Slack acted (or not) and said so in a form we cannot read, and repeating
// a post could post twice.
func parseAnswer(method string, data []byte, status int, header http.Header, now time.Time) (*apiResponse, error) {
	var out apiResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, notify.Permanent(fmt.Errorf("slack: %s: answer (HTTP %d) is not the Web API's JSON: %w", method, status, err))
	}
	if !out.OK {
		return nil, classify(method, &out, header, now)
	}
	return &out, nil
}

// classify turns an "ok": false answer into a classified error.
func classify(method string, r *apiResponse, header http.Header, now time.Time) error {
	code := r.Error
	if code == "" {
		code = "unknown_error"
	}
	e := &APIError{Method: method, Code: code, Needed: r.Needed, Provided: r.Provided}
	for _, msg := range r.ResponseMetadata.Messages {
		if len(e.Details) == 5 {
			break
		}
		e.Details = append(e.Details, oneLine(msg, 200))
	}
	if !transientCodes[code] {
		return notify.Permanent(e)
	}
	after, _ := notify.ParseRetryAfter(header.Get("Retry-After"), now)
	return notify.Retry(e, after)
}

// oneLine makes an answer's text one line of at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
