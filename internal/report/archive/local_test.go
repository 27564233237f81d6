package archive

import (
	"bytes"
	"context"
	"errors"

	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestNewLocalRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	good := LocalOptions{Dir: dir, BaseURL: "https://hubrelay.example.com", Secret: testSecret}
	for _, tc := range []struct {
		name string
		edit func(*LocalOptions)
		want string
	}{
		{"no dir", func(o *LocalOptions) { o.Dir = "" }, "no directory (dir)"},
		{"no base URL", func(o *LocalOptions) { o.BaseURL = "" }, "no base URL (base_url)"},
		{"relative base URL", func(o *LocalOptions) { o.BaseURL = "/reports" }, "scheme must be http or https"},
		{"ftp base URL", func(o *LocalOptions) { o.BaseURL = "ftp://example.com" }, "scheme must be http or https"},
		{"base URL with query", func(o *LocalOptions) { o.BaseURL = "https://example.com/?a=b" }, "must not have a query"},
		{"base URL with password", func(o *LocalOptions) { o.BaseURL = "https://u:" + testSecret + "@example.com" }, "must not carry a user name or password"},
		{"short secret", func(o *LocalOptions) { o.Secret = "tooshort-but-secret" }, "secret has 19 bytes, want at least 32"},
		{"dir is a file", func(o *LocalOptions) {
			p := filepath.Join(dir, "file")
			_ = os.WriteFile(p, nil, 0o600)
			o.Dir = p
		}, "archive: local:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := good
			tc.edit(&opt)
			l, err := NewLocal(opt)
			if err == nil {
				_ = l.Close()
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			checkNoSecret(t, "error", err.Error())
			if strings.Contains(err.Error(), "tooshort-but-secret") {
				t.Errorf("error shows the short secret: %v", err)
			}
		})
	}
}

// Put writes the file with owner-only permissions under
// reports/{project}/, replacing an older version whole.
func TestLocalPut(t *testing.T) {
	f := newFixture(t, nil)
	key := "reports/基幹システム/2026-11-23.xlsx"
	f.put(t, key, []byte("first"))
	f.put(t, key, []byte("second version"))

	path := filepath.Join(f.dir, "reports", "基幹システム", "2026-11-23.xlsx")
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "second version" {
		t.Fatalf("file: %q, %v", got, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode().Perm())
	}
	for _, d := range []string{filepath.Join(f.dir, "reports"), filepath.Dir(path)} {
		st, _ := os.Stat(d)
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want no group or other access", d, st.Mode().Perm())
		}
	}
	checkNoTempFiles(t, f.dir)
}

// A failed Put leaves the previous version and no temporary file.
func TestLocalPutFailureKeepsThePreviousVersion(t *testing.T) {
	f := newFixture(t, nil)
	key := "reports/p/2026-11-23.csv"
	f.put(t, key, []byte("good"))
	ctx := context.Background()

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for name, put := range map[string]func() error{
		"short": func() error { return f.Put(ctx, key, strings.NewReader("abc"), 10) },
		"long":  func() error { return f.Put(ctx, key, strings.NewReader("abcdefghijkl"), 10) },
		"read error": func() error {
			return f.Put(ctx, key, iotest.TimeoutReader(bytes.NewReader(make([]byte, 1<<20))), 1<<20)
		},
		"canceled": func() error { return f.Put(canceled, key, strings.NewReader("x"), 1) },
	} {
		err := put()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %q does not name the key", name, err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(f.dir, "reports", "p", "2026-11-23.csv")); string(got) != "good" {
		t.Errorf("file is %q after failed puts", got)
	}
	checkNoTempFiles(t, f.dir)

	// Unknown size takes the reader as it comes.
	if err := f.Put(ctx, key, strings.NewReader("any length"), -1); err != nil {
		t.Fatal(err)
	}
}

