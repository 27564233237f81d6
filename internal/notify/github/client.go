package github

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// mediaType is the Accept header GitHub's REST reference recommends for
// every request ("Setting to application/vnd.github+json is
// recommended").
const mediaType = "application/vnd.github+json"

// maxRedirects bounds the redirects followed for one request.
const maxRedirects = 5

// newAPI returns the go-github client for cfg, sending through
// env.HTTPClient (its timeout, proxy and TLS settings) with the token
// added by authTransport. go-github's own rate-limit bookkeeping is off:
// it reads the system clock and refuses requests on its own, while every
// wait is decided here from GitHub's answers (see classify).
func newAPI(cfg *Config, env notify.Env) (*gh.Client, error) {
	root := cfg.apiRoot()
	base, err := url.Parse(root)
	if err != nil {
		return nil, fmt.Errorf("base_url: %w", err)
	}
	hc := *env.HTTPClient
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &authTransport{next: next, token: cfg.Token, scheme: base.Scheme, host: strings.ToLower(base.Host)}
	hc.CheckRedirect = sameHostRedirects(base)
	return gh.NewClient(
		gh.WithHTTPClient(&hc),
		gh.WithURLs(&root, nil),
		gh.WithUserAgent(notify.UserAgent),
		gh.WithDisableRateLimitCheck(),
	)
}

// authTransport adds the headers GitHub documents for the REST API:
// Authorization: Bearer <token>, only on requests to the API's own scheme
// and host so that a redirect elsewhere never carries the token, and
// Accept: application/vnd.github+json. go-github sets
// X-GitHub-Api-Version and User-Agent. Safe for concurrent use.
type authTransport struct {
	next   http.RoundTripper
	token  string
	scheme string
	host   string
}

// RoundTrip implements http.RoundTripper; it does not modify req.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Header.Set("Accept", mediaType)
	out.Header.Del("Authorization")
	if strings.EqualFold(out.URL.Scheme, t.scheme) && strings.ToLower(out.URL.Host) == t.host {
		out.Header.Set("Authorization", "Bearer "+t.token)
	}
	return t.next.RoundTrip(out)
}

// sameHostRedirects follows only the redirects GitHub answers for a moved
// repository that keep method and body (307, 308) and stay on the API
// host. Other redirects are handed back as the answer (a 301 would turn a
// POST into a GET; another host must not see the request), and classify
// reports them as permanent failures.
func sameHostRedirects(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return http.ErrUseLastResponse
		}
		if req.Response != nil {
			switch req.Response.StatusCode {
			case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			default:
				return http.ErrUseLastResponse
			}
		}
		if !strings.EqualFold(req.URL.Scheme, base.Scheme) || !strings.EqualFold(req.URL.Host, base.Host) {
			return http.ErrUseLastResponse
		}
		return nil
	}
}
