package pagerduty

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// MaxDedupKey is the longest dedup_key PagerDuty accepts ("The maximum
// permitted length of this property is 255 characters").
const MaxDedupKey = 255

// DedupKey returns the dedup_key of the events about one thing (a
// finding's Id, a digest's group): key itself when it is valid UTF-8 of at
// most MaxDedupKey bytes (so at most 255 characters however PagerDuty
// counts), else "sha256:" and the 64 hex digits of its SHA-256, which is
// the same for the same key every time, so that a later resolve finds the
// alert. An empty key gives "". Pure.
func DedupKey(key string) string {
	if key == "" {
		return ""
	}
	if len(key) <= MaxDedupKey && utf8.ValidString(key) && !hasControl(key) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// hasControl reports whether s holds an ASCII control character, which
// JSON would escape and a person could not type into PagerDuty's search.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// digestKey is the thing a digest's alert is about: its route and group,
// so two routes grouping by the same fields keep separate alerts.
func digestKey(route, groupKey string) string {
	return "hubrelay-digest:" + route + ":" + groupKey
}

// testKey is the thing a test event's alert is about: the test delivery,
// never a real finding's alert.
func testKey(deliveryKey string) string {
	if deliveryKey == "" {
		deliveryKey = "test"
	}
	return "hubrelay-test:" + deliveryKey
}
