package archive

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Handler returns the http.Handler that serves signed links. Mount it so
// that it sees the path of BaseURL: at "/reports/" when BaseURL has no
// path, or behind a proxy that keeps or strips BaseURL's path (both forms
// are accepted).
//
// For each GET or HEAD request it checks, in order: the client's network
// (403), the link's signature over key and expiry (403), the expiry (410
// Gone), the file (404). It then serves the file as an attachment with
// its MIME type and an RFC 5987 file name, with Range and conditional
// requests. Nothing else is served: no directory listing, no hidden or
// temporary file, no path outside the directory. Error pages are short
// Japanese and English text and contain no signature.
func (l *Local) Handler() http.Handler { return http.HandlerFunc(l.serve) }

func (l *Local) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		l.page(w, r, http.StatusMethodNotAllowed, pageMethod, nil)
		return
	}
	client, err := l.clientAddr(r)
	if len(l.allow) > 0 && (err != nil || !contains(l.allow, client)) {
		reason := "network not allowed"
		if err != nil {
			reason = err.Error()
		}
		l.log.Warn("report download refused", slog.String("reason", reason), slog.String("remote", r.RemoteAddr), slog.String("client", addrString(client)))
		l.page(w, r, http.StatusForbidden, pageNetwork, nil)
		return
	}
	key, ok := l.keyOf(r.URL.Path)
	if !ok {
		l.page(w, r, http.StatusNotFound, pageNotFound, nil)
		return
	}
	q := r.URL.Query()
	exp, err := l.signer.verify(key, q.Get("exp"), q.Get("sig"), l.now())
	switch {
	case errors.Is(err, ErrExpired):
		l.log.Info("report download refused", slog.String("key", key), slog.String("reason", "link expired"), slog.String("client", addrString(client)))
		l.page(w, r, http.StatusGone, pageExpired, &exp)
		return
	case err != nil:
		l.log.Warn("report download refused", slog.String("key", key), slog.String("reason", err.Error()), slog.String("client", addrString(client)))
		l.page(w, r, http.StatusForbidden, pageInvalid, nil)
		return
	}
	f, err := l.root.Open(key)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.log.Error("report download failed", slog.String("key", key), slog.String("error", err.Error()))
		}
		l.page(w, r, http.StatusNotFound, pageNotFound, nil)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		l.page(w, r, http.StatusNotFound, pageNotFound, nil)
		return
	}
	h.Set("Content-Type", ContentType(key))
	h.Set("Content-Disposition", ContentDisposition(DownloadName(key)))
	l.log.Info("report download", slog.String("key", key), slog.String("client", addrString(client)), slog.String("method", r.Method))
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// keyOf returns the archive key of a request path: the part from
// "reports/" on, after BaseURL's path when the request still carries it.
func (l *Local) keyOf(p string) (string, bool) {
	if l.basePath != "" {
		if rest, ok := strings.CutPrefix(p, l.basePath); ok && strings.HasPrefix(rest, "/"+KeyPrefix+"/") {
			p = rest
		}
	}
	key, ok := strings.CutPrefix(p, "/")
	if !ok {
		return "", false
	}
	if _, _, err := ParseKey(key); err != nil {
		return "", false
	}
	return key, true
}

// clientAddr returns the address Allow is checked against: the TCP peer,
// or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one.
func (l *Local) clientAddr(r *http.Request) (netip.Addr, error) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	var addr netip.Addr
	if err == nil {
		addr = peer.Addr()
	} else if addr, err = netip.ParseAddr(r.RemoteAddr); err != nil {
		return netip.Addr{}, fmt.Errorf("remote address %q is not an IP address", r.RemoteAddr)
	}
	addr = addr.Unmap().WithZone("")
	if !contains(l.proxies, addr) {
		return addr, nil
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, err
		}
		addr = hop
		if !contains(l.proxies, hop) {
			break
		}
	}
	return addr, nil
}

// parseHop reads one X-Forwarded-For entry: an address, with or without a
// port, IPv6 optionally in brackets.
func parseHop(s string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), nil
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		if len(s) > 64 {
			s = s[:64] + "…"
		}
		return netip.Addr{}, fmt.Errorf("X-Forwarded-For entry %q is not an IP address", s)
	}
	return a.Unmap().WithZone(""), nil
}

func contains(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// page kinds.
const (
	pageNetwork = iota
	pageInvalid
	pageExpired
	pageNotFound
	pageMethod
)

// pageText is the Japanese and English text of each error page.
var pageText = map[int]struct{ Title, JA, EN string }{
	pageNetwork: {
		"アクセスできません / Access denied",
		"このネットワークからはレポートをダウンロードできません。社内ネットワーク (または VPN) に接続してから、もう一度リンクを開いてください。",
		"Reports cannot be downloaded from this network. Connect to the company network (or VPN) and open the link again.",
	},
	pageInvalid: {
		"リンクが正しくありません / Invalid link",
		"このリンクは正しくありません。メールまたはチャットに届いたリンクを、途中で切れたり書き換えたりせずにそのまま開いてください。",
		"This link is not valid. Open the link exactly as it arrived in the mail or chat message, without cutting or changing it.",
	},
	pageExpired: {
		"リンクの有効期限切れ / Link expired",
		"このリンクは %s に有効期限が切れました。最新のレポートのリンクを開くか、管理者に再送を依頼してください。",
		"This link expired at %s. Open the link of the latest report, or ask your administrator to send it again.",
	},
	pageNotFound: {
		"レポートが見つかりません / Report not found",
		"レポートが見つかりません。保存期間を過ぎて削除された可能性があります。",
		"The report was not found. It may have been deleted after its retention period.",
	},
	pageMethod: {
		"許可されていない操作 / Method not allowed",
		"レポートはダウンロード (GET) のみできます。",
		"Reports can only be downloaded (GET).",
	},
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.6;color:#222}h1{font-size:1.3em}p.en{color:#555}</style>
</head><body>
<h1>{{.Title}}</h1>
<p lang="ja">{{.JA}}</p>
<p class="en" lang="en">{{.EN}}</p>
<p class="en">HTTP {{.Status}}</p>
</body></html>
`))

// page writes one of the error pages with the status; expired pages show
// the expiry time (authenticated by the signature) in l's time zone.
func (l *Local) page(w http.ResponseWriter, r *http.Request, status, kind int, exp *time.Time) {
	t := pageText[kind]
	ja, en := t.JA, t.EN
	if exp != nil {
		at := exp.In(l.loc)
		ja = fmt.Sprintf(ja, at.Format("2006/01/02 15:04 MST"))
		en = fmt.Sprintf(en, at.Format("2006-01-02 15:04 MST"))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_ = pageTemplate.Execute(w, struct {
		Title, JA, EN string
		Status        int
	}{t.Title, ja, en, status})
}
