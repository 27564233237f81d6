package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// UserAgent is sent with every request a Client makes unless the request
// sets its own.
const UserAgent = "hubrelay"

// maxJSONResponse bounds the JSON body a Client decodes.
const maxJSONResponse = 10 << 20

// Client sends a destination's HTTP requests and turns every failure into
// a classified, scrubbed error: CheckResponse for HTTP answers, and for
// transport failures (connection refused, reset, DNS, timeouts, a
// cancelled context) a retryable *Error, except certificate verification
// failures and unusable URLs, which are permanent. Errors never contain a
// secret the Client's Redactor knows, nor the path and query of a URL
// (see Redactor.URL).
//
// A destination makes one Client in its constructor. Safe for concurrent
// use.
type Client struct {
	http *http.Client
	red  *Redactor
	now  func() time.Time
}

// NewClient returns a Client that sends through env.HTTPClient, reads the
// clock from env.Now and scrubs errors with red (typically
// env.Redactor.With(the destination's secrets)). Empty env fields get the
// defaults of Env.WithDefaults.
func NewClient(env Env, red *Redactor) *Client {
	env = env.WithDefaults()
	return &Client{http: env.HTTPClient, red: red, now: env.Now}
}

// Do sends req with ctx. For a 2xx answer it returns the response, whose
// body the caller must read and close. Otherwise it returns a nil response
// and an error classified as described on Client; an HTTP answer's
// *StatusError is in its chain.
func (c *Client) Do(ctx context.Context, req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil {
		return nil, Permanent(errors.New("http: no request"))
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, Permanent(fmt.Errorf("http: %s %s: scheme must be http or https", req.Method, c.red.URL(req.URL.String())))
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", UserAgent)
	}
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return nil, c.red.Error(classifyTransport(err))
	}
	if err := CheckResponse(resp, c.red, c.now()); err != nil {
		return nil, c.red.Error(fmt.Errorf("%s %s: %w", req.Method, c.red.URL(req.URL.String()), err))
	}
	return resp, nil
}

// classifyTransport decides whether a failure to get an answer is worth
// retrying.
func classifyTransport(err error) error {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verification) {
		return Permanent(err)
	}
	return Retry(err, 0)
}

// DoJSON sends a request with in (when not nil) as its JSON body and
// decodes a 2xx answer's JSON body into out (when not nil; an empty body
// leaves out unchanged). header adds request headers, for example
// Authorization. Failures are classified as by Do. A 2xx answer that does
// not decode is a permanent error: the destination acted, and repeating
// the request could act twice.
func (c *Client) DoJSON(ctx context.Context, method, url string, header http.Header, in, out any) error {
	var body io.Reader
	if in != nil {
		payload, err := json.Marshal(in)
		if err != nil {
			return Permanent(fmt.Errorf("http: %s %s: encode request body: %w", method, c.red.URL(url), err))
		}
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		// The error quotes the URL; scrub it.
		return c.red.Error(Permanent(fmt.Errorf("http: %s %s: %w", method, c.red.URL(url), err)))
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if in != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONResponse))
	if err != nil {
		return c.red.Error(Retry(fmt.Errorf("http: %s %s: read response: %w", method, c.red.URL(url), err), 0))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return c.red.Error(Permanent(fmt.Errorf("http: %s %s: decode response (HTTP %d): %w", method, c.red.URL(url), resp.StatusCode, err)))
	}
	return nil
}

// PostJSON is DoJSON with method POST, the shape of most webhooks.
func (c *Client) PostJSON(ctx context.Context, url string, header http.Header, in, out any) error {
	return c.DoJSON(ctx, http.MethodPost, url, header, in, out)
}
