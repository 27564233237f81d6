package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// MaxCheckpointName is the longest checkpoint name, in bytes.
const MaxCheckpointName = 200

// Checkpoint returns the time stored under name and true, or the zero time
// and false when nothing is stored yet. Pollers call it before each run to
// resume where the last committed page left off. The time is UTC with
// millisecond precision. Safe for concurrent use.
func (s *Store) Checkpoint(ctx context.Context, name string) (time.Time, bool, error) {
	if err := checkCheckpointName(name); err != nil {
		return time.Time{}, false, fmt.Errorf("store: checkpoint: %w", err)
	}
	var at int64
	err := s.queryRow(ctx, s.db, `SELECT at FROM checkpoints WHERE name = ?`, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: checkpoint %q: %w", name, err)
	}
	return ms(at), true, nil
}

// SetCheckpoint stores t (cut to milliseconds) under name, replacing what
// was there, also when t is earlier. A poller calls it after the page read
// up to t has been committed. Safe for concurrent use; when two callers set
// one name at once, the last write wins.
func (s *Store) SetCheckpoint(ctx context.Context, name string, t time.Time) error {
	if err := checkCheckpointName(name); err != nil {
		return fmt.Errorf("store: set checkpoint: %w", err)
	}
	if t.IsZero() {
		return fmt.Errorf("store: set checkpoint %q: the time is zero", name)
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO checkpoints (name, at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET at = excluded.at, updated_at = excluded.updated_at`,
		name, t.UnixMilli(), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: set checkpoint %q: %w", name, err)
	}
	return nil
}

func checkCheckpointName(name string) error {
	switch {
	case name == "":
		return errors.New("the name is empty")
	case len(name) > MaxCheckpointName:
		return fmt.Errorf("the name is %d bytes long; at most %d", len(name), MaxCheckpointName)
	case !utf8.ValidString(name):
		return errors.New("the name is not valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the name %q holds a control character", name)
		}
	}
	return nil
}
