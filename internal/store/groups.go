package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// MaxDigestMembers caps the members of one digest; the rest stay grouped
// and go in the group's next digest.
const MaxDigestMembers = 10000

// FlushGroups turns up to limit due digest groups (next flush <= now) into
// digest deliveries: each gets a pending delivery of kind digest (key
// digest|route|destination|group_key|seq) whose members (at most
// MaxDigestMembers, oldest first) move from grouped to digested. The group
// then flushes again at now+interval if members remain, else when a new
// member arrives (see Ingest). It returns the number of digests created.
// Safe for concurrent use; on PostgreSQL replicas skip groups another
// replica is flushing.
func (s *Store) FlushGroups(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("store: flush groups: limit %d must be positive", limit)
	}
	at := now.UnixMilli()
	var created int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created = 0
		type group struct {
			route, dest, key string
			interval, seq    int64
		}
		rows, err := s.query(ctx, tx, `SELECT route, destination, group_key, interval_ms, flush_seq FROM delivery_groups
			WHERE next_flush_at IS NOT NULL AND next_flush_at <= ?
			ORDER BY next_flush_at, route, destination, group_key LIMIT ? {{skiplocked}}`, at, limit)
		if err != nil {
			return fmt.Errorf("due groups: %w", err)
		}
		var due []group
		for rows.Next() {
			var g group
			if err := rows.Scan(&g.route, &g.dest, &g.key, &g.interval, &g.seq); err != nil {
				rows.Close()
				return fmt.Errorf("due groups: %w", err)
			}
			due = append(due, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("due groups: %w", err)
		}
		for _, g := range due {
			ok, err := s.flushGroup(ctx, tx, g.route, g.dest, g.key, g.interval, g.seq+1, at)
			if err != nil {
				return fmt.Errorf("group %s/%s/%s: %w", g.route, g.dest, g.key, err)
			}
			if ok {
				created++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: flush groups: %w", err)
	}
	return created, nil
}

func (s *Store) flushGroup(ctx context.Context, tx *sql.Tx, route, dest, key string, interval, seq, at int64) (bool, error) {
	const members = `FROM deliveries WHERE route = ? AND destination = ? AND group_key = ? AND status = 'grouped'`
	var n int
	if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM (SELECT id `+members+` LIMIT 1) x`, route, dest, key).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		_, err := s.exec(ctx, tx, `UPDATE delivery_groups SET next_flush_at = NULL
			WHERE route = ? AND destination = ? AND group_key = ?`, route, dest, key)
		return false, err
	}
	var id int64
	dkey := "digest|" + route + "|" + dest + "|" + key + "|" + strconv.FormatInt(seq, 10)
	if err := s.queryRow(ctx, tx, `INSERT INTO deliveries (key, kind, phase, route, destination, group_key, status,
			next_at, created_at, updated_at)
		VALUES (?, 'digest', 'digest', ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
		dkey, route, dest, key, at, at, at).Scan(&id); err != nil {
		return false, fmt.Errorf("insert digest: %w", err)
	}
	if _, err := s.exec(ctx, tx, `UPDATE deliveries SET digest_id = ?, status = 'digested', updated_at = ?
		WHERE id IN (SELECT id `+members+` ORDER BY id LIMIT ?)`,
		id, at, route, dest, key, MaxDigestMembers); err != nil {
		return false, fmt.Errorf("digest members: %w", err)
	}
	if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM (SELECT id `+members+` LIMIT 1) x`, route, dest, key).Scan(&n); err != nil {
		return false, err
	}
	var next any
	if n > 0 {
		next = at + interval
	}
	if _, err := s.exec(ctx, tx, `UPDATE delivery_groups SET last_flush_at = ?, flush_seq = ?, next_flush_at = ?
		WHERE route = ? AND destination = ? AND group_key = ?`, at, seq, next, route, dest, key); err != nil {
		return false, fmt.Errorf("update group: %w", err)
	}
	return true, nil
}
