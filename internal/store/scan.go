package store

import (
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"
)

// deliveryCols are the columns scanDelivery reads, in order.
const deliveryCols = `id, key, kind, phase, finding_key, finding_id, route, destination, group_key, episode,
	digest_id, status, attempts, next_at, created_at, updated_at, delivered_at, last_error,
	receipt_id, receipt_url, receipt_channel, receipt_thread`

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanDelivery reads one row of deliveryCols, plus extra destinations.
func scanDelivery(r rowScanner, extra ...any) (Delivery, error) {
	var (
		d                   Delivery
		findingKey          sql.NullString
		digestID, delivered sql.NullInt64
		next, created, upd  int64
		status              string
	)
	dest := []any{&d.ID, &d.Key, &d.Kind, &d.Phase, &findingKey, &d.FindingID, &d.Route, &d.Destination, &d.GroupKey,
		&d.Episode, &digestID, &status, &d.Attempts, &next, &created, &upd, &delivered, &d.LastError,
		&d.Receipt.ID, &d.Receipt.URL, &d.Receipt.Channel, &d.Receipt.Thread}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return Delivery{}, err
	}
	d.FindingKey = findingKey.String
	d.DigestID = digestID.Int64
	d.Status = Status(status)
	d.NextAt, d.CreatedAt, d.UpdatedAt = ms(next), ms(created), ms(upd)
	if delivered.Valid {
		d.DeliveredAt = ms(delivered.Int64)
	}
	return d, nil
}

// ms converts unix milliseconds to a UTC time.
func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

// maxError is the longest last_error kept, in bytes.
const maxError = 2048

// clip makes s storable (see text) and cuts it to at most maxError bytes
// on a rune boundary.
func clip(s string) string {
	s = text(s)
	if len(s) <= maxError {
		return s
	}
	cut := maxError
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// text makes s storable in a PostgreSQL TEXT column: invalid UTF-8 becomes
// U+FFFD and NUL bytes are removed. SQLite gets the same, so both databases
// hold the same strings.
func text(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
