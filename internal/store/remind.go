package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Remind queues reminders. every maps a route to its repeat interval. For
// each ungrouped open-phase delivery of such a route that was delivered,
// whose finding is still open in the same episode, and whose last notice
// (the delivery, or the latest reminder created for the same finding, route,
// destination and episode) is at least the interval old, it inserts a
// pending delivery of kind reminder, phase reminder-N (N = 1, 2, …), carrying
// the finding's latest event. The key makes it idempotent: calling Remind
// again, or from two replicas, adds nothing. It returns the number of
// reminders created. Safe for concurrent use.
func (s *Store) Remind(ctx context.Context, now time.Time, every map[string]time.Duration) (int, error) {
	routes := make([]string, 0, len(every))
	for r, d := range every {
		if d > 0 {
			routes = append(routes, r)
		}
	}
	sort.Strings(routes)
	at := now.UnixMilli()
	var created int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created = 0
		for _, route := range routes {
			n, err := s.remindRoute(ctx, tx, route, every[route].Milliseconds(), at)
			if err != nil {
				return fmt.Errorf("route %s: %w", route, err)
			}
			created += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: remind: %w", err)
	}
	return created, nil
}

func (s *Store) remindRoute(ctx context.Context, tx *sql.Tx, route string, interval, at int64) (int, error) {
	type due struct {
		findingKey, findingID, dest string
		episode, count              int
		eventID                     sql.NullInt64
		label                       string
		normalized                  int
	}
	const same = `r.finding_key = o.finding_key AND r.episode = o.episode AND r.route = o.route
		AND r.destination = o.destination AND r.kind = 'reminder'`
	rows, err := s.query(ctx, tx, `SELECT o.finding_key, o.finding_id, o.destination, o.episode, o.delivered_at,
			f.event_id, f.severity_label, f.severity_normalized,
			(SELECT COUNT(*) FROM deliveries r WHERE `+same+`),
			(SELECT MAX(r.created_at) FROM deliveries r WHERE `+same+`)
		FROM deliveries o JOIN findings f ON f.key = o.finding_key AND f.episode = o.episode AND f.is_open = 1
		WHERE o.route = ? AND o.phase = 'open' AND o.grouped = 0 AND o.status = 'delivered' AND o.delivered_at <= ?
		ORDER BY o.id`, route, at-interval)
	if err != nil {
		return 0, err
	}
	var todo []due
	for rows.Next() {
		var d due
		var delivered int64
		var last sql.NullInt64
		if err := rows.Scan(&d.findingKey, &d.findingID, &d.dest, &d.episode, &delivered,
			&d.eventID, &d.label, &d.normalized, &d.count, &last); err != nil {
			rows.Close()
			return 0, err
		}
		if last.Valid && last.Int64 > at-interval {
			continue
		}
		todo = append(todo, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	created := 0
	for _, d := range todo {
		phase := ReminderPhase(d.count + 1)
		key := DeliveryKey(d.findingID, route, d.dest, d.episode, phase)
		var id int64
		err := s.queryRow(ctx, tx, `INSERT INTO deliveries (key, kind, phase, finding_key, finding_id, event_id,
				route, destination, episode, severity_label, severity_normalized, status, next_at, created_at, updated_at)
			VALUES (?, 'reminder', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
			ON CONFLICT (key) DO NOTHING RETURNING id`,
			key, phase, d.findingKey, d.findingID, d.eventID, route, d.dest, d.episode, d.label, d.normalized,
			at, at, at).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("insert %s: %w", key, err)
		}
		created++
	}
	return created, nil
}
