package sqstest

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// queue is one queue's state. The Server's mutex guards it.
type queue struct {
	name, url, arn string
	created        time.Time
	visibility     time.Duration
	redrive        *Redrive
	msgs           []*message // in the order sent; deleted and moved ones stay, marked
	byID           map[string]*message
	deleted        int
	staleDeletes   int
	moved          int
}

// message is one message and what happened to it.
type message struct {
	id, body, md5 string
	sent          time.Time
	visibleAt     time.Time // not before this may it be received
	firstReceive  time.Time
	receives      int
	handle        string // the receipt handle of the latest receive
	extensions    int    // visibility changes accepted
	deleted       bool
	moved         bool // moved to the dead-letter queue
}

// gone reports whether m has left the queue.
func (m *message) gone() bool { return m.deleted || m.moved }

// inFlight reports whether m has been received and is not visible at now.
func (m *message) inFlight(now time.Time) bool {
	return !m.gone() && m.receives > 0 && now.Before(m.visibleAt)
}

// newID returns a random identifier in the form of a UUID, as SQS message
// IDs are.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// md5Hex is the MD5 digest SQS returns for a body, in hex.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newHandle returns a receipt handle for receive number n of message id.
// Like SQS's, it is opaque and differs on every receive.
func newHandle(queueName, id string, n int) string {
	var salt [12]byte
	_, _ = rand.Read(salt[:])
	raw := fmt.Sprintf("%s|%s|%d|%s", queueName, id, n, hex.EncodeToString(salt[:]))
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseHandle returns the message ID a receipt handle of queue q names.
func (q *queue) parseHandle(h string) (*message, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != q.name {
		return nil, false
	}
	m := q.byID[parts[1]]
	return m, m != nil
}

// add appends a message visible after delay and returns it.
func (q *queue) add(body string, now time.Time, delay time.Duration) *message {
	m := &message{id: newID(), body: body, md5: md5Hex(body), sent: now, visibleAt: now.Add(delay)}
	q.msgs = append(q.msgs, m)
	q.byID[m.id] = m
	return m
}

// counts returns how many messages are visible, in flight and delayed
// (sent with a delay that has not passed) at now.
func (q *queue) counts(now time.Time) (visible, inFlight, delayed int) {
	for _, m := range q.msgs {
		switch {
		case m.gone():
		case !now.Before(m.visibleAt):
			visible++
		case m.receives > 0:
			inFlight++
		default:
			delayed++
		}
	}
	return visible, inFlight, delayed
}

// nextVisible returns when the earliest message not visible now becomes
// visible, or the zero time when none will.
func (q *queue) nextVisible(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.msgs {
		if m.gone() || !now.Before(m.visibleAt) {
			continue
		}
		if next.IsZero() || m.visibleAt.Before(next) {
			next = m.visibleAt
		}
	}
	return next
}
