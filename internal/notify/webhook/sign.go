package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers this destination adds to every request.
const (
	// HeaderIdempotencyKey carries Message.Key, the same on every retry of
	// a delivery, so a receiver can drop a repeat.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderKind carries Message.Kind: new, reminder, reopened, resolved or
	// test.
	HeaderKind = "X-Hubrelay-Kind"
	// HeaderTimestamp carries the Unix time (seconds) the request was
	// signed at; only with a signing secret.
	HeaderTimestamp = "X-Hubrelay-Timestamp"
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256 of
	// "<timestamp>.<body>" under the signing secret; only with a signing
	// secret.
	HeaderSignature = "X-Hubrelay-Signature"
)

// signaturePrefix names the scheme in HeaderSignature.
const signaturePrefix = "sha256="

// DefaultTolerance is how far a request's timestamp may be from the
// receiver's clock for Verify, as Stripe and Slack allow.
const DefaultTolerance = 5 * time.Minute

// Sign returns the HeaderSignature value of a request: "sha256=" and the
// lower-case hex HMAC-SHA256, keyed with secret, of the timestamp in
// decimal, a ".", and the body exactly as sent:
//
//	X-Hubrelay-Timestamp: 1767323045
//	X-Hubrelay-Signature: sha256=hex(HMAC-SHA256(secret, "1767323045." + body))
//
// Signing the timestamp with the body lets a receiver refuse a replayed
// request (see Verify). Pure and safe for concurrent use.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signed request as a receiver should: the timestamp
// header is a Unix time within tolerance of now (DefaultTolerance when
// tolerance is zero), and the signature header equals Sign(secret,
// timestamp, body), compared in constant time. It is exported for
// receivers written in Go and for tests. Pure.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts := header.Get(HeaderTimestamp)
	timestamp, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: verify: %s %q is not a Unix time", HeaderTimestamp, ts)
	}
	if skew := now.Sub(time.Unix(timestamp, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("webhook: verify: timestamp is %s away from now, more than %s", skew.Round(time.Second), tolerance)
	}
	got := header.Get(HeaderSignature)
	if !strings.HasPrefix(got, signaturePrefix) {
		return errors.New("webhook: verify: " + HeaderSignature + " does not start with sha256=")
	}
	if !hmac.Equal([]byte(got), []byte(Sign(secret, timestamp, body))) {
		return errors.New("webhook: verify: signature does not match")
	}
	return nil
}
