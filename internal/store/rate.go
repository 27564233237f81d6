package store

import (
	"context"
	"fmt"
	"time"
)

// Reserve books the next send slot of a rate limit shared by every replica:
// atomically at = max(now, next_free[key]) and next_free[key] = at+interval.
// The caller waits until at before sending. Safe for concurrent use; two
// callers never get slots closer than interval.
func (s *Store) Reserve(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Time, error) {
	if interval < 0 {
		return time.Time{}, fmt.Errorf("store: reserve %q: interval %v must not be negative", key, interval)
	}
	at, iv := now.UnixMilli(), interval.Milliseconds()
	var next int64
	err := s.queryRow(ctx, s.db, `INSERT INTO rate_slots (key, next_free) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET next_free = CASE
			WHEN rate_slots.next_free > ? THEN rate_slots.next_free + ?
			ELSE ? END
		RETURNING next_free`, text(key), at+iv, at, iv, at+iv).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: reserve %q: %w", key, err)
	}
	return ms(next - iv), nil
}
