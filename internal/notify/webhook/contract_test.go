package webhook

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The request contract follows EventBridge API destinations
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html):
// the matched event, or the input transformer's output, as the body of a
// POST (or PUT, PATCH); connections authorize with an API key header,
// Basic (RFC 7617) or OAuth, here a bearer token (RFC 6750). The
// Idempotency-Key header carries the key as payment APIs (Stripe) take
// it; the signature follows the timestamped HMAC scheme of Stripe and
// Slack (see Sign).

const (
	testQueryToken    = "bk-api-key-0123456789abcdefQUERYSECRET"
	testBearer        = "eyJhbGciOiJIUzI1NiJ9.bearer-secret-token-value"
	testAPIKey        = "apikey-secret-value-0123456789"
	testPassword      = "basic-password-secret-value"
	testSigningSecret = "whsec_signing-secret-0123456789abcdef"
	testHeaderSecret  = "header-secret-value-0123456789"
)

func newTestNotifier(t testing.TB, cfg Config, env notify.Env) *Notifier {
	t.Helper()
	n, err := New("webhook-test", &cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRequestContract(t *testing.T) {
	s := samples(t)
	tests := []struct {
		name     string
		cfg      Config
		m        *notify.Message
		method   string
		wantAuth func(t *testing.T, h http.Header)
		wantType string
	}{
		{
			name: "default event, bearer, signed", m: s[0].m, method: http.MethodPost, wantType: ContentTypeJSON,
			cfg: Config{Auth: &Auth{Bearer: testBearer}, SigningSecret: testSigningSecret},
			wantAuth: func(t *testing.T, h http.Header) {
				if got := h.Get("Authorization"); got != "Bearer "+testBearer {
					t.Errorf("Authorization %q", got)
				}
			},
		},
		{
			name: "seed 000 transformer, token in the query", m: s[1].m, method: http.MethodPost, wantType: ContentTypeJSON,
			cfg: func() Config { c := *seed000Config(t); return c }(),
		},
		{
			name: "template with PUT, API key and custom headers", m: s[9].m, method: http.MethodPut, wantType: "application/vnd.example+json",
			cfg: Config{
				Method: http.MethodPut, Template: readTestdata(t, "example-template.tmpl"),
				Auth:    &Auth{APIKey: &APIKey{Name: "X-Api-Key", Value: testAPIKey}},
				Headers: map[string]string{"Content-Type": "application/vnd.example+json", "X-Team-Token": testHeaderSecret},
			},
			wantAuth: func(t *testing.T, h http.Header) {
				if h.Get("X-Api-Key") != testAPIKey || h.Get("X-Team-Token") != testHeaderSecret || h.Get("Authorization") != "" {
					t.Errorf("headers %v", h)
				}
			},
		},
		{
			name: "plain-text transformer, basic auth", m: s[6].m, method: http.MethodPatch, wantType: ContentTypeText,
			cfg: Config{
				Method: http.MethodPatch, InputPaths: map[string]string{"id": "$.id"}, InputTemplate: "event <id> at <aws.events.rule-name>",
				Auth: &Auth{Basic: &Basic{Username: "hubrelay", Password: testPassword}},
			},
			wantAuth: func(t *testing.T, h http.Header) {
				want := "Basic " + base64.StdEncoding.EncodeToString([]byte("hubrelay:"+testPassword))
				if h.Get("Authorization") != want {
					t.Errorf("Authorization %q, want %q", h.Get("Authorization"), want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, notifytest.Response{Status: http.StatusCreated, Body: `{"id":1}`})
			env, _ := notifytest.NewEnv(t)
			env.Language = "ja"
			cfg := tt.cfg
			cfg.URL = srv.URL + "/api/v2/issues?apiKey=" + testQueryToken
			n := newTestNotifier(t, cfg, env)
			rc, err := n.Notify(context.Background(), tt.m)
			if err != nil || !rc.IsZero() {
				t.Fatalf("Notify = %+v, %v", rc, err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			req := reqs[0]
			if req.Method != tt.method || req.Path != "/api/v2/issues" || req.RawQuery != "apiKey="+testQueryToken {
				t.Errorf("request %s %s?%s", req.Method, req.Path, req.RawQuery)
			}
			want, err := n.renderer.Render(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if string(req.Body) != string(want.Data) {
				t.Errorf("body differs from Render:\n got %s\nwant %s", req.Body, want.Data)
			}
			h := req.Header
			if h.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tt.wantType)
			}
			if h.Get(HeaderIdempotencyKey) != tt.m.Key || h.Get(HeaderKind) != string(tt.m.Kind) || h.Get("User-Agent") != notify.UserAgent {
				t.Errorf("Idempotency-Key %q, kind %q, User-Agent %q", h.Get(HeaderIdempotencyKey), h.Get(HeaderKind), h.Get("User-Agent"))
			}
			if tt.wantAuth != nil {
				tt.wantAuth(t, h)
			}
			if cfg.SigningSecret == "" {
				if h.Get(HeaderSignature) != "" || h.Get(HeaderTimestamp) != "" {
					t.Error("signed without a signing secret")
				}
				return
			}
			if got := h.Get(HeaderTimestamp); got != "1767323045" {
				t.Errorf("timestamp %q, want the clock's 1767323045", got)
			}
			if err := Verify(testSigningSecret, h, req.Body, notifytest.Now(), 0); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			if err := Verify("another-secret-0123456789", h, req.Body, notifytest.Now(), 0); err == nil {
				t.Error("signature verifies with another secret")
			}
		})
	}
}

func TestUnusualKey(t *testing.T) {
	srv := notifytest.NewServer(t)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, Config{URL: srv.URL}, env)
	m := *samples(t)[0].m
	m.Key = "finding\nwith 改行 and\x00control"
	if _, err := n.Notify(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	got := srv.Requests()[0].Header.Get(HeaderIdempotencyKey)
	if got != headerSafe(m.Key) || !strings.HasPrefix(got, "sha256-") || len(got) != 71 {
		t.Errorf("Idempotency-Key %q", got)
	}
	if headerSafe("delivery 0001/route:a") != "delivery 0001/route:a" {
		t.Error("a printable key must be sent as it is")
	}
}

func TestTimeout(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Hang: true})
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, Config{URL: srv.URL, Timeout: "100ms"}, env)
	start := time.Now()
	_, err := n.Notify(context.Background(), samples(t)[0].m)
	notifytest.CheckError(t, err, true, 0)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("took %s with a 100ms timeout", elapsed)
	}
}

