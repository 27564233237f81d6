package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// markerPrefix starts every delivery marker.
const markerPrefix = "hubrelay-"

// markerHexDigits is how many hex digits of SHA-256(key) a marker carries:
// 64 bits, so two deliveries' markers collide with negligible probability.
const markerHexDigits = 16

// markerPattern finds markers in text: the prefix, then exactly
// markerHexDigits lower-case hex digits, standing as a word of their own
// (no letter, digit or "_" right before or right after).
var markerPattern = regexp.MustCompile(`\b` + markerPrefix + `[0-9a-f]{16}\b`)

// Marker returns the delivery marker of the idempotency key key (Message.Key):
// "hubrelay-" followed by the first 16 hex digits of SHA-256(key), e.g.
// "hubrelay-0123456789abcdef". It is "" for an empty key: a message without
// a key has no marker.
//
// Ticket destinations (Backlog, Jira, GitHub) write the marker into what
// they create (a line of the issue text, a label, a hidden comment) and,
// on a retry (Message.Attempt > 1), look for it before creating again, so
// a delivery whose answer was lost creates no second ticket. The marker
// holds only ASCII letters, digits and one hyphen: it is safe in ticket
// text, as a Jira label and as a search keyword, and reveals nothing of the
// key. Pure; safe for concurrent use.
func Marker(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return markerPrefix + hex.EncodeToString(sum[:])[:markerHexDigits]
}

// Markers returns the delivery markers (see Marker) that text carries, in
// order of appearance, each once. A marker counts only as a word of its
// own, so "hubrelay-0123456789abcdef0" (one hex digit too many) is none.
// Destinations and test servers call it to read tickets back; pure and safe
// for concurrent use.
func Markers(text string) []string {
	found := markerPattern.FindAllString(text, -1)
	out := found[:0]
	seen := make(map[string]bool, len(found))
	for _, m := range found {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// HasMarker reports whether text carries marker as a word of its own (see
// Markers). An empty marker is never carried. Pure; safe for concurrent
// use.
func HasMarker(text, marker string) bool {
	if marker == "" {
		return false
	}
	for _, m := range markerPattern.FindAllString(text, -1) {
		if m == marker {
			return true
		}
	}
	return false
}
