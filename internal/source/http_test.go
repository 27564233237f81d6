package source

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestHTTP(t *testing.T) {
	key := map[string]string{"X-Api-Key": testAPIKey}
	withKey := func(h map[string]string) map[string]string {
		out := map[string]string{"X-Api-Key": testAPIKey}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantBody   string            // exact JSON body, when set
		wantHeader map[string]string // headers that must be present
		called     bool              // the handler got the body
	}{
		{name: "api key", req: request{header: key, body: `{"a":1}`},
			wantStatus: 202, wantBody: `{"findings":1}`, called: true},
		{name: "api key header name is case-insensitive", req: request{header: map[string]string{"x-API-key": testAPIKey}, body: `{}`},
			wantStatus: 202, called: true},
		{name: "basic auth", req: request{header: map[string]string{"Authorization": basic(testUser, testPassword)}, body: `{}`},
			wantStatus: 202, called: true},
		{name: "bearer token", req: request{header: map[string]string{"Authorization": "Bearer " + testBearer}, body: `{}`},
			wantStatus: 202, called: true},
		{name: "bearer scheme is case-insensitive", req: request{header: map[string]string{"Authorization": "bearer " + testBearer}, body: `{}`},
			wantStatus: 202, called: true},
		{name: "no credentials", req: request{body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`,
			wantHeader: map[string]string{"WWW-Authenticate": `Basic realm="hubrelay", charset="UTF-8", Bearer realm="hubrelay"`}},
		{name: "wrong api key", req: request{header: map[string]string{"X-Api-Key": testAPIKey + "x"}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "api key prefix", req: request{header: map[string]string{"X-Api-Key": testAPIKey[:5]}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "api key in the wrong header", req: request{header: map[string]string{"Authorization": testAPIKey}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "basic wrong user", req: request{header: map[string]string{"Authorization": basic("admin", testPassword)}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "basic wrong password", req: request{header: map[string]string{"Authorization": basic(testUser, "guess")}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "basic password as bearer", req: request{header: map[string]string{"Authorization": "Bearer " + testPassword}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "bearer token as api key", req: request{header: map[string]string{"X-Api-Key": testBearer}, body: `{}`},
			wantStatus: 401, wantBody: `{"error":"unauthorized"}`},
		{name: "GET", req: request{method: http.MethodGet, header: key},
			wantStatus: 405, wantHeader: map[string]string{"Allow": "POST"}},
		{name: "PUT without credentials", req: request{method: http.MethodPut, body: `{}`},
			wantStatus: 405, wantHeader: map[string]string{"Allow": "POST"}},
		{name: "other path", req: request{path: "/events/x", header: key, body: `{}`}, wantStatus: 404},
		{name: "json content type", req: request{header: withKey(map[string]string{"Content-Type": "application/json; charset=utf-8"}), body: `{}`},
			wantStatus: 202, called: true},
		{name: "text content type", req: request{header: withKey(map[string]string{"Content-Type": "text/plain"}), body: `{}`},
			wantStatus: 415, wantBody: `{"error":"Content-Type \"text/plain\" is not supported: send application/json"}`},
		{name: "form content type", req: request{header: withKey(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), body: `a=b`},
			wantStatus: 415},
		{name: "bad content type", req: request{header: withKey(map[string]string{"Content-Type": "application/json; charset"}), body: `{}`},
			wantStatus: 415},
		{name: "latin-1 charset", req: request{header: withKey(map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}), body: `{}`},
			wantStatus: 415, wantBody: `{"error":"Content-Type charset \"iso-8859-1\" is not supported: send UTF-8"}`},
		{name: "content type echoing a secret", req: request{header: withKey(map[string]string{"Content-Type": "text/" + testBearer}), body: `{}`},
			wantStatus: 415, wantBody: `{"error":"Content-Type \"text/[redacted]\" is not supported: send application/json"}`},
		{name: "gzip encoding", req: request{header: withKey(map[string]string{"Content-Encoding": "gzip"}), body: `{}`},
			wantStatus: 415},
		{name: "empty body", req: request{header: key},
			wantStatus: 400, wantBody: `{"error":"request body is empty: POST an EventBridge event"}`},
		{name: "body at the limit", req: request{header: key, body: `"` + strings.Repeat("a", testMaxBody-2) + `"`},
			wantStatus: 202, called: true},
		{name: "body over the limit", req: request{header: key, body: strings.Repeat("a", testMaxBody+1)},
			wantStatus: 413, wantBody: `{"error":"request body is over the limit of 64 bytes"}`},
		{name: "chunked body over the limit", req: request{header: key, body: strings.Repeat("a", 3*testMaxBody), chunked: true},
			wantStatus: 413, wantBody: `{"error":"request body is over the limit of 64 bytes"}`},
		{name: "chunked body within the limit", req: request{header: key, body: `{"b":2}`, chunked: true},
			wantStatus: 202, called: true},
		{name: "input error", req: request{header: key, body: "input"},
			wantStatus: 400, wantBody: `{"error":"request body:1:17: Id is a number, want a string"}`, called: true},
		{name: "input error echoing a secret", req: request{header: key, body: "input-with-key"},
			wantStatus: 400, wantBody: `{"error":"request body:1:2: unexpected [redacted]"}`, called: true},
		{name: "store unavailable", req: request{header: key, body: "unavailable"},
			wantStatus: 503, wantHeader: map[string]string{"Retry-After": "5"},
			wantBody: `{"error":"temporarily unavailable: send the event again later"}`, called: true},
		{name: "canceled", req: request{header: key, body: "canceled"},
			wantStatus: 503, wantHeader: map[string]string{"Retry-After": "5"}, called: true},
		{name: "unknown error", req: request{header: key, body: "boom"},
			wantStatus: 500, wantBody: `{"error":"internal error"}`, called: true},
		{name: "panic", req: request{header: key, body: "panic"},
			wantStatus: 500, wantBody: `{"error":"internal error"}`, called: true},
		{name: "nil value", req: request{header: key, body: "nil"},
			wantStatus: 202, wantBody: `{}`, called: true},
		{name: "value that does not encode", req: request{header: key, body: "unencodable"},
			wantStatus: 202, wantBody: `{}`, called: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scriptedHandler{}
			obs := &codes{}
			var logs syncBuffer
			srv := httptest.NewServer(NewHTTP(testConfig(), h.handle, testLogger(&logs), obs))
			defer srv.Close()

			got := send(t, srv, tt.req)
			if got.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var parsed map[string]any
			if err := json.Unmarshal([]byte(got.body), &parsed); err != nil {
				t.Errorf("body is not a JSON object: %v: %s", err, got.body)
			}
			if tt.wantStatus >= 400 {
				if msg, _ := parsed["error"].(string); msg == "" {
					t.Errorf("error answer without an error message: %s", got.body)
				}
			}
			if tt.wantBody != "" && strings.TrimSpace(got.body) != tt.wantBody {
				t.Errorf("body %s, want %s", strings.TrimSpace(got.body), tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if g := got.header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			if calls := h.calls(); (len(calls) == 1) != tt.called || len(calls) > 1 {
				t.Errorf("handler called with %q, want called = %v", calls, tt.called)
			} else if tt.called && calls[0] != tt.req.body {
				t.Errorf("handler got body %q, want %q", calls[0], tt.req.body)
			}
			if !slices.Equal(obs.got, []int{tt.wantStatus}) {
				t.Errorf("observer saw %v, want [%d]", obs.got, tt.wantStatus)
			}
			checkLog(t, logs.String(), tt.wantStatus)
			for _, secret := range []string{testAPIKey, testPassword, testBearer, basic(testUser, testPassword)[6:]} {
				if strings.Contains(got.body, secret) {
					t.Errorf("answer holds a secret: %s", got.body)
				}
			}
		})
	}
}

// checkLog checks the one line logged for a request: its level, its keys,
// and that it holds neither a credential nor the body.
func checkLog(t *testing.T, logs string, status int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	var line map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		if m["msg"] == "http request" {
			if line != nil {
				t.Errorf("more than one request line:\n%s", logs)
			}
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no request line logged:\n%s", logs)
	}
	wantLevel := "DEBUG"
	if status >= 400 || line["error"] != nil {
		wantLevel = "WARN"
	}
	if line["level"] != wantLevel {
		t.Errorf("level %v, want %s", line["level"], wantLevel)
	}
	if line["status"] != float64(status) {
		t.Errorf("logged status %v, want %d", line["status"], status)
	}
	for _, k := range []string{"method", "path", "bytes", "duration", "remote_addr"} {
		if _, ok := line[k]; !ok {
			t.Errorf("request line lacks %q: %v", k, line)
		}
	}
	if status == 500 || status == 503 {
		if e, _ := line["error"].(string); e == "" {
			t.Errorf("a %d is logged without the detail: %v", status, line)
		}
	}
	for _, secret := range []string{testAPIKey, testPassword, testBearer, basic(testUser, testPassword)[6:], "Authorization", "X-Api-Key"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
	if strings.Contains(logs, `{\"a\":1}`) || strings.Contains(logs, `{"a":1}`) {
		t.Errorf("log holds the request body:\n%s", logs)
	}
}

func TestHTTPLogsInternalDetail(t *testing.T) {
	var logs syncBuffer
	h := &scriptedHandler{}
	srv := httptest.NewServer(NewHTTP(testConfig(), h.handle, testLogger(&logs), nil))
	defer srv.Close()
	got := send(t, srv, request{header: map[string]string{"X-Api-Key": testAPIKey}, body: "boom"})
	if got.status != 500 {
		t.Fatalf("status %d", got.status)
	}
	want := "store: insert: dial postgres://hubrelay:[redacted]@db: refused"
	if !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks the redacted detail %q:\n%s", want, logs.String())
	}
	if strings.Contains(got.body, "postgres") {
		t.Errorf("the 500 answer shows the detail: %s", got.body)
	}
}

func TestHTTPCustomAPIKeyHeaderAndPath(t *testing.T) {
	cfg := HTTPConfig{APIKey: testAPIKey, APIKeyHeader: "X-Hubrelay-Key", Path: "/hooks/securityhub"}
	h := &scriptedHandler{}
	s := NewHTTP(cfg, h.handle, nil, nil)
	if s.Path() != "/hooks/securityhub" {
		t.Errorf("Path() = %q", s.Path())
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tests := []struct {
		name   string
		req    request
		status int
	}{
		{"configured header", request{path: "/hooks/securityhub", header: map[string]string{"x-hubrelay-key": testAPIKey}, body: "{}"}, 202},
		{"default header is not accepted", request{path: "/hooks/securityhub", header: map[string]string{"X-Api-Key": testAPIKey}, body: "{}"}, 401},
		{"default path is not served", request{header: map[string]string{"X-Hubrelay-Key": testAPIKey}, body: "{}"}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := send(t, srv, tt.req); got.status != tt.status {
				t.Errorf("status %d, want %d: %s", got.status, tt.status, got.body)
			}
		})
	}
	t.Run("no Basic challenge without basic auth", func(t *testing.T) {
		got := send(t, srv, request{path: "/hooks/securityhub", body: "{}"})
		if c := got.header.Get("WWW-Authenticate"); c != "" {
			t.Errorf("WWW-Authenticate %q with only an API key configured", c)
		}
	})
}

func TestHTTPOpenWithoutCredentials(t *testing.T) {
	h := &scriptedHandler{}
	srv := httptest.NewServer(NewHTTP(HTTPConfig{}, h.handle, nil, nil))
	defer srv.Close()
	got := send(t, srv, request{body: `{"x":1}`})
	if got.status != 202 {
		t.Fatalf("status %d, want 202: %s", got.status, got.body)
	}
	if calls := h.calls(); len(calls) != 1 {
		t.Errorf("handler calls %q", calls)
	}
}

func TestHTTPDefaultLimitIsOneMiB(t *testing.T) {
	h := &scriptedHandler{}
	srv := httptest.NewServer(NewHTTP(HTTPConfig{}, h.handle, nil, nil))
	defer srv.Close()
	atLimit := `"` + strings.Repeat("x", DefaultMaxBody-2) + `"`
	if got := send(t, srv, request{body: atLimit}); got.status != 202 {
		t.Errorf("1 MiB body: status %d: %s", got.status, got.body)
	}
	got := send(t, srv, request{body: atLimit + " "})
	if got.status != 413 {
		t.Fatalf("1 MiB + 1 byte: status %d", got.status)
	}
	if want := `{"error":"request body is over the limit of 1048576 bytes (1 MiB)"}`; strings.TrimSpace(got.body) != want {
		t.Errorf("body %s, want %s", got.body, want)
	}
}

// TestHTTPShutdown cancels the server's base context while the handler
// waits for its commit, as cmd/hubrelay does on SIGTERM: the event was not
// committed, so the answer must make EventBridge send it again.
func TestHTTPShutdown(t *testing.T) {
	started := make(chan struct{})
	handler := func(ctx context.Context, body []byte) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	base, stop := context.WithCancel(context.Background())
	defer stop()
	srv := httptest.NewUnstartedServer(NewHTTP(HTTPConfig{}, handler, nil, nil))
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	defer srv.Close()

	done := make(chan response, 1)
	go func() { done <- send(t, srv, request{body: "{}"}) }()
	<-started
	stop()
	got := <-done
	if got.status != http.StatusServiceUnavailable || got.header.Get("Retry-After") != "5" {
		t.Errorf("status %d, Retry-After %q; want 503, 5", got.status, got.header.Get("Retry-After"))
	}
}

func TestNewHTTPRejectsProgrammingErrors(t *testing.T) {
	ok := func(context.Context, []byte) (any, error) { return nil, nil }
	tests := []struct {
		name string
		cfg  HTTPConfig
		h    Handler
		want string
	}{
		{"nil handler", HTTPConfig{}, nil, "nil Handler"},
		{"relative path", HTTPConfig{Path: "events"}, ok, `path "events" must start with /`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if msg, _ := p.(string); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %v, want one mentioning %q", p, tt.want)
				}
			}()
			NewHTTP(tt.cfg, tt.h, nil, nil)
		})
	}
}

