package archive

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors Verify returns, wrapped with the reason. The handler answers
// ErrInvalidLink with 403 Forbidden and ErrExpired with 410 Gone.
var (
	// ErrInvalidLink: the key, the expiry or the signature of a link is
	// malformed, or the signature does not match.
	ErrInvalidLink = errors.New("archive: link is not valid")
	// ErrExpired: the link was signed by this archive, but its expiry time
	// has passed.
	ErrExpired = errors.New("archive: link expired")
)

// signContext separates these signatures from any other use of the same
// secret; the version lets a later format coexist with this one.
const signContext = "hubrelay report link v1\n"

// sigLen is the length of a base64url (unpadded) HMAC-SHA256.
var sigLen = base64.RawURLEncoding.EncodedLen(sha256.Size)

// linkSigner signs and checks (key, expiry) pairs with one secret.
type linkSigner struct{ secret []byte }

// sign returns the base64url HMAC-SHA256 of the key and the expiry (Unix
// seconds, canonical decimal).
func (s linkSigner) sign(key string, exp int64) string {
	return base64.RawURLEncoding.EncodeToString(s.mac(key, strconv.FormatInt(exp, 10)))
}

func (s linkSigner) mac(key, exp string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(signContext))
	m.Write([]byte(key))
	m.Write([]byte{'\n'})
	m.Write([]byte(exp))
	return m.Sum(nil)
}

// verify checks a link's key, expiry and signature, in that order, and only
// then the time: a link whose expiry was tampered with is invalid, not
// expired. It returns the expiry time on success and on ErrExpired.
func (s linkSigner) verify(key, exp, sig string, now time.Time) (time.Time, error) {
	if _, _, err := ParseKey(key); err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrInvalidLink, err)
	}
	unix, err := parseExpiry(exp)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrInvalidLink, err)
	}
	if len(sig) != sigLen {
		return time.Time{}, fmt.Errorf("%w: signature has %d characters, want %d", ErrInvalidLink, len(sig), sigLen)
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: signature is not base64url", ErrInvalidLink)
	}
	if !hmac.Equal(got, s.mac(key, exp)) {
		return time.Time{}, fmt.Errorf("%w: signature does not match", ErrInvalidLink)
	}
	at := time.Unix(unix, 0)
	if !now.Before(at) {
		return at, fmt.Errorf("%w at %s", ErrExpired, at.UTC().Format(time.RFC3339))
	}
	return at, nil
}

// parseExpiry accepts only the canonical decimal form of a positive Unix
// time (no sign, no leading zero), so that one expiry has one spelling.
func parseExpiry(exp string) (int64, error) {
	if exp == "" {
		return 0, errors.New("no expiry (exp)")
	}
	if len(exp) > 12 {
		return 0, fmt.Errorf("expiry has %d characters, a Unix time has at most 12", len(exp))
	}
	for i := 0; i < len(exp); i++ {
		if exp[i] < '0' || exp[i] > '9' {
			return 0, fmt.Errorf("expiry %q is not a Unix time", exp)
		}
	}
	if exp[0] == '0' {
		return 0, fmt.Errorf("expiry %q is not a Unix time", exp)
	}
	return strconv.ParseInt(exp, 10, 64)
}
