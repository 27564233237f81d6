package archive

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds the link verifier arbitrary key, exp and sig values. It
// must never panic, and it may accept (or call expired) only a link whose
// signature is exactly the one Link would compute for that key and expiry.
func FuzzVerify(f *testing.F) {
	s := linkSigner{secret: []byte(testSecret)}
	valid := s.sign(testKey, 1795996800)
	f.Add(testKey, "1795996800", valid)
	f.Add(testKey, "1000000000", s.sign(testKey, 1000000000))
	f.Add(testKey, "+1795996800", valid)
	f.Add(testKey, "01795996800", valid)
	f.Add("reports/../x.xlsx", "1795996800", valid)
	f.Add(testKey, "1795996800", valid+"=")
	f.Add(testKey, "99999999999999999999", valid)
	f.Add(testKey, "1795996800", strings.Repeat("/", len(valid)))
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, key, exp, sig string) {
		at, err := s.verify(key, exp, sig, t0)
		if err != nil && !errors.Is(err, ErrExpired) {
			if !errors.Is(err, ErrInvalidLink) {
				t.Fatalf("error %v is neither ErrInvalidLink nor ErrExpired", err)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Fatalf("error shows the secret: %v", err)
			}
			return
		}
		if _, _, perr := ParseKey(key); perr != nil {
			t.Fatalf("accepted invalid key %q: %v", key, perr)
		}
		n, perr := strconv.ParseInt(exp, 10, 64)
		if perr != nil || strconv.FormatInt(n, 10) != exp {
			t.Fatalf("accepted non-canonical expiry %q", exp)
		}
		if sig != s.sign(key, n) {
			t.Fatalf("accepted signature %q for %q %q", sig, key, exp)
		}
		if errors.Is(err, ErrExpired) != !t0.Before(at) {
			t.Fatalf("expiry %v at %v: err %v", at, t0, err)
		}
	})
}

// FuzzParseKey checks that every key ParseKey accepts stays inside the
// archive and survives the trip through a link: Link builds a URL whose
// path the handler maps back to the same key.
func FuzzParseKey(f *testing.F) {
	for _, k := range []string{
		testKey, "reports/system-a/2026-11-23.csv", "reports/p/x.html",
		"reports/../x.xlsx", "reports/p/../x.xlsx", "reports/a%2Fb/x.xlsx",
		"reports/a b/x?y.xlsx", "reports/a#b/x.xlsx", "reports/p/x.xlsx/",
		"reports/\u202e/x.xlsx", "reports/;/x.csv",
	} {
		f.Add(k)
	}
	l, err := NewLocal(LocalOptions{Dir: f.TempDir(), BaseURL: "https://h.example.com/base", Secret: testSecret, Now: func() time.Time { return t0 }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = l.Close() })
	f.Fuzz(func(t *testing.T, key string) {
		project, file, err := ParseKey(key)
		if err != nil {
			return
		}
		if key != KeyPrefix+"/"+project+"/"+file {
			t.Fatalf("%q split into %q %q", key, project, file)
		}
		if path.Clean(key) != key {
			t.Fatalf("key %q is not clean", key)
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
				t.Fatalf("key %q has segment %q", key, seg)
			}
		}
		if ContentType(key) == "" {
			t.Fatalf("key %q has no content type", key)
		}
		link, err := l.Link(context.Background(), key, time.Hour)
		if err != nil {
			t.Fatalf("Link(%q): %v", key, err)
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("link %q: %v", link, err)
		}
		if got, ok := l.keyOf(u.Path); !ok || got != key {
			t.Fatalf("link %q maps back to %q, %v; want %q", link, got, ok, key)
		}
		if err := l.Verify(key, u.Query().Get("exp"), u.Query().Get("sig")); err != nil {
			t.Fatalf("own link %q: %v", link, err)
		}
	})
}

// FuzzClientAddr feeds the handler's client-address logic arbitrary peers
// and X-Forwarded-For headers: it must never panic, and a request it lets
// through the allow list comes from an address in it.
func FuzzClientAddr(f *testing.F) {
	f.Add("10.1.2.3:5000", "203.0.113.9, 10.9.9.9")
	f.Add("10.1.2.3:5000", "[2001:db8::1]:80")
	f.Add("10.1.2.3:5000", ",,,")
	f.Add("198.51.100.7:1", "203.0.113.9")
	f.Add("[::ffff:10.0.0.1]:1", "::ffff:203.0.113.1")
	f.Add("garbage", "")
	l, err := NewLocal(LocalOptions{
		Dir: f.TempDir(), BaseURL: "https://h.example.com", Secret: testSecret,
		Allow:          prefixes(f, "203.0.113.0/24", "2001:db8::/32"),
		TrustedProxies: prefixes(f, "10.0.0.0/8"),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = l.Close() })
	f.Fuzz(func(t *testing.T, remote, xff string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", xff)
		a, err := l.clientAddr(req)
		if err != nil {
			return
		}
		if !a.IsValid() {
			t.Fatalf("no error but invalid address for %q %q", remote, xff)
		}
		if contains(l.allow, a) && !(a.Is4() && strings.HasPrefix(a.String(), "203.0.113.") || a.Is6()) {
			t.Fatalf("address %v passes the allow list", a)
		}
	})
}
