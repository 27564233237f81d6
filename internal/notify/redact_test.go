package notify

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	testToken   = "xoxb-1234567890-abcdefghijkl"
	testWebhook = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX"
	testPath    = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX"
)

func TestRedactorString(t *testing.T) {
	red := NewRedactor(testToken, testWebhook, "p&ss<word>", "")
	tests := []struct {
		name, in, want string
	}{
		{"no secret", "all fine", "all fine"},
		{"raw token", "auth " + testToken + " failed", "auth [REDACTED] failed"},
		{"twice", testToken + testToken, "[REDACTED][REDACTED]"},
		{"whole webhook URL keeps the host", "POST " + testWebhook, "POST https://hooks.slack.com[REDACTED]"},
		{"webhook path alone", "path " + testPath, "path [REDACTED]"},
		{"JSON-escaped slashes", `"https:\/\/hooks.slack.com\/services\/T0000\/B0000\/XXXXXXXXXXXXXXXXXXXX"`, `"https:\/\/hooks.slack.com[REDACTED]"`},
		{"query-escaped", "u=" + url.QueryEscape(testWebhook), "u=https%3A%2F%2Fhooks.slack.com[REDACTED]"},
		{"JSON HTML escaping", `"p\u0026ss\u003cword\u003e"`, `"[REDACTED]"`},
		{"path-escaped", "/x/" + url.PathEscape("p&ss<word>"), "/x/[REDACTED]"},
		{"empty secret ignored", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := red.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactorLongestSecretFirst(t *testing.T) {
	red := NewRedactor("abcdefgh", "abcdefgh-longer")
	if got := red.String("x abcdefgh-longer y"); got != "x [REDACTED] y" {
		t.Errorf("got %q: the longer secret must be removed whole", got)
	}
}

func TestRedactorNilAndWith(t *testing.T) {
	var none *Redactor
	if got := none.String(testToken); got != testToken {
		t.Errorf("nil Redactor changed %q to %q", testToken, got)
	}
	if none.Leaks(testToken) {
		t.Error("nil Redactor reports a leak")
	}
	base := NewRedactor("first-secret")
	more := base.With("second-secret")
	if base.Leaks("second-secret") {
		t.Error("With modified the original Redactor")
	}
	if !more.Leaks("first-secret") || !more.Leaks("second-secret") {
		t.Error("With lost a secret")
	}
	if same := more.With("first-secret", ""); same != more {
		t.Error("With of known secrets should return the same Redactor")
	}
	if got := none.With("x-secret").String("a x-secret"); got != "a [REDACTED]" {
		t.Errorf("nil.With: got %q", got)
	}
}

func TestRedactorURL(t *testing.T) {
	red := NewRedactor(testWebhook)
	tests := []struct {
		name, in, want string
	}{
		{"secret webhook host hides the path", testWebhook, "https://hooks.slack.com/REDACTED"},
		{"other path on the secret host too", "https://hooks.slack.com/services/T1/B1/other", "https://hooks.slack.com/REDACTED"},
		{"userinfo", "https://user:pa55@example.com/api", "https://REDACTED@example.com/api"},
		{"query values", "https://example.com/api?apiKey=k3y&count=2&flag", "https://example.com/api?apiKey=REDACTED&count=REDACTED&REDACTED"},
		{"fragment dropped", "https://example.com/a#token=abc", "https://example.com/a"},
		{"plain URL unchanged", "https://example.backlog.jp/api/v2/issues", "https://example.backlog.jp/api/v2/issues"},
		{"host case ignored", "https://HOOKS.slack.com/services/x/y/z", "https://HOOKS.slack.com/REDACTED"},
		{"unparseable", "http://[::1", Redacted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := red.URL(tt.in); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactorErrorOfRealURLError scrubs the *url.Error net/http returns
// for a refused connection to a webhook URL.
func TestRedactorErrorOfRealURLError(t *testing.T) {
	hook := "http://127.0.0.1:1/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX?sig=s1gn4tur3value"
	_, err := http.Post(hook, "application/json", strings.NewReader("{}"))
	if err == nil {
		t.Skip("something listens on 127.0.0.1:1")
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("expected *url.Error, got %T", err)
	}
	tests := []struct {
		name       string
		red        *Redactor
		err        error
		wantHidden []string
	}{
		{"knowing the URL", NewRedactor(hook), err, []string{"XXXXXXXXXXXXXXXXXXXX", "s1gn4tur3value", "/services/"}},
		{"knowing nothing: query values still hidden", NewRedactor(), err, []string{"s1gn4tur3value"}},
		{"wrapped and classified", NewRedactor(hook), Retry(fmt.Errorf("slack: post: %w", err), 0), []string{"XXXXXXXXXXXXXXXXXXXX", "s1gn4tur3value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean := tt.red.Error(tt.err)
			msg := clean.Error()
			for _, secret := range tt.wantHidden {
				if strings.Contains(msg, secret) {
					t.Errorf("%q not hidden in %q", secret, msg)
				}
			}
			if !strings.Contains(msg, "127.0.0.1:1") || !strings.Contains(msg, "connection refused") {
				t.Errorf("host and cause should stay visible for debugging: %q", msg)
			}
			var got *url.Error
			if errors.As(clean, &got) {
				t.Error("the scrubbed error still unwraps to the original *url.Error")
			}
			wantRetry, _ := ShouldRetry(tt.err)
			if gotRetry, _ := ShouldRetry(clean); gotRetry != wantRetry {
				t.Errorf("classification changed: %v, want %v", gotRetry, wantRetry)
			}
		})
	}
}

func TestRedactorErrorKeepsIdentity(t *testing.T) {
	red := NewRedactor(testToken)
	err := Retry(fmt.Errorf("jira: token %s: %w", testToken, context.DeadlineExceeded), 5)
	clean := red.Error(err)
	if !errors.Is(clean, context.DeadlineExceeded) {
		t.Error("errors.Is(context.DeadlineExceeded) lost")
	}
	if retry, after := ShouldRetry(clean); !retry || after != 5 {
		t.Errorf("ShouldRetry = %v, %v; want true, 5", retry, after)
	}
	if strings.Contains(clean.Error(), testToken) {
		t.Errorf("token in %q", clean)
	}
	if red.Error(nil) != nil {
		t.Error("Error(nil) != nil")
	}
	joined := errors.Join(errors.New("a "+testToken), &url.Error{Op: "Get", URL: "https://x.example/?key=abc", Err: errors.New("eof")})
	if msg := red.Error(joined).Error(); strings.Contains(msg, testToken) || strings.Contains(msg, "key=abc") {
		t.Errorf("joined error leaked: %q", msg)
	}
}

func TestRedactorTruncated(t *testing.T) {
	red := NewRedactor("abcdefghij")
	tests := []struct{ in, want string }{
		{"text abcde", "text "},
		{"text abcdefghij", "text [REDACTED]"},
		{"text a", "text "},
		{"text xyz", "text xyz"},
	}
	for _, tt := range tests {
		if got := red.truncated(tt.in); got != tt.want {
			t.Errorf("truncated(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzRedactString(f *testing.F) {
	f.Add(testToken, "error: "+testToken+" rejected")
	f.Add(testWebhook, `{"url":"https:\/\/hooks.slack.com\/services\/T0000\/B0000\/XXXXXXXXXXXXXXXXXXXX"}`)
	f.Add("p&ss<word>", `"p\u0026ss\u003cword\u003e"`)
	f.Add("aa", "aaaaa")
	f.Fuzz(func(t *testing.T, secret, text string) {
		red := NewRedactor(secret)
		out := red.String(text + secret + text)
		if secret != "" && strings.Contains(out, secret) && !strings.Contains(Redacted, secret) {
			t.Fatalf("secret %q survives in %q", secret, out)
		}
	})
}

func FuzzRedactURL(f *testing.F) {
	for _, seed := range []string{
		testWebhook, "https://user:pa55@example.com/x?a=1&b", "http://[::1", "mailto:a@b", "/relative?x=1",
		"https://example.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d",
		"https://prod-00.westus.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc",
	} {
		f.Add(seed)
	}
	red := NewRedactor(testWebhook)
	f.Fuzz(func(t *testing.T, raw string) {
		out := red.URL(raw)
		if strings.Contains(out, "XXXXXXXXXXXXXXXXXXXX") {
			t.Fatalf("URL(%q) = %q keeps the webhook secret", raw, out)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if pw, ok := u.User.Password(); ok && len(pw) > len(redactedURLPart) && strings.Contains(out, "@") &&
			strings.Contains(out, ":"+pw+"@") {
			t.Fatalf("URL(%q) = %q keeps the password", raw, out)
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) > 12 && strings.Contains(out, "="+v) {
					t.Fatalf("URL(%q) = %q keeps the query value %q", raw, out, v)
				}
			}
		}
	})
}

func BenchmarkRedactorString(b *testing.B) {
	red := NewRedactor(testToken, testWebhook, "backlog-api-key-0123456789", "jira-api-token-ABCDEFGHIJKLMNOP")
	msg := `POST "https://example.backlog.jp/api/v2/issues": HTTP 400 Bad Request: {"errors":[{"message":"No such project.","code":6}]}`
	b.ReportAllocs()
	for b.Loop() {
		_ = red.String(msg)
	}
}

func BenchmarkRedactorError(b *testing.B) {
	red := NewRedactor(testToken, testWebhook)
	err := Retry(&url.Error{Op: "Post", URL: testWebhook, Err: errors.New("dial tcp 10.0.0.1:443: connect: connection refused")}, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = red.Error(err)
	}
}

func TestRedactorErrorKeepsStatusError(t *testing.T) {
	inner := Permanent(&StatusError{StatusCode: 401, Body: "bad token " + testToken})
	clean := NewRedactor(testToken).Error(fmt.Errorf("jira: %w", inner))
	var se *StatusError
	if !errors.As(clean, &se) {
		t.Fatalf("errors.As(*StatusError) = false for %v", clean)
	}
	if se.StatusCode != 401 || se.Body != "bad token [REDACTED]" {
		t.Errorf("StatusError = %+v; want 401 with the token removed", se)
	}
	if strings.Contains(clean.Error(), testToken) {
		t.Errorf("token in %q", clean)
	}
}

func TestRedactorBase64(t *testing.T) {
	const token = "ATATT3xFfGF0jira-api-token"
	red := NewRedactor(token)
	for _, prefix := range []string{"", "a", "ab", "user@example.com:", "me:"} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
			header := "Basic " + enc.EncodeToString([]byte(prefix+token))
			out := red.String(header)
			if !strings.Contains(out, Redacted) {
				t.Errorf("prefix %q: %q not redacted in %q", prefix, token, out)
			}
			// What is left must not decode to a recognisable part of the token.
			if strings.Contains(out, enc.EncodeToString([]byte(token))[4:12]) {
				t.Errorf("prefix %q: token material left in %q", prefix, out)
			}
		}
	}
	if forms := base64Forms("short"); forms != nil {
		t.Errorf("short secrets get no base64 forms, got %v", forms)
	}
}
