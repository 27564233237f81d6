package config

import (
	"net"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Sources says where findings come from. A nil field means that source is
// off.
type Sources struct {
	HTTP *HTTPSource
}

// HTTPSource receives findings over HTTP, e.g. from an EventBridge API
// destination.
type HTTPSource struct {
	// Listen is the address to listen on; default ":8080".
	Listen string
	// Path is the URL path events are posted to; default "/events".
	Path string
	// APIKey, when set, must be presented by every request (a secret).
	APIKey string
	Pos    Position
}

// SecurityHub configures the Security Hub API hubrelay calls back.
type SecurityHub struct {
	// Region is the home (aggregation) region; empty means the AWS SDK's
	// default region.
	Region string
	// MarkNotified sets Workflow NOTIFIED on a finding once the deliveries
	// its routes asked for have succeeded.
	MarkNotified bool
}

// Defaults of the HTTP source.
const (
	DefaultHTTPListen = ":8080"
	DefaultHTTPPath   = "/events"
)

func (l *loader) decodeSources(n ast.Node) Sources {
	var src Sources
	o, ok := l.object(n, "sources", "http")
	if !ok || o.keys["http"] == nil {
		return src
	}
	h, ok := l.object(o.value("http"), "sources.http", "listen", "path", "api_key")
	if !ok {
		return src
	}
	hs := &HTTPSource{Listen: DefaultHTTPListen, Path: DefaultHTTPPath, Pos: l.pos(o.key("http"))}
	if h.has("listen") {
		if s, ok := l.stringValue(h.value("listen"), "sources.http.listen"); ok {
			if _, _, err := net.SplitHostPort(s); err != nil {
				l.errorf(h.value("listen"), "sources.http.listen: want host:port or :port, as in :8080")
			} else {
				hs.Listen = s
			}
		}
	}
	if h.has("path") {
		if s, ok := l.stringValue(h.value("path"), "sources.http.path"); ok {
			if !strings.HasPrefix(s, "/") {
				l.errorf(h.value("path"), "sources.http.path: must start with /")
			} else {
				hs.Path = s
			}
		}
	}
	if h.has("api_key") {
		if s, ok := l.stringValue(h.value("api_key"), "sources.http.api_key"); ok {
			hs.APIKey = s
		}
	} else {
		l.warnAt(hs.Pos, "sources.http: no api_key: anyone who can reach %s can post findings", hs.Path)
	}
	src.HTTP = hs
	return src
}

// validRegion reports whether s has the shape of an AWS region name
// (us-east-1, ap-northeast-1, us-gov-west-1, eu-isoe-west-1): two letters,
// one or more lower-case words, a number, joined by '-'.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for i, part := range parts {
		if part == "" {
			return false
		}
		for _, r := range part {
			digit := r >= '0' && r <= '9'
			lower := r >= 'a' && r <= 'z'
			if (i == len(parts)-1 && !digit) || (i < len(parts)-1 && !lower) {
				return false
			}
		}
	}
	return true
}

func (l *loader) decodeSecurityHub(n ast.Node) SecurityHub {
	var sh SecurityHub
	o, ok := l.object(n, "securityhub", "region", "mark_notified")
	if !ok {
		return sh
	}
	if o.has("region") {
		if s, ok := l.stringValue(o.value("region"), "securityhub.region"); ok {
			if validRegion(s) {
				sh.Region = s
			} else {
				l.errorf(o.value("region"), "securityhub.region: %q is not an AWS region name such as ap-northeast-1", s)
			}
		}
	}
	if o.has("mark_notified") {
		sh.MarkNotified, _ = l.boolValue(o.value("mark_notified"), "securityhub.mark_notified")
	}
	return sh
}
