package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Attempt outcomes recorded in delivery_attempts.
const (
	OutcomeDelivered = "delivered"
	OutcomeRetry     = "retry"
	OutcomeDead      = "dead"
)

// settled is what settle read back from the delivery it changed.
type settled struct {
	id          int64
	kind        string
	findingKey  string
	destination string
	episode     int
	attempts    int
}

// settle moves a delivery leased by owner out of sending with the given
// SET clause (args first, then the row's id and owner) and records the
// attempt. It returns ErrNotFound or ErrLeaseLost (wrapped) when the row is
// missing or not leased by owner.
func (s *Store) settle(ctx context.Context, tx *sql.Tx, id int64, owner, set string, args []any, outcome, lastErr string, now int64) (settled, error) {
	var d settled
	var fk sql.NullString
	err := s.queryRow(ctx, tx, `UPDATE deliveries SET `+set+`, lease_owner = NULL, lease_until = NULL, updated_at = ?
		WHERE id = ? AND status = 'sending' AND lease_owner = ?
		RETURNING id, kind, finding_key, destination, episode, attempts`,
		append(args, now, id, owner)...).Scan(&d.id, &d.kind, &fk, &d.destination, &d.episode, &d.attempts)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM deliveries WHERE id = ?`, id).Scan(&n); err != nil {
			return d, err
		}
		if n == 0 {
			return d, fmt.Errorf("delivery %d: %w", id, ErrNotFound)
		}
		return d, fmt.Errorf("delivery %d, owner %q: %w", id, owner, ErrLeaseLost)
	}
	if err != nil {
		return d, err
	}
	d.findingKey = fk.String
	if _, err := s.exec(ctx, tx, `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, error) VALUES (?, ?, ?, ?, ?)`,
		id, d.attempts, now, outcome, lastErr); err != nil {
		return d, fmt.Errorf("record attempt: %w", err)
	}
	return d, nil
}

// Complete marks a delivery leased by owner delivered with the
// destination's receipt. A notice (KindNotice) changes nothing else. For a
// digest its members become delivered with the same receipt. A new or reopened delivery with a receipt records the
// finding's ticket at the destination (state open); a resolved delivery
// closes it. When the finding asked for feedback (MarkNotified), is still
// open, and this was the last unsettled delivery of its episode with none
// dead, a feedback row is queued. Errors: ErrLeaseLost, ErrNotFound
// (wrapped). Safe for concurrent use.
func (s *Store) Complete(ctx context.Context, id int64, owner string, r Receipt, now time.Time) error {
	r = Receipt{ID: text(r.ID), URL: text(r.URL), Channel: text(r.Channel), Thread: text(r.Thread)}
	at := now.UnixMilli()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		d, err := s.settle(ctx, tx, id, owner, `status = 'delivered', delivered_at = ?,
			receipt_id = ?, receipt_url = ?, receipt_channel = ?, receipt_thread = ?`,
			[]any{at, r.ID, r.URL, r.Channel, r.Thread}, OutcomeDelivered, "", at)
		if err != nil {
			return err
		}
		switch d.kind {
		case KindNotice:
			return nil // no finding: no ticket, no feedback
		case KindDigest:
			if _, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'delivered', delivered_at = ?,
				receipt_id = ?, receipt_url = ?, receipt_channel = ?, receipt_thread = ?, updated_at = ?
				WHERE digest_id = ? AND status = 'digested'`,
				at, r.ID, r.URL, r.Channel, r.Thread, at, id); err != nil {
				return fmt.Errorf("digest members: %w", err)
			}
			return s.queueFeedback(ctx, tx, `f.key IN (SELECT m.finding_key FROM deliveries m WHERE m.digest_id = ?)
				AND EXISTS (SELECT 1 FROM deliveries m WHERE m.digest_id = ? AND m.finding_key = f.key AND m.episode = f.episode)`,
				[]any{id, id}, at)
		case KindNew, KindReopened:
			if !r.IsZero() {
				if _, err := s.exec(ctx, tx, `INSERT INTO tickets (finding_key, destination, episode, receipt_id, receipt_url,
					receipt_channel, receipt_thread, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
					ON CONFLICT (finding_key, destination) DO UPDATE SET episode = excluded.episode,
						receipt_id = excluded.receipt_id, receipt_url = excluded.receipt_url,
						receipt_channel = excluded.receipt_channel, receipt_thread = excluded.receipt_thread,
						state = 'open', updated_at = excluded.updated_at
					WHERE tickets.episode <= excluded.episode`,
					d.findingKey, d.destination, d.episode, r.ID, r.URL, r.Channel, r.Thread, at); err != nil {
					return fmt.Errorf("ticket: %w", err)
				}
			}
		case KindResolved:
			if _, err := s.exec(ctx, tx, `UPDATE tickets SET state = 'closed', updated_at = ?
				WHERE finding_key = ? AND destination = ? AND episode <= ?`,
				at, d.findingKey, d.destination, d.episode); err != nil {
				return fmt.Errorf("ticket: %w", err)
			}
		}
		if d.findingKey == "" {
			return nil
		}
		return s.queueFeedback(ctx, tx, `f.key = ? AND f.episode = ?`, []any{d.findingKey, d.episode}, at)
	})
	if err != nil {
		return fmt.Errorf("store: complete: %w", err)
	}
	return nil
}

