package notifytest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// hangTimeout is the HTTP client timeout used where a server hangs.
const hangTimeout = 300 * time.Millisecond

// notifyTimeout bounds one Notify call of a contract check.
const notifyTimeout = 10 * time.Second

// Build builds the Notifier under test so that it sends every request to
// baseURL (a Server, or a refused address) through env: env.HTTPClient,
// env.Now, env.Logger and env.Redactor must be used as given.
type Build func(t *testing.T, baseURL string, env notify.Env) notify.Notifier

// RetryCase is one way a destination's API can fail and the
// classification notify requires for it.
type RetryCase struct {
	Name string
	// Response is what the server answers to every request.
	Response Response
	// Refused replaces the server with an address that refuses
	// connections.
	Refused bool
	// Retryable and RetryAfter are what notify.ShouldRetry must report.
	Retryable  bool
	RetryAfter time.Duration
}

// RetryCases returns the standard failure table: permanent 4xx answers,
// 408, 429 and 5xx with and without Retry-After in both of its forms
// (delay-seconds and HTTP-date, relative to Now), an over-long and a
// malformed Retry-After, a connection closed without an answer, a refused
// connection and a server that never answers. Destinations whose API
// documents other failures append their own cases.
func RetryCases() []RetryCase {
	retryAfter := func(status int, value string) Response {
		return Response{Status: status, Header: http.Header{"Retry-After": {value}}, Body: `{"error":"slow down"}`}
	}
	httpDate := Now().Add(90 * time.Second).Format(http.TimeFormat)
	return []RetryCase{
		{Name: "400 bad request", Response: Response{Status: 400, Body: `{"error":"invalid_payload"}`}},
		{Name: "401 unauthorized", Response: Response{Status: 401, Body: `{"error":"invalid_auth"}`}},
		{Name: "403 forbidden", Response: Response{Status: 403, Body: "forbidden"}},
		{Name: "404 not found", Response: Response{Status: 404, Body: "no_service"}},
		{Name: "410 gone", Response: Response{Status: 410}},
		{Name: "422 unprocessable", Response: Response{Status: 422, Body: `{"message":"Validation Failed"}`}},
		{Name: "408 request timeout", Response: Response{Status: 408}, Retryable: true},
		{Name: "429 without retry-after", Response: Response{Status: 429}, Retryable: true},
		{Name: "429 retry-after seconds", Response: retryAfter(429, "7"), Retryable: true, RetryAfter: 7 * time.Second},
		{Name: "429 retry-after http-date", Response: retryAfter(429, httpDate), Retryable: true, RetryAfter: 90 * time.Second},
		{Name: "429 retry-after too long", Response: retryAfter(429, "86400"), Retryable: true, RetryAfter: notify.MaxRetryAfter},
		{Name: "429 retry-after malformed", Response: retryAfter(429, "soon"), Retryable: true},
		{Name: "500 internal error", Response: Response{Status: 500, Body: "oops"}, Retryable: true},
		{Name: "502 bad gateway", Response: Response{Status: 502, Body: "<html>bad gateway</html>"}, Retryable: true},
		{Name: "503 retry-after seconds", Response: retryAfter(503, "30"), Retryable: true, RetryAfter: 30 * time.Second},
		{Name: "504 gateway timeout", Response: Response{Status: 504}, Retryable: true},
		{Name: "connection closed without answer", Response: Response{HangUp: true}, Retryable: true},
		{Name: "connection refused", Refused: true, Retryable: true},
		{Name: "no answer before the client timeout", Response: Response{Hang: true}, Retryable: true},
	}
}

// CheckRetry runs each case (RetryCases when none are given) against a
// Notifier built for it, delivering m, and asserts the returned error's
// classification. The Env it builds with has the fixed clock Now and an
// HTTP client that times out after 300ms where the
// server hangs, and after 10s otherwise.
func CheckRetry(t *testing.T, build Build, m *notify.Message, cases ...RetryCase) {
	t.Helper()
	if len(cases) == 0 {
		cases = RetryCases()
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			env, _ := NewEnv(t)
			// Only a hanging server needs the short timeout; every other case
			// gets room for a loaded machine, so a slow answer is not
			// mistaken for the case under test.
			timeout := 10 * time.Second
			if c.Response.Hang {
				timeout = hangTimeout
			}
			env.HTTPClient = &http.Client{Timeout: timeout}
			var srv *Server
			base := ""
			if c.Refused {
				base = RefusedURL(t)
			} else {
				srv = NewServer(t, c.Response)
				base = srv.URL
			}
			n := build(t, base, env)
			ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
			defer cancel()
			_, err := n.Notify(ctx, m)
			CheckError(t, err, c.Retryable, c.RetryAfter)
			if srv != nil && len(srv.Requests()) == 0 {
				t.Errorf("the notifier sent no request to %s; Build must point it at baseURL", base)
			}
		})
	}
}

// CheckError asserts that err is not nil and that notify.ShouldRetry
// reads it as retryable (or not) after the given wait.
func CheckError(t testing.TB, err error, retryable bool, after time.Duration) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want retryable=%v retry_after=%v", retryable, after)
	}
	gotRetry, gotAfter := notify.ShouldRetry(err)
	if gotRetry != retryable || gotAfter != after {
		t.Errorf("error %q: got retryable=%v retry_after=%v; want retryable=%v retry_after=%v",
			err, gotRetry, gotAfter, retryable, after)
	}
}
