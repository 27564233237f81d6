package source

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// digest is the SHA-256 of a credential. Credentials are compared by
// digest so that the comparison takes the same time whatever their
// lengths.
type digest = [sha256.Size]byte

// auth checks a request's credentials against the configured ones. It
// keeps only digests; it is immutable and safe for concurrent use.
type auth struct {
	apiKeyHeader string
	apiKey       *digest
	basicUser    *digest
	basicPass    *digest
	bearer       *digest
}

func newAuth(c HTTPConfig) auth {
	a := auth{apiKeyHeader: http.CanonicalHeaderKey(c.APIKeyHeader)}
	sum := func(s string) *digest { d := sha256.Sum256([]byte(s)); return &d }
	if c.APIKey != "" {
		a.apiKey = sum(c.APIKey)
	}
	if c.BasicUser != "" {
		a.basicUser, a.basicPass = sum(c.BasicUser), sum(c.BasicPassword)
	}
	if c.BearerToken != "" {
		a.bearer = sum(c.BearerToken)
	}
	return a
}

// open reports whether no credential is configured.
func (a *auth) open() bool { return a.apiKey == nil && a.basicUser == nil && a.bearer == nil }

// challenge is the WWW-Authenticate value of a 401 answer, or "" when no
// scheme that uses the Authorization header is configured.
func (a *auth) challenge() string {
	var c []string
	if a.basicUser != nil {
		c = append(c, `Basic realm="hubrelay", charset="UTF-8"`)
	}
	if a.bearer != nil {
		c = append(c, `Bearer realm="hubrelay"`)
	}
	return strings.Join(c, ", ")
}

// equal compares a presented credential with a configured digest in
// constant time.
func equal(presented string, want *digest) int {
	got := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(got[:], want[:])
}

// allow reports whether r presents any one of the configured credentials.
// Every configured method is checked, so the time taken does not say which
// one (or which part of one) was wrong.
func (a *auth) allow(r *http.Request) bool {
	if a.open() {
		return true
	}
	ok := 0
	if a.apiKey != nil {
		// Exactly one header value: a client sending two keys is confused.
		if v := r.Header.Values(a.apiKeyHeader); len(v) == 1 {
			ok |= equal(v[0], a.apiKey)
		}
	}
	if a.basicUser != nil {
		if user, pass, found := r.BasicAuth(); found {
			ok |= equal(user, a.basicUser) & equal(pass, a.basicPass)
		}
	}
	if a.bearer != nil {
		if token, found := bearerToken(r.Header.Get("Authorization")); found {
			ok |= equal(token, a.bearer)
		}
	}
	return ok == 1
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// value (RFC 6750 section 2.1; the scheme is case-insensitive).
func bearerToken(v string) (string, bool) {
	const scheme = "bearer "
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	token := strings.TrimLeft(v[len(scheme):], " ")
	return token, token != ""
}
