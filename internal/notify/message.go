package notify

import (
	"errors"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Kind says why a message is sent. It is stored with each delivery, so its
// values are stable lower-case strings.
type Kind string

// The reasons a destination hears of a finding.
const (
	// KindNew is the first notification of a finding's episode.
	KindNew Kind = "new"
	// KindReminder repeats a notification a route asked to be reminded of.
	KindReminder Kind = "reminder"
	// KindReopened announces that a resolved finding failed again: a new
	// episode. Ticket destinations reopen Previous instead of opening a
	// second ticket.
	KindReopened Kind = "reopened"
	// KindResolved announces that the finding was resolved (Compliance
	// PASSED, RecordState ARCHIVED or Workflow RESOLVED/SUPPRESSED).
	KindResolved Kind = "resolved"
	// KindTest is a message sent by hand to check a destination's settings.
	KindTest Kind = "test"
	// KindNotice is a Notice: a message that is not about one finding
	// (member accounts changed, a report is ready).
	KindNotice Kind = "notice"
)

// Valid reports whether k is one of the Kind constants.
func (k Kind) Valid() bool {
	switch k {
	case KindNew, KindReminder, KindReopened, KindResolved, KindTest, KindNotice:
		return true
	}
	return false
}

// Message is one delivery: a single finding, a digest of several, or a
// Notice, for one route (or scheduled job) and one destination. Exactly one
// of Finding, Digest and Notice is set; Notice goes with KindNotice and
// KindNotice with Notice.
//
// The queue builds a Message per delivery attempt and hands it to
// Notifier.Notify, which must treat it as read-only.
type Message struct {
	// Kind says why the message is sent.
	Kind Kind
	// Route is the name of the route that matched; empty for KindTest.
	Route string
	// Destination is the configured name of the destination.
	Destination string
	// Key is the delivery's idempotency key (finding ID + route +
	// destination + episode, or the digest's group key and window). It is
	// the same on every retry; destinations that support idempotency
	// (PagerDuty dedup keys, webhook headers) send it.
	Key string

	// Finding is the finding of a single-finding message.
	Finding *finding.Finding
	// Event is the EventBridge event the finding arrived in, for input
	// transformers; nil when the finding came from GetFindings or a file.
	Event []byte

	// Digest is set instead of Finding for a group of findings.
	Digest *Digest

	// Notice is set instead of Finding and Digest for a message that is
	// not about one finding. Only destinations registered with
	// TakesNotices receive one; Registry-built Notifiers refuse it for the
	// others with a permanent error.
	Notice *Notice

	// Previous is the receipt of this finding's (or group's) earlier
	// delivery to this destination, nil when there was none: Slack replies
	// in its thread, ticket systems comment on or reopen it.
	Previous *Receipt

	// Attempt is 1 for the first attempt of a delivery; greater when the
	// delivery was tried before (possibly by a process that died after the
	// destination accepted it). Ticket destinations look for an existing
	// ticket (or comment) by marker (see Marker) before creating when
	// Attempt > 1. 0 means unknown and is treated like 1; negative values
	// are invalid.
	Attempt int
}

// Digest is a group of findings delivered as one message.
type Digest struct {
	// GroupKey identifies the group (the values of the route's group.by).
	GroupKey string
	// Findings are the findings included in the message, at most Total.
	Findings []*finding.Finding
	// Total is how many findings the group held; it exceeds len(Findings)
	// when the digest was truncated.
	Total int
}

// Validate reports what is wrong with m, naming the field. Registry-built
// Notifiers call it before every delivery, so destinations may rely on a
// valid message. Safe for concurrent use.
func (m *Message) Validate() error {
	if m == nil {
		return errors.New("message: nil")
	}
	if !m.Kind.Valid() {
		return fmt.Errorf("message: kind %q is not one of new, reminder, reopened, resolved, test, notice", m.Kind)
	}
	if (m.Kind == KindNotice) != (m.Notice != nil) {
		return errors.New("message: kind notice goes with a notice, and a notice with kind notice")
	}
	if m.Notice != nil {
		if m.Finding != nil || m.Digest != nil {
			return errors.New("message: a notice is set together with a finding or digest; exactly one must be")
		}
		return m.Notice.validate()
	}
	if m.Attempt < 0 {
		return fmt.Errorf("message: attempt %d is negative; it counts from 1 (0: unknown)", m.Attempt)
	}
	switch {
	case m.Finding != nil && m.Digest != nil:
		return errors.New("message: both finding and digest are set; exactly one must be")
	case m.Finding == nil && m.Digest == nil:
		return errors.New("message: neither finding nor digest is set; exactly one must be")
	case m.Finding != nil:
		if m.Finding.ID == "" {
			return errors.New("message: finding.id is empty")
		}
	default:
		return m.Digest.validate()
	}
	return nil
}

func (d *Digest) validate() error {
	if len(d.Findings) == 0 {
		return errors.New("message: digest.findings is empty")
	}
	for i, f := range d.Findings {
		if f == nil {
			return fmt.Errorf("message: digest.findings[%d] is nil", i)
		}
		if f.ID == "" {
			return fmt.Errorf("message: digest.findings[%d].id is empty", i)
		}
	}
	if d.Total < len(d.Findings) {
		return fmt.Errorf("message: digest.total %d is less than the %d findings included", d.Total, len(d.Findings))
	}
	return nil
}
