package archive

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testKey = "reports/基幹システム/2026-11-23.xlsx"

// A link handed out by Link downloads the bytes over a real HTTP server, as
// an attachment named after the project, with the Excel MIME type.
func TestHandlerServesAValidLink(t *testing.T) {
	f := newFixture(t, nil)
	data := []byte("PK\x03\x04 not really a workbook, but bytes the handler must not touch")
	f.put(t, testKey, data)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()

	link := f.link(t, testKey, 7*24*time.Hour)
	u := onServer(t, link, srv.URL)
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != string(data) {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "基幹システム-security-report-2026-11-23.xlsx" {
		t.Errorf("Content-Disposition %q: %v %v", resp.Header.Get("Content-Disposition"), params, err)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}

	// HEAD: the same headers, no body.
	resp, err = http.Head(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != int64(len(data)) {
		t.Errorf("HEAD: %d, %d body bytes, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}

	// A range, as a download manager resumes.
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Range", "bytes=0-3")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(body) != "PK\x03\x04" {
		t.Errorf("range: %d %q", resp.StatusCode, body)
	}
	if logs := f.logs.String(); !strings.Contains(logs, `"msg":"report download"`) {
		t.Errorf("no download log line: %s", logs)
	}
	checkNoSecret(t, "logs", f.logs.String(), sigOf(t, link))
}

// BaseURL's path is honoured whether the proxy in front keeps or strips it.
func TestHandlerWithBasePath(t *testing.T) {
	f := newFixture(t, func(o *LocalOptions) { o.BaseURL = "https://intra.example.com/hubrelay" })
	f.put(t, testKey, []byte("x"))
	link := f.link(t, testKey, time.Hour)
	u, _ := url.Parse(link)
	for _, p := range []string{u.Path, strings.TrimPrefix(u.Path, "/hubrelay")} {
		if code, _ := get(t, f, p+"?"+u.RawQuery, "192.0.2.1:1000", nil); code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
	}
}

func TestHandlerRefusesTamperedLinks(t *testing.T) {
	f := newFixture(t, nil)
	f.put(t, testKey, []byte("report"))
	f.put(t, "reports/other/2026-11-23.xlsx", []byte("another project's report"))
	link := f.link(t, testKey, 7*24*time.Hour)
	u, _ := url.Parse(link)
	q := u.Query()
	sig := q.Get("sig")
	exp := q.Get("exp")
	esc := func(p string) string { return (&url.URL{Path: p}).EscapedPath() }

	for name, target := range map[string]string{
		"other project":   esc("/reports/other/2026-11-23.xlsx") + "?" + u.RawQuery,
		"other date":      esc("/reports/基幹システム/2026-11-16.xlsx") + "?" + u.RawQuery,
		"other format":    esc("/reports/基幹システム/2026-11-23.csv") + "?" + u.RawQuery,
		"later expiry":    u.EscapedPath() + "?exp=" + exp[:len(exp)-1] + "9&sig=" + sig,
		"flipped sig":     u.EscapedPath() + "?exp=" + exp + "&sig=" + flip(sig),
		"no sig":          u.EscapedPath() + "?exp=" + exp,
		"no query":        u.EscapedPath(),
		"sig of nothing":  u.EscapedPath() + "?exp=" + exp + "&sig=" + strings.Repeat("A", len(sig)),
		"expired and bad": u.EscapedPath() + "?exp=1000000000&sig=" + sig,
	} {
		t.Run(name, func(t *testing.T) {
			code, body := get(t, f, target, "192.0.2.1:1000", nil)
			if code != http.StatusForbidden {
				t.Fatalf("%d, want 403:\n%s", code, body)
			}
			for _, want := range []string{"リンクが正しくありません", "This link is not valid"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q:\n%s", want, body)
				}
			}
			if strings.Contains(body, "another project") || strings.Contains(body, "report\n") {
				t.Errorf("page leaks a file:\n%s", body)
			}
			checkNoSecret(t, "page", body, sig)
		})
	}
	checkNoSecret(t, "logs", f.logs.String(), sig)
}

func TestHandlerExpiredLinkIsGone(t *testing.T) {
	f := newFixture(t, nil)
	f.put(t, testKey, []byte("report"))
	link := f.link(t, testKey, 7*24*time.Hour)
	u, _ := url.Parse(link)
	target := u.RequestURI()

	f.clock.Advance(7*24*time.Hour - time.Second)
	if code, body := get(t, f, target, "192.0.2.1:1000", nil); code != http.StatusOK {
		t.Fatalf("a second before expiry: %d %s", code, body)
	}
	f.clock.Advance(time.Second)
	code, body := get(t, f, target, "192.0.2.1:1000", nil)
	if code != http.StatusGone {
		t.Fatalf("at expiry: %d, want 410:\n%s", code, body)
	}
	// Expiry shown in the configured zone (Tokyo): 2026-11-30 09:00 JST.
	for _, want := range []string{"2026/11/30 09:00 JST", "2026-11-30 09:00 JST", "有効期限が切れました", "expired"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	checkNoSecret(t, "page", body, sigOf(t, link))
	if code, body := head(t, f, target); code != http.StatusGone || body != "" {
		t.Errorf("HEAD at expiry: %d %q", code, body)
	}
}

func TestHandlerAllowedNetworks(t *testing.T) {
	f := newFixture(t, func(o *LocalOptions) {
		o.Allow = prefixes(t, "203.0.113.0/24", "2001:db8:1::/48")
		o.TrustedProxies = prefixes(t, "10.0.0.0/8")
	})
	f.put(t, testKey, []byte("report"))
	u, _ := url.Parse(f.link(t, testKey, time.Hour))
	target := u.RequestURI()

	for _, tc := range []struct {
		name   string
		remote string
		xff    []string
		want   int
	}{
		{"inside", "203.0.113.9:5000", nil, 200},
		{"inside IPv6", "[2001:db8:1::7]:5000", nil, 200},
		{"IPv4-mapped IPv6", "[::ffff:203.0.113.9]:5000", nil, 200},
		{"outside", "198.51.100.7:5000", nil, 403},
		{"outside IPv6", "[2001:db8:2::7]:5000", nil, 403},
		{"outside with a forged header", "198.51.100.7:5000", []string{"203.0.113.9"}, 403},
		{"trusted proxy, client inside", "10.1.2.3:5000", []string{"203.0.113.9"}, 200},
		{"trusted proxy, client outside", "10.1.2.3:5000", []string{"198.51.100.7"}, 403},
		{"two proxies", "10.1.2.3:5000", []string{"203.0.113.9, 10.9.9.9"}, 200},
		{"client forges the leftmost entry", "10.1.2.3:5000", []string{"203.0.113.9, 198.51.100.7"}, 403},
		{"forged entry to the left is ignored", "10.1.2.3:5000", []string{"198.51.100.7", "203.0.113.9"}, 200},
		{"entry with port", "10.1.2.3:5000", []string{"203.0.113.9:4444"}, 200},
		{"bracketed IPv6", "10.1.2.3:5000", []string{"[2001:db8:1::1]"}, 200},
		{"garbage entry", "10.1.2.3:5000", []string{"203.0.113.9, not-an-ip"}, 403},
		{"proxy without header", "10.1.2.3:5000", nil, 403},
		{"bad remote address", "somewhere", nil, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.xff {
				h.Add("X-Forwarded-For", v)
			}
			code, body := get(t, f, target, tc.remote, h)
			if code != tc.want {
				t.Fatalf("%d, want %d:\n%s", code, tc.want, body)
			}
			if code == 403 && !strings.Contains(body, "社内ネットワーク") {
				t.Errorf("page does not say why:\n%s", body)
			}
		})
	}
}

// Without Allow, any client holding a valid link may download, and
// X-Forwarded-For does not matter.
func TestHandlerWithoutAllowIgnoresNetworks(t *testing.T) {
	f := newFixture(t, nil)
	f.put(t, testKey, []byte("report"))
	u, _ := url.Parse(f.link(t, testKey, time.Hour))
	h := http.Header{"X-Forwarded-For": {"garbage"}}
	if code, body := get(t, f, u.RequestURI(), "198.51.100.7:1", h); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
}

// Paths that try to leave the archive, list it, or reach hidden files are
// refused, even with a signature that is valid for the key.
func TestHandlerRefusesTraversalAndListing(t *testing.T) {
	f := newFixture(t, nil)
	f.put(t, testKey, []byte("report"))
	secretFile := filepath.Join(filepath.Dir(f.dir), "outside.xlsx")
	if err := os.WriteFile(secretFile, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Remove(secretFile) })
	link := f.link(t, testKey, time.Hour)
	q := "?" + mustParse(t, link).RawQuery

	for _, target := range []string{
		"/reports/../outside.xlsx" + q,
		"/reports/%2e%2e/outside.xlsx" + q,
		"/reports/%E5%9F%BA%E5%B9%B9%E3%82%B7%E3%82%B9%E3%83%86%E3%83%A0%2F..%2F..%2Foutside.xlsx" + q,
		"/reports/" + q,
		"/reports/%E5%9F%BA%E5%B9%B9%E3%82%B7%E3%82%B9%E3%83%86%E3%83%A0/" + q,
		"/reports" + q,
		"/" + q,
		"/reports/p/.2026-11-23.xlsx.tmp-0011223344556677" + q,
		"/reports/p/2026-11-23.xlsx/" + q,
		"//reports/p/2026-11-23.xlsx" + q,
	} {
		code, body := get(t, f, target, "192.0.2.1:1", nil)
		if code != http.StatusNotFound && code != http.StatusForbidden {
			t.Errorf("%s: %d, want 404 or 403", target, code)
		}
		if strings.Contains(body, "outside") || strings.Contains(body, "2026-11-23.xlsx") {
			t.Errorf("%s: page shows files:\n%s", target, body)
		}
	}

	// A symbolic link planted under the directory, pointing outside, is not
	// followed even when its key is validly signed.
	if err := os.Symlink(secretFile, filepath.Join(f.dir, "reports", "基幹システム", "2026-11-24.xlsx")); err != nil {
		t.Fatal(err)
	}
	evil := mustParse(t, f.link(t, "reports/基幹システム/2026-11-24.xlsx", time.Hour))
	if code, body := get(t, f, evil.RequestURI(), "192.0.2.1:1", nil); code != http.StatusNotFound {
		t.Errorf("symlink outside: %d\n%s", code, body)
	}
	// A directory under a file's name is not listed.
	if err := os.Mkdir(filepath.Join(f.dir, "reports", "基幹システム", "2026-11-25.xlsx"), 0o700); err != nil {
		t.Fatal(err)
	}
	dir := mustParse(t, f.link(t, "reports/基幹システム/2026-11-25.xlsx", time.Hour))
	if code, _ := get(t, f, dir.RequestURI(), "192.0.2.1:1", nil); code != http.StatusNotFound {
		t.Errorf("directory: %d", code)
	}
	// A signed link to a report that was deleted: 404 with a clear page.
	gone := mustParse(t, f.link(t, "reports/基幹システム/2026-11-02.xlsx", time.Hour))
	if code, body := get(t, f, gone.RequestURI(), "192.0.2.1:1", nil); code != http.StatusNotFound || !strings.Contains(body, "レポートが見つかりません") {
		t.Errorf("deleted report: %d\n%s", code, body)
	}
}

func TestHandlerMethods(t *testing.T) {
	f := newFixture(t, nil)
	f.put(t, testKey, []byte("report"))
	u := mustParse(t, f.link(t, testKey, time.Hour))
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, "PROPFIND"} {
		req := httptest.NewRequest(m, u.RequestURI(), nil)
		rec := httptest.NewRecorder()
		f.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, rec.Code, rec.Header().Get("Allow"))
		}
	}
	if got, _ := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(testKey))); string(got) != "report" {
		t.Errorf("file changed: %q", got)
	}
}

// get sends one GET to the handler from remote and returns the status and
// the body.
func get(t *testing.T, f *fixture, target, remote string, h http.Header) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://hubrelay.example.com"+target, nil)
	req.RemoteAddr = remote
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	f.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func head(t *testing.T, f *fixture, target string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodHead, "http://hubrelay.example.com"+target, nil)
	rec := httptest.NewRecorder()
	f.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// onServer moves link to the test server, keeping path and query.
func onServer(t *testing.T, link, server string) string {
	t.Helper()
	u := mustParse(t, link)
	s := mustParse(t, server)
	u.Scheme, u.Host = s.Scheme, s.Host
	return u.String()
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func sigOf(t *testing.T, link string) string {
	t.Helper()
	return mustParse(t, link).Query().Get("sig")
}
