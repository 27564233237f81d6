package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// KindNotice is the kind of a delivery made by EnqueueNotices: a message
// that is not about one finding (member-account alerts, report links).
// Such a delivery has no finding: FindingKey and FindingID are empty, Route
// is the job that produced it and Phase is the notice's topic.
const KindNotice = "notice"

// Limits of EnqueueNotices' input.
const (
	// MaxNoticeKey is the longest notice key, in bytes (PostgreSQL indexes
	// keys up to about 2.7 KB).
	MaxNoticeKey = 1000
	// MaxNoticeName is the longest job, destination or topic, in bytes.
	MaxNoticeName = 200
	// MaxNoticeBody is the largest notice body, in bytes: a notice may
	// carry an attachment (a report workbook), base64 in its JSON.
	MaxNoticeBody = 64 << 20
)

// noticeEventPrefix starts the events.finding_key of a notice's body; a
// finding key starts with a product ARN, so the two never meet.
const noticeEventPrefix = "notice:"

// NoticeDelivery is one notice to send to one destination.
type NoticeDelivery struct {
	// Key is the idempotency key, unique across all deliveries, e.g.
	// NoticeKey("members", slot, "slack-sec"). A job that runs again for
	// the same slot produces the same keys, so nothing is sent twice.
	Key string
	// Job is what produced the notice ("members", "report:system-a"); it
	// is stored as the delivery's Route, so `hubrelay deliveries list
	// --route members` lists a job's notices.
	Job string
	// Destination is the configured destination name.
	Destination string
	// Topic is notify.Notice.Topic ("members", "report"), a lower-case
	// word; it is stored as the delivery's Phase.
	Topic string
	// Body is the notify.Notice as JSON. The store keeps it as is and
	// returns it as Claimed.Event; it does not look inside.
	Body []byte
}

// NoticeKey returns the conventional idempotency key of a scheduled job's
// notice: "notice|JOB|SLOT|DESTINATION", SLOT being the run's scheduled
// time in UTC (RFC 3339), so that every replica computes the same key for
// the same run.
func NoticeKey(job string, slot time.Time, destination string) string {
	return "notice|" + job + "|" + slot.UTC().Format(time.RFC3339) + "|" + destination
}

// EnqueueNotices commits the notices in one transaction, each as a pending
// delivery of kind KindNotice due at now, its body kept in the events
// table. A key that already exists (from an earlier run, another replica,
// or earlier in ns) is skipped and not counted, so a replayed job never
// sends twice; created is the number of deliveries inserted. Invalid input
// fails the whole call with an error naming the notice and field, before
// anything is written. Safe for concurrent use, also by replicas sharing a
// PostgreSQL store.
//
// The queue claims notices like every delivery (retries, rate limits,
// attempts); completing or killing one never touches findings, tickets or
// Security Hub feedback.
func (s *Store) EnqueueNotices(ctx context.Context, ns []NoticeDelivery, now time.Time) (created int, err error) {
	if err := validateNotices(ns); err != nil {
		return 0, fmt.Errorf("store: enqueue notices: %w", err)
	}
	if len(ns) == 0 {
		return 0, nil
	}
	at := now.UnixMilli()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		created = 0
		for i := range ns {
			ok, err := s.enqueueNotice(ctx, tx, &ns[i], at)
			if err != nil {
				return fmt.Errorf("notices[%d] (key %q): %w", i, ns[i].Key, err)
			}
			if ok {
				created++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue notices: %w", err)
	}
	return created, nil
}

// enqueueNotice inserts one notice's delivery and then its body; false when
// the key exists. The delivery goes first so that a skipped key leaves no
// orphaned body behind.
func (s *Store) enqueueNotice(ctx context.Context, tx *sql.Tx, n *NoticeDelivery, at int64) (bool, error) {
	var id int64
	err := s.queryRow(ctx, tx, `INSERT INTO deliveries (key, kind, phase, route, destination, status, next_at, created_at, updated_at)
		VALUES (?, 'notice', ?, ?, ?, 'pending', ?, ?, ?)
		ON CONFLICT (key) DO NOTHING RETURNING id`,
		n.Key, n.Topic, n.Job, n.Destination, at, at, at).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("delivery: %w", err)
	}
	sum := sha256.Sum256(n.Body)
	var ev int64
	if err := s.queryRow(ctx, tx, `INSERT INTO events (finding_key, body, received_at, hash) VALUES (?, ?, ?, ?) RETURNING id`,
		noticeEventPrefix+n.Key, n.Body, at, hex.EncodeToString(sum[:])).Scan(&ev); err != nil {
		return false, fmt.Errorf("body: %w", err)
	}
	if _, err := s.exec(ctx, tx, `UPDATE deliveries SET event_id = ? WHERE id = ?`, ev, id); err != nil {
		return false, fmt.Errorf("body: %w", err)
	}
	return true, nil
}

func validateNotices(ns []NoticeDelivery) error {
	for i := range ns {
		n := &ns[i]
		if err := checkNoticeText("key", n.Key, MaxNoticeKey); err != nil {
			return fmt.Errorf("notices[%d]: %w", i, err)
		}
		for _, f := range []struct{ name, v string }{{"job", n.Job}, {"destination", n.Destination}, {"topic", n.Topic}} {
			if err := checkNoticeText(f.name, f.v, MaxNoticeName); err != nil {
				return fmt.Errorf("notices[%d] (key %q): %w", i, n.Key, err)
			}
		}
		if err := checkTopic(n.Topic); err != nil {
			return fmt.Errorf("notices[%d] (key %q): %w", i, n.Key, err)
		}
		switch {
		case len(n.Body) == 0:
			return fmt.Errorf("notices[%d] (key %q): body is empty", i, n.Key)
		case len(n.Body) > MaxNoticeBody:
			return fmt.Errorf("notices[%d] (key %q): body is %d bytes; at most %d", i, n.Key, len(n.Body), MaxNoticeBody)
		}
	}
	return nil
}

// checkNoticeText checks a notice field stored as TEXT: present, at most
// max bytes, valid UTF-8 without control characters (keys must be stored
// exactly as given, or two keys could become one).
func checkNoticeText(field, v string, max int) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty", field)
	case len(v) > max:
		return fmt.Errorf("%s is %d bytes long; at most %d", field, len(v), max)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s %q is not valid UTF-8", field, v)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s %q holds a control character", field, v)
		}
	}
	return nil
}

// checkTopic requires a stable lower-case word: a-z, 0-9, '-' and '_',
// starting with a letter.
func checkTopic(topic string) error {
	for i, r := range topic {
		letter := r >= 'a' && r <= 'z'
		if letter || (i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '_')) {
			continue
		}
		return fmt.Errorf("topic %q must be a lower-case word (a-z first, then a-z, 0-9, '-', '_')", topic)
	}
	return nil
}
