package store

import (
	"errors"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// ErrNotFound is returned (wrapped) when a delivery or feedback row does not
// exist.
var ErrNotFound = errors.New("store: not found")

// ErrLeaseLost is returned (wrapped) by Complete, Retry, Kill and the
// feedback equivalents when the row is no longer leased by the caller: the
// lease expired and another worker claimed it, or an operator changed it.
// The caller must drop its result; the other owner settles the row.
var ErrLeaseLost = errors.New("store: lease lost")

// ErrStatus is returned (wrapped) by the operator calls (Requeue, Drop) when
// the delivery's status does not allow the change.
var ErrStatus = errors.New("store: delivery status does not allow this")

// Status is a delivery's place in its life cycle.
type Status string

// The delivery statuses. Delivered, dead and dropped are final until an
// operator calls Requeue; rows are never deleted.
const (
	StatusPending   Status = "pending"   // waiting for its next_at, then claimable
	StatusGrouped   Status = "grouped"   // a digest member waiting for its group to flush
	StatusDigested  Status = "digested"  // a digest member whose digest delivery is in flight
	StatusSending   Status = "sending"   // leased by a worker
	StatusDelivered Status = "delivered" // done; carries the destination's receipt
	StatusDead      Status = "dead"      // gave up; visible for an operator to requeue
	StatusDropped   Status = "dropped"   // an operator dropped it
)

// Statuses lists every Status, in life-cycle order. Callers use it to
// validate operator input and to label gauges.
func Statuses() []Status {
	return []Status{StatusPending, StatusGrouped, StatusDigested, StatusSending, StatusDelivered, StatusDead, StatusDropped}
}

// Delivery kinds.
const (
	KindNew      = "new"      // first notice of a finding in an episode
	KindReopened = "reopened" // first notice in a later episode where the destination holds an earlier ticket
	KindResolved = "resolved" // the finding a destination was told about was resolved
	KindReminder = "reminder" // a route's repeat_interval elapsed while the finding stayed open
	KindDigest   = "digest"   // one message for a flushed group of findings
)

// Delivery phases: the last part of a delivery's idempotency key.
const (
	PhaseOpen     = "open"
	PhaseResolved = "resolved"
	PhaseDigest   = "digest"
	// PhaseActionPrefix starts the phase of a delivery asked for by a
	// Security Hub custom action: "action-" and the first 16 hex digits of
	// the event's SHA-256, so each action event is delivered once however
	// often EventBridge sends it, and each new click is delivered again.
	PhaseActionPrefix = "action-"
)

// Receipt is what a destination returned for a delivered message: a ticket
// key, a message timestamp, a thread. Any field may be empty.
type Receipt struct {
	ID, URL, Channel, Thread string
}

// IsZero reports whether r carries nothing.
func (r Receipt) IsZero() bool { return r == Receipt{} }

// Delivery is one row of the outbox: a message owed to one destination.
type Delivery struct {
	ID                 int64
	Key                string // the idempotency key (DeliveryKey, or digest|route|destination|group|seq)
	Kind               string // KindNew, KindReopened, KindResolved, KindReminder, KindDigest, KindNotice
	Phase              string // PhaseOpen, PhaseResolved, "reminder-N", PhaseDigest; a notice's topic
	FindingKey         string // empty for a digest and a notice
	FindingID          string // empty for a digest and a notice
	Route, Destination string
	GroupKey           string // digest group; set on digests and their members
	Episode            int
	DigestID           int64 // a member's digest row; 0 when none
	Status             Status
	Attempts           int
	NextAt             time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	DeliveredAt        time.Time // zero until delivered
	LastError          string    // at most 2 KB
	Receipt            Receipt
}

// Claimed is a delivery leased to a worker by Claim, with what the worker
// needs to render and send it.
type Claimed struct {
	Delivery
	// Event is the EventBridge event (JSON) the delivery was created from;
	// for a notice (KindNotice) the body EnqueueNotices was given; nil for
	// a digest.
	Event []byte
	// Previous is the receipt this destination returned earlier: for a
	// single finding the finding's ticket at this destination (from any
	// episode), for a digest the receipt of this group's last delivered
	// digest. Nil when there is none.
	Previous *Receipt
	// Members are a digest's findings, ordered by severity (normalized,
	// highest first) then by creation. At most the group's Max members carry
	// Event; the rest carry only DeliveryID, FindingID and Severity.
	Members []Member
	// Total is the number of members of a digest.
	Total int
}

// Member is one finding of a digest.
type Member struct {
	DeliveryID int64
	FindingID  string
	Severity   string // the severity label
	Event      []byte // nil beyond the group's Max
}

// Observation is one finding as a source received it, with the router's
// decisions. Ingest applies observations in order.
type Observation struct {
	Finding      *finding.Finding
	Event        []byte // the EventBridge event (JSON) the finding was routed in
	Source       string // "http", "file", "sqs", "poll" …
	ReceivedAt   time.Time
	Deliveries   []Planned       // from the router; empty when suppressed or unmatched
	SuppressedBy string          // suppression name or ""
	SendResolved map[string]bool // routes whose destinations are told of resolution (route option send_resolved)
	MarkNotified bool            // feedback wanted: Workflow NOTIFIED once this episode's deliveries succeeded
}

// Planned is one delivery the router asks for.
type Planned struct {
	Route, Destination string
	GroupKey           string       // digest group; meaningful only when Group is set
	Group              *GroupTiming // nil = deliver on its own
}

// GroupTiming is a route's digest timing, with Alertmanager's meaning: the
// first member waits Wait before its group flushes, later flushes are at
// least Interval apart, and a digest carries at most Max full events
// (Max <= 0: all of them).
type GroupTiming struct {
	Wait, Interval time.Duration
	Max            int
}

// Transition is what an observation did to its finding's episode state.
type Transition string

// The transitions Ingest reports.
const (
	TransitionStale     Transition = "stale"     // older than the stored version; ignored
	TransitionOpened    Transition = "opened"    // closed or never seen → open: a new episode
	TransitionResolved  Transition = "resolved"  // open → closed
	TransitionUnchanged Transition = "unchanged" // no change of state
)

// IngestResult reports what Ingest did with one observation, in input order.
type IngestResult struct {
	FindingKey string
	Episode    int
	Transition Transition
	Created    int // deliveries newly created
	Duplicates int // planned deliveries that already existed (same idempotency key)
}

// Finding states recorded in transition rows.
const (
	StateUnseen = "unseen"
	StateOpen   = "open"
	StateClosed = "closed"
)

// TransitionRecord is one recorded change of a finding's state.
type TransitionRecord struct {
	ID         int64 // the row's id: increasing in the order rows were written
	FindingKey string
	Episode    int
	From, To   string // StateUnseen, StateOpen, StateClosed
	At         time.Time
	Source     string
	Kind       Change // what the change was (see Change)
	Account    string // the finding's AWS account ID
	Severity   string // the finding's severity label at the time of the change
	Workflow   string // the finding's workflow status at the time ('' in rows recorded before migration 0007)
}

// Attempt is one recorded attempt of a delivery.
type Attempt struct {
	DeliveryID int64
	Attempt    int
	At         time.Time
	Outcome    string // "delivered", "retry", "dead"
	Error      string
}

// Feedback is a finding whose episode's deliveries all succeeded, to be
// marked NOTIFIED in Security Hub.
type Feedback struct {
	ID         int64
	FindingKey string
	FindingID  string // ASFF Id; OCSF metadata.uid
	ProductARN string // ASFF ProductArn; OCSF metadata.product.uid
	// Format is the schema the finding last arrived in: ASFF findings are
	// updated with BatchUpdateFindings, OCSF ones with
	// BatchUpdateFindingsV2.
	Format   finding.Format
	Episode  int
	Attempts int
	Notes    []Note // receipts of the episode's delivered deliveries
}

// Note is the receipt one destination returned for a delivery of a
// feedback's episode.
type Note struct {
	Destination string // the configured destination name
	Receipt
}

// Filter selects deliveries for the operator listing. Zero fields match
// everything.
type Filter struct {
	Status      []Status
	Destination string
	Route       string
	FindingID   string
	Limit       int   // default 50, at most 1000
	AfterID     int64 // keyset pagination: only ids below this one
}
