package jira

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// client is the thin Jira REST client: it sends one JSON request with the
// configured Authorization header and decodes the JSON answer. Errors are
// classified and scrubbed by notify.Client. Safe for concurrent use.
type client struct {
	base string // the site's address, no trailing slash
	auth string // the Authorization header value
	http *notify.Client
}

// authorization returns the Authorization header value cfg configures:
// "Basic base64(email:api_token)" or "Bearer <personal access token>".
func authorization(cfg *Config) string {
	if cfg.PersonalAccessToken != "" {
		return "Bearer " + cfg.PersonalAccessToken
	}
	return "Basic " + basicCredentials(cfg)
}

// basicCredentials is base64(email:api_token), "" without an API token.
func basicCredentials(cfg *Config) string {
	if cfg.APIToken == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(cfg.Email + ":" + cfg.APIToken))
}

// newClient returns a client for the site at base. env.HTTPClient is copied
// with its transport wrapped by answerTransport; the caller's client is not
// changed.
func newClient(base, auth string, env notify.Env, red *notify.Redactor) *client {
	env = env.WithDefaults()
	hc := *env.HTTPClient
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &answerTransport{next: next, now: env.Now}
	env.HTTPClient = &hc
	return &client{base: base, auth: auth, http: notify.NewClient(env, red)}
}

// call sends method path with in as its JSON body (nil: none) and decodes a
// 2xx answer into out (nil: ignored).
func (c *client) call(ctx context.Context, method, path string, in, out any) error {
	header := http.Header{"Authorization": {c.auth}}
	return c.http.DoJSON(ctx, method, c.base+path, header, in, out)
}

// createdIssue is the part of Create issue's answer the destination reads.
type createdIssue struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// createdComment is the part of Add comment's answer the destination reads.
type createdComment struct {
	ID string `json:"id"`
}

// errNoIssueKey is returned when Jira's answer to Create issue names no
// issue.
var errNoIssueKey = errors.New("the answer names no issue key")
