package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Ticket states.
const (
	TicketOpen   = "open"
	TicketClosed = "closed"
)

// Ticket is the receipt a destination returned for a finding (a Backlog
// issue, a Slack thread), kept across episodes: Complete records it for new
// and reopened deliveries and closes it for resolved ones.
type Ticket struct {
	FindingKey, Destination string
	Episode                 int // the episode that last opened it
	Receipt                 Receipt
	State                   string // TicketOpen or TicketClosed
	UpdatedAt               time.Time
}

// Ticket returns the finding's ticket at destination; ErrNotFound (wrapped)
// when there is none. Read-only; safe for concurrent use.
func (s *Store) Ticket(ctx context.Context, findingKey, destination string) (Ticket, error) {
	t := Ticket{FindingKey: findingKey, Destination: destination}
	var at int64
	err := s.queryRow(ctx, s.db, `SELECT episode, receipt_id, receipt_url, receipt_channel, receipt_thread, state, updated_at
		FROM tickets WHERE finding_key = ? AND destination = ?`, findingKey, destination).Scan(
		&t.Episode, &t.Receipt.ID, &t.Receipt.URL, &t.Receipt.Channel, &t.Receipt.Thread, &t.State, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, fmt.Errorf("store: ticket %s at %s: %w", findingKey, destination, ErrNotFound)
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("store: ticket %s at %s: %w", findingKey, destination, err)
	}
	t.UpdatedAt = ms(at)
	return t, nil
}
