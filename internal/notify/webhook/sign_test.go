package webhook

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSignVector pins the scheme with a value computed independently:
// python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_secret_0123456789",
// b"1767323045.{\"hello\":\"world\"}", hashlib.sha256).hexdigest())'
func TestSignVector(t *testing.T) {
	got := Sign("whsec_test_secret_0123456789", 1767323045, []byte(`{"hello":"world"}`))
	want := "sha256=9cea9a17e9e78a237debc3a04bc9b2d3127c9868539d7a8df80154b346f79cd0"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec_test_secret_0123456789"
	body := []byte(`{"hello":"world"}`)
	now := time.Unix(1767323045, 0)
	signed := func(ts int64, sig string) http.Header {
		h := http.Header{}
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, sig)
		return h
	}
	good := Sign(secret, now.Unix(), body)
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		at     time.Time
		want   string // "" for success
	}{
		{"valid", signed(now.Unix(), good), body, now, ""},
		{"valid 4 minutes later", signed(now.Unix(), good), body, now.Add(4 * time.Minute), ""},
		{"replayed 6 minutes later", signed(now.Unix(), good), body, now.Add(6 * time.Minute), "more than 5m0s"},
		{"from the future", signed(now.Unix(), good), body, now.Add(-6 * time.Minute), "more than 5m0s"},
		{"body changed", signed(now.Unix(), good), []byte(`{"hello":"World"}`), now, "does not match"},
		{"timestamp changed", signed(now.Unix()+1, good), body, now, "does not match"},
		{"upper-case hex", signed(now.Unix(), strings.ToUpper(good)), body, now, "does not start with sha256="},
		{"no prefix", signed(now.Unix(), strings.TrimPrefix(good, "sha256=")), body, now, "does not start with sha256="},
		{"no timestamp", http.Header{HeaderSignature: {good}}, body, now, "is not a Unix time"},
		{"timestamp not a number", signed(0, good), body, now, "more than"},
	}
	tests[len(tests)-1].header.Set(HeaderTimestamp, "yesterday")
	tests[len(tests)-1].want = "is not a Unix time"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(secret, tt.header, tt.body, tt.at, 0)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Verify: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Verify = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// FuzzVerify: Verify parses headers a stranger sends; it never panics and
// accepts only the signature Sign makes.
//
//	go test -fuzz=FuzzVerify -fuzztime=60s ./internal/notify/webhook
func FuzzVerify(f *testing.F) {
	const secret = "whsec_test_secret_0123456789"
	f.Add("1767323045", Sign(secret, 1767323045, []byte("{}")), []byte("{}"))
	f.Add("-1", "sha256=", []byte(""))
	f.Add("99999999999999999999", "sha256=zz", []byte("x"))
	f.Add(" 1767323045", "sha256="+strings.Repeat("0", 64), []byte("{}"))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, sig)
		err := Verify(secret, h, body, time.Unix(1767323045, 0), 0)
		if err != nil {
			return
		}
		n, perr := strconv.ParseInt(ts, 10, 64)
		if perr != nil || sig != Sign(secret, n, body) {
			t.Fatalf("accepted timestamp %q signature %q", ts, sig)
		}
	})
}
