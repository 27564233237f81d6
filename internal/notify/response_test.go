package notify

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCheckResponseOverHTTP serves real answers, with real Retry-After
// headers in both forms, and classifies what the client receives.
func TestCheckResponseOverHTTP(t *testing.T) {
	now := time.Now()
	date := now.Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		body       string
		wantNil    bool
		wantRetry  bool
		wantAfter  time.Duration // for the date form: the wait within one second
		wantInMsg  string
	}{
		{name: "200", status: 200, body: `{"ok":true}`, wantNil: true},
		{name: "201", status: 201, wantNil: true},
		{name: "204", status: 204, wantNil: true},
		{name: "400 permanent", status: 400, body: `{"error":"invalid_blocks"}`, wantInMsg: `HTTP 400 Bad Request: {"error":"invalid_blocks"}`},
		{name: "401 permanent", status: 401, body: "invalid_token", wantInMsg: "HTTP 401 Unauthorized: invalid_token"},
		{name: "404 permanent", status: 404, body: "channel_not_found", wantInMsg: "HTTP 404 Not Found: channel_not_found"},
		{name: "408 retryable", status: 408, wantRetry: true, wantInMsg: "HTTP 408 Request Timeout"},
		{name: "429 delta-seconds", status: 429, retryAfter: "30", wantRetry: true, wantAfter: 30 * time.Second, wantInMsg: "HTTP 429 Too Many Requests"},
		{name: "429 HTTP-date", status: 429, retryAfter: date, wantRetry: true, wantAfter: 2 * time.Minute},
		{name: "429 without header", status: 429, wantRetry: true},
		{name: "429 malformed header", status: 429, retryAfter: "later", wantRetry: true},
		{name: "429 capped", status: 429, retryAfter: "7200", wantRetry: true, wantAfter: MaxRetryAfter},
		{name: "500", status: 500, body: "internal", wantRetry: true, wantInMsg: "HTTP 500 Internal Server Error: internal"},
		{name: "503 delta-seconds", status: 503, retryAfter: "120", wantRetry: true, wantAfter: 2 * time.Minute},
		{name: "599 nonstandard 5xx", status: 599, wantRetry: true, wantInMsg: "HTTP 599"},
		{name: "304 permanent", status: 304, wantInMsg: "HTTP 304 Not Modified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			err = CheckResponse(resp, nil, now)
			if tt.wantNil {
				if err != nil {
					t.Fatalf("CheckResponse = %v, want nil", err)
				}
				if body, _ := io.ReadAll(resp.Body); string(body) != tt.body {
					t.Errorf("body after CheckResponse = %q, want it untouched (%q)", body, tt.body)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckResponse = nil, want an error")
			}
			retry, after := ShouldRetry(err)
			if retry != tt.wantRetry {
				t.Errorf("retryable = %v, want %v (%v)", retry, tt.wantRetry, err)
			}
			if d := after - tt.wantAfter; d < -time.Second || d > time.Second {
				t.Errorf("retry after = %v, want %v", after, tt.wantAfter)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != tt.status {
				t.Errorf("no *StatusError with code %d in %v", tt.status, err)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.wantInMsg)
			}
		})
	}
}