func TestHTTPConfigHidesSecrets(t *testing.T) {
	cfg := testConfig()
	var logs syncBuffer
	testLogger(&logs).Info("config", "http", cfg)
	for name, text := range map[string]string{
		"String":   cfg.String(),
		"%v":       sprintf("%v", cfg),
		"%+v":      sprintf("%+v", cfg),
		"%#v":      sprintf("%#v", cfg),
		"%v of &":  sprintf("%v", &cfg),
		"LogValue": logs.String(),
	} {
		t.Run(name, func(t *testing.T) {
			for _, secret := range []string{testAPIKey, testPassword, testBearer} {
				if strings.Contains(text, secret) {
					t.Errorf("%s shows a secret: %s", name, text)
				}
			}
			if !strings.Contains(text, testUser) || !strings.Contains(text, "[redacted]") {
				t.Errorf("%s should show the user and mark the secrets: %s", name, text)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdef", 3, "abc…"},
		{"rune cut in two", "aé", 2, "a…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.n); got != tt.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestHTTPLogsUnencodableAnswer(t *testing.T) {
	var logs syncBuffer
	h := &scriptedHandler{}
	srv := httptest.NewServer(NewHTTP(testConfig(), h.handle, testLogger(&logs), nil))
	defer srv.Close()
	if got := send(t, srv, request{header: map[string]string{"X-Api-Key": testAPIKey}, body: "unencodable"}); got.status != 202 {
		t.Fatalf("status %d", got.status)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line); err != nil {
		t.Fatalf("want exactly one JSON line: %v\n%s", err, logs.String())
	}
	if e, _ := line["error"].(string); line["level"] != "WARN" || !strings.HasPrefix(e, "encode answer: ") {
		t.Errorf("request line %v, want WARN with the encoding error", line)
	}
}
