package config

import (
	"net"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// HTTPSource receives findings over HTTP, e.g. from an EventBridge API
// destination (whose connection sends an API key, basic or OAuth
// credentials). Each credential that is set (APIKey, the BasicUser and
// BasicPassword pair, BearerToken) is accepted on its own: a request passes
// when it presents any one of them. With none set, anyone who can reach
// Listen can post (Load warns about it).
type HTTPSource struct {
	// Listen is the address to listen on; default ":8080".
	Listen string
	// Path is the URL path events are posted to; default "/events".
	Path string
	// APIKey, when set, must be presented in the APIKeyHeader header (a
	// secret).
	APIKey string
	// APIKeyHeader is the header that carries APIKey, as written (header
	// names are case-insensitive); default "x-api-key". It is a valid HTTP
	// header name.
	APIKeyHeader string
	// BasicUser and BasicPassword, when set (always together), must be
	// presented as HTTP basic authentication; BasicPassword is a secret.
	BasicUser     string
	BasicPassword string
	// BearerToken, when set, must be presented as "Authorization: Bearer
	// TOKEN" (a secret).
	BearerToken string
	// Pos is where http: is written.
	Pos Position
}

// Defaults of the HTTP source.
const (
	DefaultHTTPListen       = ":8080"
	DefaultHTTPPath         = "/events"
	DefaultHTTPAPIKeyHeader = "x-api-key"
)

var httpSourceKeys = []string{"listen", "path", "api_key", "api_key_header", "basic_auth", "bearer_token"}

// decodeHTTPSource reads sources.http; key is the http key. It returns nil
// when the value is not a mapping.
func (l *loader) decodeHTTPSource(key, n ast.Node) *HTTPSource {
	const path = "sources.http"
	h, ok := l.object(n, path, httpSourceKeys...)
	if !ok {
		return nil
	}
	hs := &HTTPSource{Listen: DefaultHTTPListen, Path: DefaultHTTPPath, APIKeyHeader: DefaultHTTPAPIKeyHeader, Pos: l.pos(key)}
	if h.has("listen") {
		if s, ok := l.stringValue(h.value("listen"), path+".listen"); ok {
			if _, _, err := net.SplitHostPort(s); err != nil {
				l.errorf(h.value("listen"), "%s.listen: want host:port or :port, as in :8080", path)
			} else {
				hs.Listen = s
			}
		}
	}
	if h.has("path") {
		if s, ok := l.stringValue(h.value("path"), path+".path"); ok {
			if !strings.HasPrefix(s, "/") {
				l.errorf(h.value("path"), "%s.path: must start with /", path)
			} else {
				hs.Path = s
			}
		}
	}
	l.decodeHTTPAuth(hs, h, path)
	return hs
}

// decodeHTTPAuth reads the credentials of the HTTP source. Their values are
// secrets: they are recorded as such and never written into a message.
func (l *loader) decodeHTTPAuth(hs *HTTPSource, h *object, path string) {
	if h.has("api_key") {
		hs.APIKey = l.secretString(h, "api_key", path)
	}
	if h.has("api_key_header") {
		n := h.value("api_key_header")
		if s, ok := l.stringValue(n, path+".api_key_header"); ok {
			if validHeaderName(s) {
				hs.APIKeyHeader = s
			} else {
				l.errorf(n, "%s.api_key_header: %q is not an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~)", path, s)
			}
		}
		if !h.has("api_key") {
			l.warnf(n, "%s.api_key_header: has no effect without api_key", path)
		}
	}
	if h.has("basic_auth") {
		l.decodeBasicAuth(hs, h.value("basic_auth"), path+".basic_auth")
	}
	if h.has("bearer_token") {
		n := h.value("bearer_token")
		if s := l.secretString(h, "bearer_token", path); s != "" {
			if validBearerToken(s) {
				hs.BearerToken = s
			} else {
				l.errorf(n, "%s.bearer_token: must be printable ASCII without spaces", path)
			}
		}
	}
	if !h.has("api_key") && !h.has("basic_auth") && !h.has("bearer_token") {
		l.warnAt(hs.Pos, "sources.http: no api_key: anyone who can reach %s can post findings", hs.Path)
	}
}

// decodeBasicAuth reads basic_auth: {username, password}; both are required.
func (l *loader) decodeBasicAuth(hs *HTTPSource, n ast.Node, path string) {
	o, ok := l.object(n, path, "username", "password")
	if !ok {
		return
	}
	user, userOK := l.requiredString(o, "username", path)
	if userOK && !validBasicUser(user) {
		l.errorf(o.value("username"), "%s.username: must not contain ':' or control characters", path)
		userOK = false
	}
	var password string
	if o.has("password") {
		password = l.secretString(o, "password", path)
	} else {
		l.missing(o, "password", path)
	}
	if userOK && password != "" {
		hs.BasicUser, hs.BasicPassword = user, password
	}
}

// secretString reads the string at key, which must not be empty, and
// records its value as a secret. It returns "" after reporting a problem.
// Messages name the key, never the value.
func (l *loader) secretString(o *object, key, path string) string {
	n := o.value(key)
	s, ok := l.stringValue(n, path+"."+key)
	if !ok {
		return ""
	}
	if s == "" {
		l.errorf(n, "%s.%s: must not be empty (leave %s out if it is not wanted)", path, key, key)
		return ""
	}
	addSecret(&l.keySecrets, s)
	return s
}

// validHeaderName reports whether s is an HTTP field name: one or more
// token characters (RFC 9110, section 5.1).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validBearerToken reports whether s can follow "Bearer " in an Authorization
// header: visible ASCII without spaces.
func validBearerToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return s != ""
}

// validBasicUser reports whether s can be a basic authentication user-id
// (RFC 7617: no colon, no control characters).
func validBasicUser(s string) bool {
	for _, r := range s {
		if r == ':' || r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