// queueFeedback inserts a pending feedback row for each finding selected by
// where (over findings f) that asked for feedback, is open, and has no
// delivery of its current episode unsettled or dead.
func (s *Store) queueFeedback(ctx context.Context, tx *sql.Tx, where string, args []any, at int64) error {
	if s.dialect == DialectPostgres {
		// Two deliveries of one finding completing at once would each see
		// the other still sending and neither queue the feedback. Locking
		// the finding rows serializes them; the statement below then takes
		// a fresh snapshot (READ COMMITTED) and sees the other's outcome.
		rows, err := s.query(ctx, tx, `SELECT f.key FROM findings f WHERE `+where+` ORDER BY f.key FOR UPDATE OF f`, args...)
		if err != nil {
			return fmt.Errorf("lock finding: %w", err)
		}
		for rows.Next() {
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock finding: %w", err)
		}
	}
	_, err := s.exec(ctx, tx, `INSERT INTO feedback (finding_key, finding_id, product_arn, episode, status, next_at, created_at, updated_at)
		SELECT f.key, f.id, f.product_arn, f.episode, 'pending', CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)
		FROM findings f
		WHERE `+where+` AND f.mark_notified = 1 AND f.is_open = 1
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.finding_key = f.key AND d.episode = f.episode
				AND d.status IN ('pending', 'grouped', 'digested', 'sending', 'dead'))
		ON CONFLICT (finding_key, episode) DO NOTHING`, append([]any{at, at, at}, args...)...)
	if err != nil {
		return fmt.Errorf("queue feedback: %w", err)
	}
	return nil
}

// Retry puts a delivery leased by owner back to pending at next, clears the
// lease and records lastErr (cut to 2 KB). A digest keeps its members.
// Errors: ErrLeaseLost, ErrNotFound (wrapped). Safe for concurrent use.
func (s *Store) Retry(ctx context.Context, id int64, owner, lastErr string, next, now time.Time) error {
	lastErr = clip(lastErr)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		_, err := s.settle(ctx, tx, id, owner, `status = 'pending', next_at = ?, last_error = ?`,
			[]any{next.UnixMilli(), lastErr}, OutcomeRetry, lastErr, now.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: retry: %w", err)
	}
	return nil
}

// Kill marks a delivery leased by owner dead with lastErr (cut to 2 KB). A
// dead delivery stays visible and can be requeued; a digest's members die
// with it, with the same error. Errors: ErrLeaseLost, ErrNotFound (wrapped).
// Safe for concurrent use.
func (s *Store) Kill(ctx context.Context, id int64, owner, lastErr string, now time.Time) error {
	lastErr = clip(lastErr)
	at := now.UnixMilli()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		d, err := s.settle(ctx, tx, id, owner, `status = 'dead', last_error = ?`,
			[]any{lastErr}, OutcomeDead, lastErr, at)
		if err != nil {
			return err
		}
		if d.kind == KindDigest {
			if _, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'dead', last_error = ?, updated_at = ?
				WHERE digest_id = ? AND status = 'digested'`, lastErr, at, id); err != nil {
				return fmt.Errorf("digest members: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: kill: %w", err)
	}
	return nil
}
