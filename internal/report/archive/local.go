package archive

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// MinSecretLen is the shortest link secret NewLocal accepts, in bytes.
const MinSecretLen = 32

// LocalOptions configure NewLocal.
type LocalOptions struct {
	// Dir is the directory the reports are kept in; NewLocal creates it
	// (mode 0700) when it does not exist. Required.
	Dir string
	// BaseURL is where readers reach hubrelay's report handler, e.g.
	// https://hubrelay.example.com or https://intra.example.com/hubrelay;
	// links are BaseURL/reports/{project}/{file}?exp=…&sig=…. Required,
	// http or https, without query or fragment.
	BaseURL string
	// Secret keys the HMAC-SHA256 link signatures; at least MinSecretLen
	// bytes (e.g. `openssl rand -hex 32`). Every replica serving links must
	// share it; changing it invalidates every link handed out. Required.
	Secret string
	// Allow limits downloads to clients in these networks; empty allows any
	// client that holds a valid link.
	Allow []netip.Prefix
	// TrustedProxies are the reverse proxies (load balancers) in front of
	// hubrelay. Only a request whose TCP peer is in one of them has its
	// X-Forwarded-For header read to find the client; without this, the
	// TCP peer is the client and X-Forwarded-For is ignored, since any
	// client can write one. Behind a proxy with Allow set, set this, or the
	// proxy's own address is what Allow is checked against.
	TrustedProxies []netip.Prefix
	// Location is the time zone expiry times are shown in on the "link
	// expired" page; nil means UTC.
	Location *time.Location
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time
	// Log receives a line per download and per refused request, without
	// the signature; nil discards them.
	Log *slog.Logger
}

// Local keeps reports under a directory and links to them with signed,
// expiring URLs served by its Handler. Its methods are safe for concurrent
// use; several replicas may share the directory (a network file system)
// when they share the secret.
type Local struct {
	root     *os.Root
	base     *url.URL
	basePath string
	signer   linkSigner
	allow    []netip.Prefix
	proxies  []netip.Prefix
	loc      *time.Location
	now      func() time.Time
	log      *slog.Logger
}

// NewLocal opens (creating when needed) the report directory and checks
// the options. The caller closes the Local when done. Errors name the
// option at fault and never contain the secret.
func NewLocal(opt LocalOptions) (*Local, error) {
	if opt.Dir == "" {
		return nil, errors.New("archive: local: no directory (dir)")
	}
	base, err := parseBaseURL(opt.BaseURL)
	if err != nil {
		return nil, err
	}
	if len(opt.Secret) < MinSecretLen {
		return nil, fmt.Errorf("archive: local: secret has %d bytes, want at least %d (generate one with `openssl rand -hex 32`)", len(opt.Secret), MinSecretLen)
	}
	for _, p := range append(append([]netip.Prefix(nil), opt.Allow...), opt.TrustedProxies...) {
		if !p.IsValid() {
			return nil, fmt.Errorf("archive: local: network %v is not valid", p)
		}
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("archive: local: create %s: %w", opt.Dir, err)
	}
	root, err := os.OpenRoot(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("archive: local: open %s: %w", opt.Dir, err)
	}
	l := &Local{
		root:     root,
		base:     base,
		basePath: strings.TrimSuffix(base.Path, "/"),
		signer:   linkSigner{secret: []byte(opt.Secret)},
		allow:    canonical(opt.Allow),
		proxies:  canonical(opt.TrustedProxies),
		loc:      opt.Location,
		now:      opt.Now,
		log:      opt.Log,
	}
	if l.loc == nil {
		l.loc = time.UTC
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	return l, nil
}

func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("archive: local: no base URL (base_url): links need the address readers reach hubrelay at")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("archive: local: base URL %q: %w", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("archive: local: base URL %q: scheme must be http or https", s)
	case u.Host == "":
		return nil, fmt.Errorf("archive: local: base URL %q has no host", s)
	case u.User != nil:
		return nil, errors.New("archive: local: base URL must not carry a user name or password")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("archive: local: base URL %q must not have a query or fragment", s)
	}
	return u, nil
}

// canonical masks each prefix to its network address, so 10.1.2.3/8 means
// 10.0.0.0/8, and unmaps IPv4-mapped IPv6 prefixes.
func canonical(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out
}

// Close releases the directory. Links stay valid; the handler fails after
// Close.
func (l *Local) Close() error { return l.root.Close() }

// Put stores r under key (see ParseKey), replacing what was there. It
// writes a hidden temporary file (mode 0600) next to the target, syncs it,
// and renames it into place, so a reader never downloads half a report
// and a crash leaves the previous version. size is the number of bytes r
// holds; Put fails when r holds another number. A negative size takes r as
// it comes.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	project, file, err := ParseKey(key)
	if err != nil {
		return err
	}
	dir := KeyPrefix + "/" + project
	if err := l.root.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("archive: local: put %s: %w", key, err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := dir + "/." + file + ".tmp-" + hex.EncodeToString(rnd[:])
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("archive: local: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = l.root.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, contextReader{ctx, r})
	if err != nil {
		return fmt.Errorf("archive: local: put %s: write: %w", key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("archive: local: put %s: got %d bytes, want %d", key, n, size)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("archive: local: put %s: sync: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("archive: local: put %s: close: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("archive: local: put %s: %w", key, err)
	}
	if err := l.root.Rename(tmp, key); err != nil {
		return fmt.Errorf("archive: local: put %s: %w", key, err)
	}
	return nil
}

// contextReader stops a copy when the context ends.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Link returns a URL under BaseURL that downloads key through Handler until
// expires from now. It does not check that key has been put.
func (l *Local) Link(_ context.Context, key string, expires time.Duration) (string, error) {
	project, file, err := ParseKey(key)
	if err != nil {
		return "", err
	}
	if expires <= 0 {
		return "", fmt.Errorf("archive: local: link %s: expiry %v is not positive", key, expires)
	}
	exp := l.now().Add(expires).Unix()
	u := *l.base
	u.Path = l.basePath + "/" + KeyPrefix + "/" + project + "/" + file
	u.RawPath = ""
	u.RawQuery = "exp=" + strconv.FormatInt(exp, 10) + "&sig=" + l.signer.sign(key, exp)
	return u.String(), nil
}

// Verify checks a link's key, exp and sig query values as Handler does:
// ErrInvalidLink (wrapped with the reason) when anything is malformed or
// the signature does not match, ErrExpired when it matches but the expiry
// has passed. Safe for concurrent use.
func (l *Local) Verify(key, exp, sig string) error {
	_, err := l.signer.verify(key, exp, sig, l.now())
	return err
}
