package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Claim leases up to limit due deliveries to owner until now+lease and
// returns them ordered by next_at, id. Due: pending with next_at <= now, or
// sending with an expired lease (a worker died). Each claim increments
// Attempts. The worker settles every claimed delivery with Complete, Retry or
// Kill before the lease ends; an unsettled one is claimed again.
//
// Safe for concurrent use by many workers and replicas: on PostgreSQL rows
// are locked with FOR UPDATE SKIP LOCKED, on SQLite the claim is one write
// transaction, so no delivery is leased to two owners at once.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Claimed, error) {
	if err := checkLease(owner, lease, limit); err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	var out []Claimed
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		at := now.UnixMilli()
		rows, err := s.query(ctx, tx, s.claimStmt(limit), at, at, at, owner, now.Add(lease).UnixMilli(), at)
		if err != nil {
			return err
		}
		eventIDs := map[int64]int64{} // delivery → event
		for rows.Next() {
			var ev sql.NullInt64
			d, err := scanDelivery(rows, &ev)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, Claimed{Delivery: d})
			if ev.Valid && d.Kind != KindDigest {
				eventIDs[d.ID] = ev.Int64
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(out, func(i, j int) bool {
			if !out[i].NextAt.Equal(out[j].NextAt) {
				return out[i].NextAt.Before(out[j].NextAt)
			}
			return out[i].ID < out[j].ID
		})
		return s.fillClaimed(ctx, tx, out, eventIDs)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	return out, nil
}

// indexedBy returns " INDEXED BY index" on SQLite and "" on PostgreSQL.
//
// Claim and ClaimFeedback read their table through a partial index over
// status IN ('pending', 'sending') in (next_at, id) order, so that a claim
// reads about limit rows however many are waiting. Without statistics
// SQLite's planner prefers an equality lookup on deliveries_status and
// sorts every due row instead; INDEXED BY keeps it on the claim index, and
// makes the statement fail to prepare, rather than slow down, should the
// index ever become unusable. PostgreSQL picks the index by itself.
func (s *Store) indexedBy(index string) string {
	if s.dialect != DialectSQLite {
		return ""
	}
	return " INDEXED BY " + index
}

// claimStmt returns Claim's statement for limit. Its arguments: now, now,
// now (unix ms), owner, lease end, now.
//
// The limit is written into the statement, not bound: SQLite recompiles a
// statement whose LIMIT parameter changes, and the queue's limit (its free
// workers) changes all the time.
//
// The due rows are read in order from deliveries_claim and the read stops
// after limit rows (see indexedBy). next_at <= now holds for every due row,
// sending ones included: a sending row was claimed with next_at <= its
// claim time and leased past that time, so an expired lease means
// next_at < now.
func (s *Store) claimStmt(limit int) string {
	return `WITH c AS (
			SELECT id FROM deliveries` + s.indexedBy("deliveries_claim") + `
			WHERE status IN ('pending', 'sending') AND next_at <= ?
			  AND ((status = 'pending' AND (lease_until IS NULL OR lease_until < ?))
			    OR (status = 'sending' AND lease_until < ?))
			ORDER BY next_at, id LIMIT ` + strconv.Itoa(limit) + ` {{skiplocked}})
		UPDATE deliveries SET status = 'sending', lease_owner = ?, lease_until = ?,
			attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM c)
		RETURNING ` + deliveryCols + `, event_id`
}

func checkLease(owner string, lease time.Duration, limit int) error {
	switch {
	case owner == "":
		return errors.New("owner is empty")
	case lease <= 0:
		return fmt.Errorf("lease %v must be positive", lease)
	case limit <= 0:
		return fmt.Errorf("limit %d must be positive", limit)
	}
	return nil
}

// fillClaimed loads events, previous receipts and digest members.
func (s *Store) fillClaimed(ctx context.Context, q querier, out []Claimed, eventIDs map[int64]int64) error {
	var ids []int64
	for _, id := range eventIDs {
		ids = append(ids, id)
	}
	bodies, err := s.events(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range out {
		c := &out[i]
		if c.Kind == KindDigest {
			if err := s.fillDigest(ctx, q, c); err != nil {
				return fmt.Errorf("digest %d: %w", c.ID, err)
			}
			continue
		}
		if ev, ok := eventIDs[c.ID]; ok {
			c.Event = bodies[ev]
		}
		if c.Kind == KindNotice {
			continue // no finding, so no ticket
		}
		r, err := scanReceipt(s.queryRow(ctx, q, `SELECT receipt_id, receipt_url, receipt_channel, receipt_thread
			FROM tickets WHERE finding_key = ? AND destination = ?`, c.FindingKey, c.Destination))
		if err != nil {
			return fmt.Errorf("delivery %d: ticket: %w", c.ID, err)
		}
		c.Previous = r
	}
	return nil
}

func (s *Store) fillDigest(ctx context.Context, q querier, c *Claimed) error {
	r, err := scanReceipt(s.queryRow(ctx, q, `SELECT receipt_id, receipt_url, receipt_channel, receipt_thread
		FROM deliveries WHERE kind = 'digest' AND route = ? AND destination = ? AND group_key = ?
			AND status = 'delivered' AND id <> ?
		ORDER BY id DESC LIMIT 1`, c.Route, c.Destination, c.GroupKey, c.ID))
	if err != nil {
		return fmt.Errorf("previous digest: %w", err)
	}
	c.Previous = r

	var maxEvents int
	err = s.queryRow(ctx, q, `SELECT max_events FROM delivery_groups WHERE route = ? AND destination = ? AND group_key = ?`,
		c.Route, c.Destination, c.GroupKey).Scan(&maxEvents)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("group: %w", err)
	}
	rows, err := s.query(ctx, q, `SELECT id, finding_id, severity_label, event_id FROM deliveries
		WHERE digest_id = ? AND status = 'digested'
		ORDER BY severity_normalized DESC, created_at, id`, c.ID)
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	var evs []int64
	for rows.Next() {
		var m Member
		var ev sql.NullInt64
		if err := rows.Scan(&m.DeliveryID, &m.FindingID, &m.Severity, &ev); err != nil {
			rows.Close()
			return fmt.Errorf("members: %w", err)
		}
		c.Members = append(c.Members, m)
		if maxEvents <= 0 || len(evs) < maxEvents {
			evs = append(evs, ev.Int64)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	c.Total = len(c.Members)
	bodies, err := s.events(ctx, q, evs)
	if err != nil {
		return err
	}
	for i := range evs {
		c.Members[i].Event = bodies[evs[i]]
	}
	return nil
}

// scanReceipt reads one receipt row; nil when there is no row or the
// receipt is empty.
func scanReceipt(r rowScanner) (*Receipt, error) {
	var rc Receipt
	err := r.Scan(&rc.ID, &rc.URL, &rc.Channel, &rc.Thread)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && rc.IsZero()) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rc, nil
}

// eventBatch bounds the ids of one IN list.
const eventBatch = 500

// events loads event bodies by id.
func (s *Store) events(ctx context.Context, q querier, ids []int64) (map[int64][]byte, error) {
	out := make(map[int64][]byte, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), eventBatch)
		batch := ids[:n]
		ids = ids[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := s.query(ctx, q, `SELECT id, body FROM events WHERE id IN (`+placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		for rows.Next() {
			var id int64
			var body []byte
			if err := rows.Scan(&id, &body); err != nil {
				rows.Close()
				return nil, fmt.Errorf("events: %w", err)
			}
			out[id] = body
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
	}
	return out, nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
