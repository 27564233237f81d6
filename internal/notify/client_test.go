package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newTestClient(red *Redactor, hc *http.Client) *Client {
	return NewClient(Env{HTTPClient: hc, Now: func() time.Time { return retryAfterNow }}, red)
}

func TestClientPostJSON(t *testing.T) {
	var got struct {
		method, contentType, accept, userAgent, auth string
		body                                         map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method = r.Method
		got.contentType = r.Header.Get("Content-Type")
		got.accept = r.Header.Get("Accept")
		got.userAgent = r.Header.Get("User-Agent")
		got.auth = r.Header.Get("Authorization")
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		_, _ = io.WriteString(w, `{"key":"SEC-12","self":"https://example.atlassian.net/rest/api/3/issue/10001"}`)
	}))
	defer srv.Close()

	c := newTestClient(NewRedactor("t0ken-secret"), srv.Client())
	var out struct{ Key string }
	err := c.PostJSON(t.Context(), srv.URL+"/rest/api/3/issue",
		http.Header{"Authorization": {"Bearer t0ken-secret"}}, map[string]string{"summary": "EC2.7"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Key != "SEC-12" {
		t.Errorf("decoded key %q, want SEC-12", out.Key)
	}
	if got.method != "POST" || got.contentType != "application/json" || got.accept != "application/json" ||
		got.userAgent != UserAgent || got.auth != "Bearer t0ken-secret" || got.body["summary"] != "EC2.7" {
		t.Errorf("request = %+v", got)
	}
}

func TestClientDoJSONAnswers(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		out       bool
		wantErr   bool
		wantRetry bool
	}{
		{"2xx without out", 200, "whatever", false, false, false},
		{"2xx empty body with out", 204, "", true, false, false},
		{"2xx undecodable body is permanent", 200, "<html>", true, true, false},
		{"4xx permanent", 400, `{"errors":["bad"]}`, true, true, false},
		{"5xx retryable", 502, "bad gateway", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			var out map[string]any
			var outArg any
			if tt.out {
				outArg = &out
			}
			err := newTestClient(nil, srv.Client()).DoJSON(t.Context(), http.MethodPut, srv.URL, nil, nil, outArg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if retry, _ := ShouldRetry(err); retry != tt.wantRetry {
				t.Errorf("retryable = %v, want %v (%v)", retry, tt.wantRetry, err)
			}
		})
	}
}

func TestClientTransportFailures(t *testing.T) {
	secretPath := "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX"

	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer hang.Close()
	defer close(stop)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()

	tests := []struct {
		name      string
		base      string
		ctx       context.Context
		client    *http.Client
		wantRetry bool
		wantIs    error
	}{
		{name: "connection refused", base: refused, ctx: t.Context(), client: &http.Client{}, wantRetry: true},
		{name: "client timeout", base: hang.URL, ctx: t.Context(), client: &http.Client{Timeout: 100 * time.Millisecond}, wantRetry: true},
		{name: "cancelled context", base: hang.URL, ctx: cancelled, client: &http.Client{}, wantRetry: true, wantIs: context.Canceled},
		{name: "untrusted certificate is permanent", base: tlsSrv.URL, ctx: t.Context(), client: &http.Client{}, wantRetry: false},
		{name: "unsupported scheme is permanent", base: "ftp://example.com", ctx: t.Context(), client: &http.Client{}, wantRetry: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hook := tt.base + secretPath
			c := newTestClient(NewRedactor(hook), tt.client)
			err := c.PostJSON(tt.ctx, hook, nil, map[string]string{"text": "hi"}, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if retry, _ := ShouldRetry(err); retry != tt.wantRetry {
				t.Errorf("retryable = %v, want %v (%v)", retry, tt.wantRetry, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v) = false for %v", tt.wantIs, err)
			}
			if strings.Contains(err.Error(), "XXXXXXXXXXXXXXXXXXXX") {
				t.Errorf("webhook secret leaked: %v", err)
			}
		})
	}
}

func TestClientDoRejectsNilRequest(t *testing.T) {
	_, err := newTestClient(nil, nil).Do(t.Context(), nil)
	if err == nil {
		t.Fatal("no error for a nil request")
	}
	if retry, _ := ShouldRetry(err); retry {
		t.Error("a nil request must be permanent")
	}
}

func TestClientStatusErrorReachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "12")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v2/issues?apiKey=k3yk3yk3yk3y", nil)
	resp, err := newTestClient(nil, srv.Client()).Do(t.Context(), req)
	if resp != nil {
		t.Error("a failed Do must return no response")
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 429 {
		t.Fatalf("no *StatusError 429 in %v", err)
	}
	if retry, after := ShouldRetry(err); !retry || after != 12*time.Second {
		t.Errorf("ShouldRetry = %v, %v", retry, after)
	}
	if strings.Contains(err.Error(), "k3yk3yk3yk3y") {
		t.Errorf("query value leaked: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "GET http://127.0.0.1") || !strings.Contains(err.Error(), "apiKey=REDACTED: HTTP 429") {
		t.Errorf("message %q should name the method, scrubbed URL and status", err)
	}
}

func BenchmarkClientPostJSON(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	c := newTestClient(NewRedactor(testToken, testWebhook), srv.Client())
	payload := map[string]string{"text": "EC2.7 EBS default encryption should be enabled"}
	b.ReportAllocs()
	for b.Loop() {
		var out struct{ OK bool }
		if err := c.PostJSON(context.Background(), srv.URL, nil, payload, &out); err != nil {
			b.Fatal(err)
		}
	}
}