// TestRetryableStatusTable pins the classification of every status.
func TestRetryableStatusTable(t *testing.T) {
	for code := 100; code <= 599; code++ {
		want := code == 408 || code == 429 || code >= 500
		if got := retryableStatus(code); got != want {
			t.Errorf("retryableStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

type trackingBody struct {
	io.Reader
	closed bool
	read   int
}

func (b *trackingBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	b.read += n
	return n, err
}

func (b *trackingBody) Close() error { b.closed = true; return nil }

func TestCheckResponseBody(t *testing.T) {
	const token = "xoxb-1234567890-abcdefghijkl"
	long := strings.Repeat("a", 2000)
	const hook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
	red := NewRedactor(token, hook)
	tests := []struct {
		name        string
		body        string
		wantBody    string
		wantMaxRune int
	}{
		{"secret echoed", `{"error":"invalid_auth","token":"` + token + `"}`, `{"error":"invalid_auth","token":"[REDACTED]"}`, 0},
		{"secret URL with escaped slashes", `{"url":"https:\/\/hooks.slack.com\/services\/T000\/B000\/XXXXXXXXXXXX"}`, `{"url":"https:\/\/hooks.slack.com[REDACTED]"}`, 0},
		{"secret query-escaped", "token=" + url.QueryEscape(hook), "token=https%3A%2F%2Fhooks.slack.com[REDACTED]", 0},
		{"secret path of a secret URL", "no service at /services/T000/B000/XXXXXXXXXXXX", "no service at [REDACTED]", 0},
		{"newlines collapsed", "line one\r\n\tline two\n\n", "line one line two", 0},
		{"control characters collapsed", "a\x1b[31mb\x00c", "a [31mb c", 0},
		{"long body shortened", long, strings.Repeat("a", snippetMaxRunes-1) + "…", snippetMaxRunes},
		{"invalid UTF-8 replaced", "bad \xff byte", "bad \uFFFD byte", 0},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &trackingBody{Reader: strings.NewReader(tt.body)}
			resp := &http.Response{StatusCode: 400, Header: http.Header{}, Body: body}
			err := CheckResponse(resp, red, time.Now())
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("no *StatusError in %v", err)
			}
			if tt.wantBody != "" && se.Body != tt.wantBody {
				t.Errorf("Body = %q, want %q", se.Body, tt.wantBody)
			}
			if strings.Contains(err.Error(), "XXXXXXXXXXXX") || strings.Contains(err.Error(), "abcdefghijkl") {
				t.Errorf("the token leaked: %q", err)
			}
			if !body.closed {
				t.Error("body not closed")
			}
			if body.read != len(tt.body) {
				t.Errorf("read %d of %d body bytes; want it drained", body.read, len(tt.body))
			}
		})
	}
}

// TestCheckResponseSecretCutAtReadLimit covers a body whose secrets shrink
// when redacted, so that a secret cut by the read limit would otherwise
// reach the excerpt.
func TestCheckResponseSecretCutAtReadLimit(t *testing.T) {
	secret := "S" + strings.Repeat("k", 999) // 1000 bytes
	body := strings.Repeat(secret, 4) + secret[:snippetReadLimit-4*len(secret)] + "...and more"
	red := NewRedactor(secret)
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	err := CheckResponse(resp, red, time.Now())
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("no *StatusError in %v", err)
	}
	if want := strings.Repeat(Redacted, 4); se.Body != want {
		t.Errorf("Body = %q, want %q (the cut secret dropped)", se.Body, want)
	}
}

func TestCheckResponseNil(t *testing.T) {
	err := CheckResponse(nil, nil, time.Now())
	if retry, _ := ShouldRetry(err); err == nil || retry {
		t.Errorf("CheckResponse(nil) = %v; want a permanent error", err)
	}
}

func BenchmarkCheckResponse(b *testing.B) {
	red := NewRedactor("xoxb-1234567890-abcdefghijkl", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")
	body := `{"ok":false,"error":"ratelimited","warning":"superfluous_charset"}`
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{
			StatusCode: 429,
			Header:     http.Header{"Retry-After": {"30"}},
			Body:       io.NopCloser(strings.NewReader(body)),
		}
		_ = CheckResponse(resp, red, retryAfterNow)
	}
}

func FuzzCheckResponse(f *testing.F) {
	f.Add(429, "30", `{"ok":false,"error":"ratelimited","token":"xoxb-1234567890-abcdefghijkl"}`)
	f.Add(503, "Fri, 02 Jan 2026 03:05:35 GMT", "<html>\r\n<body>Service Unavailable</body></html>")
	f.Add(404, "", "no_service /services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")
	f.Add(200, "", "ok")
	f.Add(302, "", "")
	f.Add(500, "-1", strings.Repeat("xoxb-1234567890-abcdefghijkl", 200))
	const token = "xoxb-1234567890-abcdefghijkl"
	red := NewRedactor(token, "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"Retry-After": {retryAfter}},
			Body:       io.NopCloser(strings.NewReader(body)),
		}
		err := CheckResponse(resp, red, retryAfterNow)
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("2xx gave %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("status %d gave no error", status)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "XXXXXXXXXXXXXXXXXXXXXXXX") {
			t.Fatalf("secret in %q", err)
		}
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("multi-line error %q", err)
		}
		retry, after := ShouldRetry(err)
		if retry != retryableStatus(status) || after < 0 || after > MaxRetryAfter || (!retry && after != 0) {
			t.Fatalf("status %d: ShouldRetry = %v, %v", status, retry, after)
		}
	})
}
