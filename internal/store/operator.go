package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Listing limits of Deliveries.
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// Deliveries lists deliveries matching f, newest first. Pass the last ID of
// a page as f.AfterID to get the next one. Unknown statuses are an error.
// Read-only; safe for concurrent use.
func (s *Store) Deliveries(ctx context.Context, f Filter) ([]Delivery, error) {
	var where []string
	var args []any
	if len(f.Status) > 0 {
		for _, st := range f.Status {
			if !knownStatus(st) {
				return nil, fmt.Errorf("store: deliveries: unknown status %q", st)
			}
			args = append(args, string(st))
		}
		where = append(where, "status IN ("+placeholders(len(f.Status))+")")
	}
	for _, c := range []struct{ col, v string }{{"destination", f.Destination}, {"route", f.Route}, {"finding_id", f.FindingID}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if f.AfterID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	q := `SELECT ` + deliveryCols + ` FROM deliveries`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := s.query(ctx, s.db, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return out, nil
}

func knownStatus(st Status) bool {
	for _, k := range Statuses() {
		if st == k {
			return true
		}
	}
	return false
}

// Delivery returns one delivery; ErrNotFound (wrapped) when there is none.
// Read-only; safe for concurrent use.
func (s *Store) Delivery(ctx context.Context, id int64) (Delivery, error) {
	d, err := scanDelivery(s.queryRow(ctx, s.db, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	return d, nil
}

// Attempts lists a delivery's recorded attempts, oldest first (for
// `hubrelay deliveries show`). Read-only; safe for concurrent use.
func (s *Store) Attempts(ctx context.Context, deliveryID int64) ([]Attempt, error) {
	rows, err := s.query(ctx, s.db, `SELECT delivery_id, attempt, at, outcome, error FROM delivery_attempts
		WHERE delivery_id = ? ORDER BY id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("store: attempts %d: %w", deliveryID, err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at int64
		if err := rows.Scan(&a.DeliveryID, &a.Attempt, &at, &a.Outcome, &a.Error); err != nil {
			return nil, fmt.Errorf("store: attempts %d: %w", deliveryID, err)
		}
		a.At = ms(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: attempts %d: %w", deliveryID, err)
	}
	return out, nil
}

// Requeue puts a dead or dropped delivery back to pending at now with
// attempts reset; last_error and the attempt history are kept. A requeued
// digest takes back its dead or dropped members; a member requeued on its
// own is sent on its own. Other statuses: ErrStatus; missing: ErrNotFound
// (both wrapped). Safe for concurrent use.
func (s *Store) Requeue(ctx context.Context, id int64, now time.Time) error {
	at := now.UnixMilli()
	err := s.operate(ctx, id, []Status{StatusDead, StatusDropped}, func(tx *sql.Tx, kind string) error {
		if _, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'pending', next_at = ?, attempts = 0,
			lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`, at, at, id); err != nil {
			return err
		}
		if kind == KindDigest {
			_, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'digested', updated_at = ?
				WHERE digest_id = ? AND status IN ('dead', 'dropped')`, at, id)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: requeue %d: %w", id, err)
	}
	return nil
}

// Drop marks a pending, grouped or dead delivery dropped (it is never
// deleted). A dropped digest drops its members. Other statuses: ErrStatus;
// missing: ErrNotFound (both wrapped). Safe for concurrent use.
func (s *Store) Drop(ctx context.Context, id int64, now time.Time) error {
	at := now.UnixMilli()
	err := s.operate(ctx, id, []Status{StatusPending, StatusGrouped, StatusDead}, func(tx *sql.Tx, kind string) error {
		if _, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'dropped', lease_owner = NULL, lease_until = NULL,
			updated_at = ? WHERE id = ?`, at, id); err != nil {
			return err
		}
		if kind == KindDigest {
			_, err := s.exec(ctx, tx, `UPDATE deliveries SET status = 'dropped', updated_at = ?
				WHERE digest_id = ? AND status IN ('digested', 'dead')`, at, id)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: drop %d: %w", id, err)
	}
	return nil
}

// operate runs fn in a transaction when delivery id (locked) has one of
// the allowed statuses.
func (s *Store) operate(ctx context.Context, id int64, allowed []Status, fn func(tx *sql.Tx, kind string) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var kind, status string
		err := s.queryRow(ctx, tx, `SELECT kind, status FROM deliveries WHERE id = ? {{forupdate}}`, id).Scan(&kind, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, a := range allowed {
			if Status(status) == a {
				return fn(tx, kind)
			}
		}
		return fmt.Errorf("status %s: %w", status, ErrStatus)
	})
}

// Counts returns the number of deliveries per status, every status present
// (for the queue-depth gauge). Read-only; safe for concurrent use.
func (s *Store) Counts(ctx context.Context) (map[Status]int, error) {
	out := map[Status]int{}
	for _, st := range Statuses() {
		out[st] = 0
	}
	rows, err := s.query(ctx, s.db, `SELECT status, COUNT(*) FROM deliveries GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	return out, nil
}

// OldestPending returns the creation time of the oldest pending delivery,
// and false when none is pending (for the queue-lag gauge). Read-only; safe
// for concurrent use.
func (s *Store) OldestPending(ctx context.Context) (time.Time, bool, error) {
	var v sql.NullInt64
	if err := s.queryRow(ctx, s.db, `SELECT MIN(created_at) FROM deliveries WHERE status = 'pending'`).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("store: oldest pending: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return ms(v.Int64), true, nil
}

// Transitions returns a finding's recorded state changes, oldest first.
// Read-only; safe for concurrent use.
func (s *Store) Transitions(ctx context.Context, findingKey string) ([]TransitionRecord, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+transitionCols+` FROM transitions
		WHERE finding_key = ? ORDER BY id`, findingKey)
	if err != nil {
		return nil, fmt.Errorf("store: transitions: %w", err)
	}
	defer rows.Close()
	var out []TransitionRecord
	for rows.Next() {
		r, err := scanTransition(rows)
		if err != nil {
			return nil, fmt.Errorf("store: transitions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: transitions: %w", err)
	}
	return out, nil
}

// SuppressionHit records that a suppression kept a finding from its routes.
type SuppressionHit struct {
	Suppression string
	FindingKey  string
	Episode     int
	At          time.Time
}

// SuppressionHits returns a finding's suppression hits, oldest first.
// Read-only; safe for concurrent use.
func (s *Store) SuppressionHits(ctx context.Context, findingKey string) ([]SuppressionHit, error) {
	rows, err := s.query(ctx, s.db, `SELECT suppression, finding_key, episode, at FROM suppression_hits
		WHERE finding_key = ? ORDER BY id`, findingKey)
	if err != nil {
		return nil, fmt.Errorf("store: suppression hits: %w", err)
	}
	defer rows.Close()
	var out []SuppressionHit
	for rows.Next() {
		var h SuppressionHit
		var at int64
		if err := rows.Scan(&h.Suppression, &h.FindingKey, &h.Episode, &at); err != nil {
			return nil, fmt.Errorf("store: suppression hits: %w", err)
		}
		h.At = ms(at)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: suppression hits: %w", err)
	}
	return out, nil
}