func TestLocalPutRefusesTraversal(t *testing.T) {
	f := newFixture(t, nil)
	outside := t.TempDir()
	for _, key := range []string{
		"reports/../../" + filepath.Base(outside) + "/x.xlsx",
		"reports/p/../../x.xlsx",
		"../x.xlsx",
		"/etc/x.xlsx",
		"reports/p/x.sh",
	} {
		if err := f.Put(context.Background(), key, strings.NewReader("x"), 1); err == nil {
			t.Errorf("Put(%q) succeeded", key)
		}
	}
	// A symbolic link planted in the directory does not lead Put outside.
	if err := os.MkdirAll(filepath.Join(f.dir, "reports"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(f.dir, "reports", "evil")); err != nil {
		t.Fatal(err)
	}
	if err := f.Put(context.Background(), "reports/evil/2026-11-23.xlsx", strings.NewReader("x"), 1); err == nil {
		t.Error("Put through a symbolic link to outside succeeded")
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 0 {
		t.Errorf("files written outside the archive: %v", entries)
	}
}

func TestLocalLink(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"https://hubrelay.example.com", "https://hubrelay.example.com/reports/%E5%9F%BA%E5%B9%B9/2026-11-23.xlsx?exp=1795996800&sig="},
		{"https://intra.example.com/hubrelay/", "https://intra.example.com/hubrelay/reports/%E5%9F%BA%E5%B9%B9/2026-11-23.xlsx?exp=1795996800&sig="},
	} {
		f := newFixture(t, func(o *LocalOptions) { o.BaseURL = tc.base })
		u := f.link(t, "reports/基幹/2026-11-23.xlsx", 7*24*time.Hour)
		if !strings.HasPrefix(u, tc.want) {
			t.Errorf("link %q, want prefix %q", u, tc.want)
		}
		if got := t0.Add(7 * 24 * time.Hour).Unix(); got != 1795996800 {
			t.Fatalf("test arithmetic: %d", got)
		}
	}
	f := newFixture(t, nil)
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := f.Link(context.Background(), "reports/p/2026-11-23.xlsx", d); err == nil {
			t.Errorf("Link with expiry %v succeeded", d)
		}
	}
	if _, err := f.Link(context.Background(), "reports/../x.xlsx", time.Hour); err == nil {
		t.Error("Link to a traversal key succeeded")
	}
}

// Verify tells a tampered link from an expired one, and checks the
// signature before the time.
func TestLocalVerify(t *testing.T) {
	f := newFixture(t, nil)
	key := "reports/p/2026-11-23.xlsx"
	exp := "1795996800"
	sig := f.signer.sign(key, 1795996800)
	if err := f.Verify(key, exp, sig); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string][3]string{
		"other key":        {"reports/p/2026-11-24.xlsx", exp, sig},
		"later expiry":     {key, "1795996801", sig},
		"leading plus":     {key, "+1795996800", sig},
		"leading zero":     {key, "01795996800", sig},
		"no expiry":        {key, "", sig},
		"no signature":     {key, exp, ""},
		"padded signature": {key, exp, sig + "="},
		"std base64":       {key, exp, strings.NewReplacer("-", "+", "_", "/").Replace(sig) + "=="},
		"one bit":          {key, exp, flip(sig)},
		"other secret":     {key, exp, linkSigner{secret: []byte(testSecret + "x")}.sign(key, 1795996800)},
	} {
		if err := f.Verify(tc[0], tc[1], tc[2]); !errors.Is(err, ErrInvalidLink) {
			t.Errorf("%s: %v, want ErrInvalidLink", name, err)
		} else {
			checkNoSecret(t, name+" error", err.Error(), sig)
		}
	}
	f.clock.Advance(7*24*time.Hour - time.Second)
	if err := f.Verify(key, exp, sig); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	if err := f.Verify(key, exp, sig); !errors.Is(err, ErrExpired) {
		t.Errorf("at expiry: %v, want ErrExpired", err)
	}
	// An expired link with a bad signature is invalid, not expired.
	if err := f.Verify(key, "1000000000", sig); !errors.Is(err, ErrInvalidLink) {
		t.Errorf("tampered past expiry: %v, want ErrInvalidLink", err)
	}
}

// flip changes the signature's first character to another valid one.
func flip(sig string) string {
	c := byte('A')
	if sig[0] == 'A' {
		c = 'B'
	}
	return string(c) + sig[1:]
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}
