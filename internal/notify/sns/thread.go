package sns

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// threadID is the thread key of m: the thread of m.Previous when there was
// an earlier delivery, else a key derived from the finding's ID (or, for a
// digest, from its route and group key), so every message about the same
// finding or group lands in the same Chatbot thread. 32 hex digits.
func threadID(m *notify.Message) string {
	if m.Previous != nil && m.Previous.Thread != "" {
		return m.Previous.Thread
	}
	if m.Digest != nil {
		return hash32("digest\x00" + m.Route + "\x00" + m.Digest.GroupKey)
	}
	if m.Notice != nil {
		// Each notice starts a thread of its own: a member alert of
		// today is not a reply to yesterday's.
		return hash32("notice\x00" + m.Route + "\x00" + m.Notice.Topic + "\x00" + m.Key)
	}
	return hash32("finding\x00" + m.Finding.ID)
}

// hash32 is the first 32 hex digits of the SHA-256 of s.
func hash32(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// hash64 is the SHA-256 of s in hex.
func hash64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
