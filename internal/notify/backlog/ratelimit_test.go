package backlog

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
)

func TestRateLimitWait(t *testing.T) {
	now := fixedNow()
	epoch := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name, reset string
		want        time.Duration
	}{
		{"documented example shape", epoch(55 * time.Second), 55 * time.Second},
		{"now", epoch(0), 0},
		{"past", epoch(-time.Minute), 0},
		{"far future", epoch(48 * time.Hour), notify.MaxRetryAfter},
		{"huge number", "99999999999999999", notify.MaxRetryAfter},
		{"spaces", " " + epoch(3*time.Second) + " ", 3 * time.Second},
		{"missing", "", DefaultRateLimitWait},
		{"not a number", "soon", DefaultRateLimitWait},
		{"milliseconds float", "1605484860.5", DefaultRateLimitWait},
		{"negative", "-5", DefaultRateLimitWait},
		{"zero", "0", DefaultRateLimitWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rateLimitWait(tt.reset, now); got != tt.want {
				t.Errorf("rateLimitWait(%q) = %v, want %v", tt.reset, got, tt.want)
			}
		})
	}
	// A reset half a second away rounds up, so the retry is never early.
	if got := rateLimitWait(epoch(0), now.Add(-500*time.Millisecond)); got != time.Second {
		t.Errorf("a fractional wait: %v, want 1s", got)
	}
}

func TestExplainErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
		ok               bool
	}{
		{"documented example", `{"errors":[{"message":"No project.","code":6,"moreInfo":""}]}`,
			"NoResourceError (code 6): No project.", true},
		{"several", `{"errors":[{"message":"a","code":7,"moreInfo":""},{"message":"b","code":13,"moreInfo":"see x"}]}`,
			"InvalidRequestError (code 7): a; TooManyRequestsError (code 13): b (see x)", true},
		{"unknown code", `{"errors":[{"message":"new","code":99}]}`, "error (code 99): new", true},
		{"Japanese", `{"errors":[{"message":"件名は1文字以上255文字以下で入力してください。","code":7,"moreInfo":""}]}`,
			"InvalidRequestError (code 7): 件名は1文字以上255文字以下で入力してください。", true},
		{"no errors", `{"errors":[]}`, "", false},
		{"other JSON", `{"error":"x"}`, "", false},
		{"HTML", `<html>502</html>`, "", false},
		{"empty", ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := explainErrors([]byte(tt.body))
			if got != tt.want || ok != tt.ok {
				t.Errorf("explainErrors = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// stubTransport answers every request with a copy of resp.
type stubTransport struct{ resp http.Response }

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := s.resp
	r.Header = s.resp.Header.Clone()
	r.Request = req
	return &r, nil
}

func TestAnswerTransportLeavesSuccessAlone(t *testing.T) {
	body := `{"errors":[{"message":"not an error on 200","code":7}]}`
	tr := &answerTransport{next: stubTransport{http.Response{
		StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)),
	}}, now: fixedNow}
	req, _ := http.NewRequest(http.MethodGet, "https://example.backlog.jp/api/v2/space", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if string(got) != body || resp.Header.Get("Retry-After") != "" {
		t.Errorf("a 200 answer was changed: %q %v", got, resp.Header)
	}
}

// FuzzExplainErrors feeds arbitrary error bodies to the parser: it never
// panics, and what it returns is one line of valid UTF-8.
//
//	go test -fuzz=FuzzExplainErrors -fuzztime=60s ./internal/notify/backlog
func FuzzExplainErrors(f *testing.F) {
	for _, s := range []string{
		`{"errors":[{"message":"No project.","code":6,"moreInfo":""}]}`,
		`{"errors":[{"message":"The Subject must be no shorter than 1 and no longer than 255.","code":7,"moreInfo":""}]}`,
		`{"errors":[{"message":"Authentication failure.","code":11,"moreInfo":""}]}`,
		`{"errors":null}`, `{"errors":[{}]}`, `{"errors":[{"code":"7"}]}`, `[]`, `null`, `<html>`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		text, ok := explainErrors([]byte(body))
		if !ok {
			if text != "" {
				t.Errorf("not an error answer, yet text %q", text)
			}
			return
		}
		var answer struct{ Errors []apiError }
		if err := json.Unmarshal([]byte(body), &answer); err != nil || len(answer.Errors) == 0 {
			t.Errorf("explained %q, which is no Backlog error answer", body)
		}
		if !utf8.ValidString(text) {
			t.Errorf("explanation is not valid UTF-8: %q", text)
		}
	})
}

// FuzzRateLimitWait feeds arbitrary X-RateLimit-Reset values: the wait is
// never negative and a malformed value means the documented minute.
//
//	go test -fuzz=FuzzRateLimitWait -fuzztime=60s ./internal/notify/backlog
func FuzzRateLimitWait(f *testing.F) {
	for _, s := range []string{"1605484860", "0", "-1", "", "soon", "1e9", "99999999999999999999", " 1767323100 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reset string) {
		got := rateLimitWait(reset, fixedNow())
		if got < 0 {
			t.Fatalf("rateLimitWait(%q) = %v", reset, got)
		}
		if _, err := strconv.ParseInt(strings.TrimSpace(reset), 10, 64); err != nil && got != DefaultRateLimitWait {
			t.Errorf("malformed %q gave %v, want %v", reset, got, DefaultRateLimitWait)
		}
		if got%time.Second != 0 {
			t.Errorf("rateLimitWait(%q) = %v is not whole seconds", reset, got)
		}
	})
}

// FuzzCustomValue feeds arbitrary JSON to the custom field decoder: it
// never panics and a decoded value always has at least one element.
//
//	go test -fuzz=FuzzCustomValue -fuzztime=60s ./internal/notify/backlog
func FuzzCustomValue(f *testing.F) {
	for _, s := range []string{`"AWS"`, `12345`, `1.5`, `[5, 6]`, `["a", 7]`, `[]`, `null`, `true`, `{"a":1}`, `[[1]]`, `1e400`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var v CustomValue
		if err := v.UnmarshalJSON([]byte(data)); err != nil {
			return
		}
		if !json.Valid([]byte(data)) {
			t.Errorf("decoded invalid JSON %q", data)
		}
		for _, s := range v {
			if !utf8.ValidString(s) {
				t.Errorf("value %q is not valid UTF-8", s)
			}
		}
	})
}