func buildFor(cfg Config) notifytest.Build {
	return func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		c := cfg
		c.URL = baseURL + "/hooks/T000/" + testHeaderSecret + "?token=" + testQueryToken
		return newTestNotifier(t, c, env)
	}
}

func TestRetryClassification(t *testing.T) {
	notifytest.CheckRetry(t, buildFor(Config{}), samples(t)[0].m)
	t.Run("redirects are not followed", func(t *testing.T) {
		notifytest.CheckRetry(t, buildFor(Config{}), samples(t)[0].m,
			notifytest.RetryCase{Name: "307", Response: notifytest.Response{Status: 307, Header: http.Header{"Location": {"https://elsewhere.example/"}}}},
			notifytest.RetryCase{Name: "301", Response: notifytest.Response{Status: 301, Header: http.Header{"Location": {"/moved"}}}},
			notifytest.RetryCase{Name: "304", Response: notifytest.Response{Status: 304}})
	})
}

func TestNoSecretLeak(t *testing.T) {
	configs := map[string]Config{
		"bearer":  {Auth: &Auth{Bearer: testBearer}, SigningSecret: testSigningSecret, Headers: map[string]string{"X-Team-Token": testAPIKey}},
		"basic":   {Auth: &Auth{Basic: &Basic{Username: "hubrelay", Password: testPassword}}},
		"api key": {Auth: &Auth{APIKey: &APIKey{Name: "X-Api-Key", Value: testAPIKey}}, Template: readTestdata(t, "example-template.tmpl")},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			secrets := []string{testQueryToken, testHeaderSecret}
			for _, s := range cfg.secrets() {
				if s != "" && !strings.HasPrefix(s, "http") {
					secrets = append(secrets, s)
				}
			}
			notifytest.CheckNoSecretLeak(t, buildFor(cfg), samples(t)[0].m, secrets...)
		})
	}
}

func TestNotifyFailuresBeforeSending(t *testing.T) {
	srv := notifytest.NewServer(t)
	env, _ := notifytest.NewEnv(t)
	broken := newTestNotifier(t, Config{URL: srv.URL + "/?token=" + testQueryToken, Template: `{{ .View.Nope }}`}, env)
	_, err := broken.Notify(context.Background(), samples(t)[0].m) // View has no field Nope
	notifytest.CheckError(t, err, false, 0)
	if !strings.HasPrefix(err.Error(), "webhook: build body:") || strings.Contains(err.Error(), testQueryToken) {
		t.Errorf("error %q", err)
	}
	ok := newTestNotifier(t, Config{URL: srv.URL}, env)
	_, err = ok.Notify(context.Background(), &notify.Message{Kind: "bogus"})
	notifytest.CheckError(t, err, false, 0)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ok.Notify(cancelled, samples(t)[0].m)
	notifytest.CheckError(t, err, true, 0)
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests sent", len(srv.Requests()))
	}
}

// TestRedactedURL: a failure names the host but not the URL's path or
// query.
func TestRedactedURL(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: 404, Body: "no such hook"})
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, Config{URL: srv.URL + "/hooks/" + testHeaderSecret + "?apiKey=" + testQueryToken}, env)
	_, err := n.Notify(context.Background(), samples(t)[0].m)
	u, _ := url.Parse(srv.URL)
	if err == nil || !strings.Contains(err.Error(), u.Host) || !strings.Contains(err.Error(), "HTTP 404") ||
		strings.Contains(err.Error(), testQueryToken) || strings.Contains(err.Error(), testHeaderSecret) {
		t.Errorf("error %v", err)
	}
}

func TestLanguageSetting(t *testing.T) {
	env, _ := notifytest.NewEnv(t) // the program's language is en
	n := newTestNotifier(t, Config{URL: "https://example.com/hook", Language: "ja", Template: `{{ .View.Heading }}`}, env)
	b, err := n.renderer.Render(samples(t)[0].m)
	if err != nil || string(b.Data) != render.Translate(render.Japanese, render.MsgHeadingNew) {
		t.Errorf("body %q, %v", b.Data, err)
	}
}

// TestNotifyConcurrent shares one Notifier between goroutines (run with
// -race).
func TestNotifyConcurrent(t *testing.T) {
	srv := notifytest.NewServer(t)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, Config{URL: srv.URL, SigningSecret: testSigningSecret, Template: readTestdata(t, "example-template.tmpl")}, env)
	all := samples(t)
	errs := make(chan error, len(all)*4)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for _, s := range all {
				_, err := n.Notify(context.Background(), s.m)
				errs <- err
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for _, req := range srv.Requests() {
		if err := Verify(testSigningSecret, req.Header, req.Body, notifytest.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}
}
