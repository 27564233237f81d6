package notifytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// leakMode is one way of making a destination fail.
type leakMode struct {
	name    string
	refused bool
	respond func(req Request) Response
	// clientTimeout replaces the HTTP client's timeout; ctxTimeout bounds
	// the Notify call instead when set.
	clientTimeout time.Duration
	ctxTimeout    time.Duration
}

// CheckNoSecretLeak makes the Notifier fail in every way an API can fail
// (4xx and 5xx answers that echo the secrets and the request back, a
// secret cut at the error-excerpt limit, 429 with Retry-After, a redirect
// to a URL holding the secrets followed by a dropped connection, a
// dropped connection, a refused connection, a client timeout and a
// context deadline) and asserts that each Notify returns an error and
// that no secret, in any spelling notify.Redactor knows, appears in the
// error's message, in any error of its chain, in the receipt, or in
// anything logged through env.Logger.
//
// The Env passed to build has a Redactor that knows no secrets: the
// destination must declare its own secret fields (Redactor.With).
// secrets are the secret values build puts into the destination's config.
func CheckNoSecretLeak(t *testing.T, build Build, m *notify.Message, secrets ...string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatal("CheckNoSecretLeak: no secrets given")
	}
	for i, s := range secrets {
		if s == "" {
			t.Fatalf("CheckNoSecretLeak: secret %d is empty", i)
		}
	}
	detector := notify.NewRedactor(secrets...)
	for _, mode := range leakModes(secrets) {
		t.Run(mode.name, func(t *testing.T) {
			env, logs := NewEnv(t)
			env.HTTPClient = &http.Client{Timeout: mode.clientTimeout}
			base := ""
			if mode.refused {
				base = RefusedURL(t)
			} else {
				base = NewServerFunc(t, mode.respond).URL
			}
			n := build(t, base, env)
			timeout := notifyTimeout
			if mode.ctxTimeout > 0 {
				timeout = mode.ctxTimeout
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			rc, err := n.Notify(ctx, m)
			if err == nil {
				t.Fatal("Notify succeeded; every mode of this check must make it fail")
			}
			for where, text := range exposures(err, rc, logs) {
				if detector.Leaks(text) {
					t.Errorf("a secret leaked in the %s: %s", where, text)
				}
			}
		})
	}
}

// exposures returns every text through which a failed delivery reaches a
// person, keyed by where it shows.
func exposures(err error, rc notify.Receipt, logs *Logs) map[string]string {
	out := map[string]string{
		"error message":      err.Error(),
		"error (%+v)":        fmt.Sprintf("%+v", err),
		"error (%#v)":        fmt.Sprintf("%#v", err),
		"logs":               logs.String(),
		"receipt":            fmt.Sprintf("%+v", rc),
		"error of the chain": chainText(err),
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		out["url.Error URL"] = ue.URL
	}
	return out
}

// chainText joins the messages of every error in err's chain.
func chainText(err error) string {
	var b strings.Builder
	var walk func(error, int)
	walk = func(e error, depth int) {
		if e == nil || depth > 64 {
			return
		}
		b.WriteString(e.Error())
		b.WriteByte('\n')
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner, depth+1)
			}
		}
	}
	walk(err, 0)
	return b.String()
}

func leakModes(secrets []string) []leakMode {
	echo := func(status int, header http.Header) func(Request) Response {
		return func(req Request) Response {
			return Response{Status: status, Header: header, Body: echoBody(secrets, req)}
		}
	}
	modes := []leakMode{
		{name: "400 echoing the secrets", respond: echo(400, nil)},
		{name: "401 echoing the secrets", respond: echo(401, http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}})},
		{name: "404 echoing the secrets", respond: echo(404, nil)},
		{name: "429 echoing the secrets", respond: echo(429, http.Header{"Retry-After": {"1"}})},
		{name: "500 echoing the secrets", respond: echo(500, nil)},
		{name: "503 echoing the secrets", respond: echo(503, http.Header{"Retry-After": {"2"}})},
		{name: "redirect to a secret URL, then hang up", respond: redirectThenHangUp(secrets)},
		{name: "connection closed without answer", respond: always(Response{HangUp: true})},
		{name: "connection refused", refused: true},
		{name: "client timeout", respond: always(Response{Hang: true}), clientTimeout: hangTimeout},
		{name: "context deadline", respond: always(Response{Hang: true}), ctxTimeout: hangTimeout},
	}
	for i, s := range secrets {
		modes = append(modes, leakMode{
			name:    fmt.Sprintf("500 with secret %d cut at the excerpt limit", i),
			respond: always(Response{Status: 500, Body: straddle(s)}),
		})
	}
	for i := range modes {
		if modes[i].clientTimeout == 0 && modes[i].ctxTimeout == 0 {
			modes[i].clientTimeout = 5 * time.Second
		}
	}
	return modes
}

func always(r Response) func(Request) Response {
	return func(Request) Response { return r }
}

// echoBody is an error body that repeats the secrets in the spellings
// APIs use, and the request's headers and body.
func echoBody(secrets []string, req Request) string {
	var parts []string
	for _, s := range secrets {
		quoted, _ := json.Marshal(s)
		parts = append(parts,
			string(quoted),
			strings.ReplaceAll(string(quoted), "/", `\/`),
			`"`+url.QueryEscape(s)+`"`)
	}
	headers, _ := json.Marshal(req.Header)
	body, _ := json.Marshal(string(req.Body))
	return fmt.Sprintf(`{"error":"invalid token %s","echo":[%s],"request":{"path":%q,"query":%q,"headers":%s,"body":%s}}`,
		secrets[0], strings.Join(parts, ","), req.Path, req.RawQuery, headers, body)
}

// straddle is a body longer than the error excerpt notify reads, with s
// cut by the excerpt's end.
func straddle(s string) string {
	const excerptLimit = 4 << 10 // notify's snippetReadLimit
	pad := max(0, excerptLimit-len(s)/2-1)
	return strings.Repeat("x", pad) + s + strings.Repeat("y", 100)
}

// redirectThenHangUp answers the first request with a 307 to a URL whose
// path and query hold the secrets, and drops the redirected request.
func redirectThenHangUp(secrets []string) func(Request) Response {
	return func(req Request) Response {
		if strings.HasPrefix(req.Path, "/hubrelay-redirected/") {
			return Response{HangUp: true}
		}
		q := url.Values{}
		for i, s := range secrets {
			q.Set(fmt.Sprintf("token%d", i), s)
		}
		loc := "/hubrelay-redirected/" + url.PathEscape(secrets[0]) + "?" + q.Encode()
		return Response{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {loc}}}
	}
}
