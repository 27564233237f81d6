package backlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// maxAnswer bounds the JSON answer decoded from Backlog.
const maxAnswer = 4 << 20

// client is the thin Backlog API v2 client: it sends one form-encoded
// request with the API key in the apiKey query parameter, as Backlog's
// authentication documentation asks, and decodes the JSON answer. Errors
// are classified and scrubbed by notify.Client. Safe for concurrent use.
type client struct {
	base   string // the space's address, no trailing slash
	apiKey string
	http   *notify.Client
	red    *notify.Redactor
}

// newClient returns a client for the space at base. env.HTTPClient is
// copied with its transport wrapped by answerTransport; the caller's
// client is not changed.
func newClient(base, apiKey string, env notify.Env, red *notify.Redactor) *client {
	env = env.WithDefaults()
	hc := *env.HTTPClient
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &answerTransport{next: next, now: env.Now}
	env.HTTPClient = &hc
	return &client{base: base, apiKey: apiKey, http: notify.NewClient(env, red), red: red}
}

// send makes the call r describes and decodes a 2xx answer into out. The
// URL in an error shows neither the key nor any other query value.
func (c *client) send(ctx context.Context, r Request, out any) error {
	return c.do(ctx, r.Method, r.Path, nil, r.Form, out)
}

// get reads path with the query parameters query (the key is added) and
// decodes a 2xx answer into out.
func (c *client) get(ctx context.Context, path string, query url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, query, nil, out)
}

// do sends method path?apiKey=…&query with form as its body (none when
// form is nil) and decodes a 2xx answer into out (nil: ignored).
func (c *client) do(ctx context.Context, method, path string, query, form url.Values, out any) error {
	endpoint := c.base + path + "?" + url.Values{"apiKey": {c.apiKey}}.Encode()
	if len(query) > 0 {
		endpoint += "&" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		// The error quotes the URL, key included: never pass it on.
		return notify.Permanent(fmt.Errorf("%s %s: cannot build the request", method, c.red.URL(c.base+path)))
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		// Backlog acted; reading its answer failed. A retry could act
		// twice, but giving up loses the delivery: retry, as for any
		// connection lost after sending. The retry's Attempt > 1 makes
		// it look for what this attempt created first.
		return c.red.Error(notify.Retry(fmt.Errorf("%s %s: read answer: %w", method, c.red.URL(endpoint), err), 0))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return notify.Permanent(fmt.Errorf("%s %s: answer (HTTP %d) is not the JSON Backlog documents: %w",
			method, c.red.URL(endpoint), resp.StatusCode, c.red.Error(err)))
	}
	return nil
}

// issueAnswer is the part of Backlog's issue JSON (Add Issue, Update
// Issue) the destination reads.
type issueAnswer struct {
	ID       int64  `json:"id"`
	IssueKey string `json:"issueKey"`
}

// commentAnswer is the part of Backlog's comment JSON (Add Comment, Get
// Comment List) the destination reads. Content is empty for a comment
// that only records changes (null in the answer).
type commentAnswer struct {
	ID      int64  `json:"id"`
	Content string `json:"content"`
}

// listedIssue is the part of an issue of Get Issue List the destination
// reads.
type listedIssue struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"projectId"`
	IssueKey    string `json:"issueKey"`
	Description string `json:"description"`
}

// errNoIssueKey is returned when Backlog's answer to Add Issue names no
// issue.
var errNoIssueKey = errors.New("the answer names no issueKey")
