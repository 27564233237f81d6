package email

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// maxMessageIDLength bounds a Message-ID taken from a receipt; RFC 5322
// lines are at most 998 characters and real IDs are far shorter.
const maxMessageIDLength = 250

// fallbackIDDomain is the right-hand side of Message-IDs when the sender's
// domain cannot be used (RFC 2606 reserves .invalid).
const fallbackIDDomain = "hubrelay.invalid"

// idEncoding spells Message-ID hashes in lower-case base32.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newMessageID returns the Message-ID of m, "<hubrelay.HASH@domain>".
// The hash is of the message's kind and idempotency key, so every retry of
// a delivery carries the same Message-ID and a receiving system that
// drops duplicate Message-IDs shows a repeated delivery once. A message
// without a key (a test message) hashes its time and findings instead.
func newMessageID(m *notify.Message, at time.Time, domain string) string {
	var seed strings.Builder
	seed.WriteString(string(m.Kind))
	seed.WriteByte(0)
	seed.WriteString(m.Key)
	if m.Key == "" {
		seed.WriteByte(0)
		seed.WriteString(at.UTC().Format(time.RFC3339Nano))
		for _, f := range findingsOf(m) {
			seed.WriteByte(0)
			seed.WriteString(f.ID)
		}
	}
	sum := sha256.Sum256([]byte(seed.String()))
	return "<hubrelay." + idEncoding.EncodeToString(sum[:20]) + "@" + domain + ">"
}

// idDomain is the right-hand side of this destination's Message-IDs: the
// sender's domain when it is a plain ASCII domain, else fallbackIDDomain.
func idDomain(address string) string {
	_, domain, _ := strings.Cut(address, "@")
	domain = strings.ToLower(domain)
	if domain == "" || len(domain) > 200 || !isDotAtom(domain) {
		return fallbackIDDomain
	}
	return domain
}

// thread is how a message joins the conversation of an earlier delivery.
type thread struct {
	// inReplyTo and references are the RFC 5322 §3.6.4 fields; empty for
	// the first message of a thread.
	inReplyTo  string
	references []string
	// root is the Message-ID every message of the thread refers to.
	root string
}

// reply reports whether the message continues an earlier one.
func (t thread) reply() bool { return t.inReplyTo != "" }

// threadOf places a message whose own Message-ID is own after prev, the
// receipt of the earlier delivery (nil when there was none). A receipt
// records the Message-ID of the message (ID, for SMTP) and of the thread's
// first message (Thread). Amazon SES replaces every Message-ID with its
// own, so its receipts carry the SES message ID in ID and only Thread is
// a Message-ID; the thread still holds because every SES message lists
// the root in References (see Composer).
func threadOf(prev *notify.Receipt, own string) thread {
	if prev == nil {
		return thread{root: own}
	}
	parent := messageID(prev.ID)
	root := messageID(prev.Thread)
	if root == "" {
		root = parent
	}
	if root == "" {
		return thread{root: own}
	}
	t := thread{root: root, inReplyTo: root, references: []string{root}}
	if parent != "" && parent != root {
		t.inReplyTo = parent
		t.references = append(t.references, parent)
	}
	return t
}

// messageID returns s when it is a well-formed msg-id, "<left@right>" with
// dot-atom sides (RFC 5322 §3.6.4), else "".
func messageID(s string) string {
	if len(s) < 5 || len(s) > maxMessageIDLength || s[0] != '<' || s[len(s)-1] != '>' {
		return ""
	}
	left, right, ok := strings.Cut(s[1:len(s)-1], "@")
	if !ok || !isDotAtom(left) || !isDotAtom(right) {
		return ""
	}
	return s
}

// isDotAtom reports whether s is an RFC 5322 dot-atom-text: atext runs
// separated by single dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
