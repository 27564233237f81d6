package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Ingest applies a batch of observations in ONE transaction and returns one
// result per observation, in order. For each observation it updates the
// finding and its episode (see IsOpen), keeps the event, records state
// transitions and suppression hits, and inserts the deliveries the finding
// is owed under their idempotency keys:
//   - open finding: phase "open", kind new (reopened when the destination
//     holds a ticket from an earlier episode); grouped deliveries wait in
//     their digest group, the rest are pending at once;
//   - resolved finding: phase "resolved" for every ungrouped planned route
//     whose destination was told (pending, sending or delivered open row)
//     in the episode just closed, and for every SendResolved route whose
//     open row was delivered in it;
//   - stale observation (older UpdatedAt than stored) or suppressed: none.
//
// The same finding may appear several times in one batch. ReceivedAt is the
// observation's clock (zero: now). Invalid input fails the whole batch with
// an error naming the observation and field. Safe for concurrent use;
// replicas may ingest the same findings at once.
func (s *Store) Ingest(ctx context.Context, obs []Observation) ([]IngestResult, error) {
	if err := validateObservations(obs); err != nil {
		return nil, fmt.Errorf("store: ingest: %w", err)
	}
	if len(obs) == 0 {
		return nil, nil
	}
	obs = sanitize(obs)
	wall := time.Now()
	var results []IngestResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		in := &ingester{s: s, tx: tx, wall: wall, rows: map[string]*findingRow{}}
		if err := in.lockFindings(ctx, obs); err != nil {
			return err
		}
		results = make([]IngestResult, len(obs))
		for i := range obs {
			r, err := in.apply(ctx, &obs[i])
			if err != nil {
				return fmt.Errorf("observation %d (finding %s): %w", i, obs[i].Finding.ID, err)
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: ingest: %w", err)
	}
	return results, nil
}

func validateObservations(obs []Observation) error {
	for i := range obs {
		o := &obs[i]
		switch {
		case o.Finding == nil:
			return fmt.Errorf("observation %d: finding is nil", i)
		case o.Finding.ID == "":
			return fmt.Errorf("observation %d: finding ID is empty", i)
		}
		for j, p := range o.Deliveries {
			switch {
			case p.Route == "":
				return fmt.Errorf("observation %d: deliveries[%d]: route is empty", i, j)
			case p.Destination == "":
				return fmt.Errorf("observation %d: deliveries[%d] (route %q): destination is empty", i, j, p.Route)
			case p.Group != nil && (p.Group.Wait < 0 || p.Group.Interval < 0):
				return fmt.Errorf("observation %d: deliveries[%d] (route %q): group wait and interval must not be negative", i, j, p.Route)
			}
		}
	}
	return nil
}

// findingRow is a finding's stored state, locked for the transaction.
type findingRow struct {
	state     findingState
	eventID   int64
	eventHash string
}

type ingester struct {
	s    *Store
	tx   *sql.Tx
	wall time.Time
	rows map[string]*findingRow
}

// lockFindings makes sure every finding of the batch has a row and reads
// (on PostgreSQL: locks) the rows in key order, so that concurrent batches
// lock in the same order.
func (in *ingester) lockFindings(ctx context.Context, obs []Observation) error {
	first := map[string]*Observation{}
	var keys []string
	for i := range obs {
		k := FindingKey(obs[i].Finding)
		if _, ok := first[k]; !ok {
			first[k] = &obs[i]
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		o := first[k]
		at := in.clock(o).UnixMilli()
		if _, err := in.s.exec(ctx, in.tx, `INSERT INTO findings (key, id, product_arn, first_seen, last_seen)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`, k, o.Finding.ID, o.Finding.ProductARN, at, at); err != nil {
			return fmt.Errorf("finding %s: insert: %w", o.Finding.ID, err)
		}
		var (
			upd     sql.NullInt64
			episode int
			open    int
			eventID sql.NullInt64
			hash    string
		)
		err := in.s.queryRow(ctx, in.tx, `SELECT updated_at, episode, is_open, event_id, event_hash
			FROM findings WHERE key = ? {{forupdate}}`, k).Scan(&upd, &episode, &open, &eventID, &hash)
		if err != nil {
			return fmt.Errorf("finding %s: read: %w", o.Finding.ID, err)
		}
		r := &findingRow{eventID: eventID.Int64, eventHash: hash}
		r.state = findingState{Seen: upd.Valid, Episode: episode, Open: open != 0}
		if upd.Valid {
			r.state.UpdatedAt = time.UnixMilli(upd.Int64)
		}
		in.rows[k] = r
	}
	return nil
}

// clock is the observation's time: ReceivedAt, or the batch's wall clock.
func (in *ingester) clock(o *Observation) time.Time {
	if o.ReceivedAt.IsZero() {
		return in.wall
	}
	return o.ReceivedAt
}

func (in *ingester) apply(ctx context.Context, o *Observation) (IngestResult, error) {
	f := o.Finding
	key := FindingKey(f)
	row := in.rows[key]
	now := in.clock(o).UnixMilli()
	next, tr, from, to := step(row.state, time.UnixMilli(f.UpdatedAt.UnixMilli()), IsOpen(f))
	res := IngestResult{FindingKey: key, Episode: next.Episode, Transition: tr}
	if tr == TransitionStale {
		return res, nil
	}

	body := o.Event
	if body == nil {
		body = []byte{}
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if row.eventID == 0 || row.eventHash != hash {
		if err := in.s.queryRow(ctx, in.tx, `INSERT INTO events (finding_key, body, received_at) VALUES (?, ?, ?) RETURNING id`,
			key, body, now).Scan(&row.eventID); err != nil {
			return res, fmt.Errorf("insert event: %w", err)
		}
		row.eventHash = hash
	}

	if _, err := in.s.exec(ctx, in.tx, `UPDATE findings SET id = ?, product_arn = ?, account = ?, region = ?,
		product_name = ?, title = ?, severity_label = ?, severity_normalized = ?, workflow = ?,
		record_state = ?, compliance = ?, updated_at = ?, episode = ?, is_open = ?, last_seen = ?,
		mark_notified = ?, event_id = ?, event_hash = ? WHERE key = ?`,
		f.ID, f.ProductARN, f.AccountID, f.Region, f.ProductName, f.Title, f.Severity.Label, f.Severity.Normalized,
		f.Workflow, f.RecordState, f.Compliance.Status, next.UpdatedAt.UnixMilli(), next.Episode, boolInt(next.Open),
		now, boolInt(o.MarkNotified), row.eventID, row.eventHash, key); err != nil {
		return res, fmt.Errorf("update finding: %w", err)
	}
	row.state = next

	if from != "" {
		if _, err := in.s.exec(ctx, in.tx, `INSERT INTO transitions (finding_key, episode, from_state, to_state, at, source)
			VALUES (?, ?, ?, ?, ?, ?)`, key, next.Episode, from, to, now, o.Source); err != nil {
			return res, fmt.Errorf("insert transition: %w", err)
		}
	}
	if o.SuppressedBy != "" {
		if _, err := in.s.exec(ctx, in.tx, `INSERT INTO suppression_hits (suppression, finding_key, episode, at)
			VALUES (?, ?, ?, ?)`, o.SuppressedBy, key, next.Episode, now); err != nil {
			return res, fmt.Errorf("insert suppression hit: %w", err)
		}
		return res, nil
	}

	var err error
	switch {
	case next.Open:
		err = in.planOpen(ctx, o, key, row, now, &res)
	case tr == TransitionResolved:
		err = in.planResolved(ctx, o, key, row, now, &res)
	}
	return res, err
}

// newDelivery is a delivery row to insert.
type newDelivery struct {
	kind, phase, route, dest string
	grouped                  bool
	groupKey                 string
	status                   Status
}

// insert inserts d for the observation's finding and reports whether it was
// created (false: its key existed).
func (in *ingester) insert(ctx context.Context, o *Observation, key string, row *findingRow, now int64, d newDelivery) (bool, error) {
	f := o.Finding
	dkey := DeliveryKey(f.ID, d.route, d.dest, row.state.Episode, d.phase)
	var id int64
	err := in.s.queryRow(ctx, in.tx, `INSERT INTO deliveries (key, kind, phase, finding_key, finding_id, event_id,
		route, destination, episode, grouped, group_key, severity_label, severity_normalized, status,
		next_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING RETURNING id`,
		dkey, d.kind, d.phase, key, f.ID, row.eventID, d.route, d.dest, row.state.Episode, boolInt(d.grouped), d.groupKey,
		f.Severity.Label, f.Severity.Normalized, string(d.status), now, now, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert delivery %s: %w", dkey, err)
	}
	return true, nil
}

func (in *ingester) planOpen(ctx context.Context, o *Observation, key string, row *findingRow, now int64, res *IngestResult) error {
	for _, p := range o.Deliveries {
		d := newDelivery{kind: KindNew, phase: PhaseOpen, route: p.Route, dest: p.Destination, status: StatusPending}
		if row.state.Episode > 1 {
			reopened, err := in.hasEarlierTicket(ctx, key, p.Destination, row.state.Episode)
			if err != nil {
				return err
			}
			if reopened {
				d.kind = KindReopened
			}
		}
		if p.Group != nil {
			d.grouped, d.groupKey, d.status = true, p.GroupKey, StatusGrouped
		}
		created, err := in.insert(ctx, o, key, row, now, d)
		if err != nil {
			return err
		}
		if !created {
			res.Duplicates++
			continue
		}
		res.Created++
		if p.Group != nil {
			if err := in.joinGroup(ctx, p, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (in *ingester) hasEarlierTicket(ctx context.Context, key, dest string, episode int) (bool, error) {
	var n int
	if err := in.s.queryRow(ctx, in.tx, `SELECT COUNT(*) FROM tickets WHERE finding_key = ? AND destination = ? AND episode < ?`,
		key, dest, episode).Scan(&n); err != nil {
		return false, fmt.Errorf("read ticket: %w", err)
	}
	return n > 0, nil
}

// joinGroup records a new member in its digest group. A group without
// waiting members flushes at max(now+wait, last flush+interval); a group
// with waiting members keeps its flush time.
func (in *ingester) joinGroup(ctx context.Context, p Planned, now int64) error {
	wait, interval := p.Group.Wait.Milliseconds(), p.Group.Interval.Milliseconds()
	if _, err := in.s.exec(ctx, in.tx, `INSERT INTO delivery_groups (route, destination, group_key, wait_ms, interval_ms, max_events, next_flush_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (route, destination, group_key) DO UPDATE SET
			wait_ms = excluded.wait_ms, interval_ms = excluded.interval_ms, max_events = excluded.max_events,
			next_flush_at = CASE
				WHEN delivery_groups.next_flush_at IS NOT NULL THEN delivery_groups.next_flush_at
				WHEN delivery_groups.last_flush_at IS NOT NULL
					AND delivery_groups.last_flush_at + excluded.interval_ms > excluded.next_flush_at
					THEN delivery_groups.last_flush_at + excluded.interval_ms
				ELSE excluded.next_flush_at END`,
		p.Route, p.Destination, p.GroupKey, wait, interval, p.Group.Max, now+wait); err != nil {
		return fmt.Errorf("group %s/%s: %w", p.Route, p.Destination, err)
	}
	return nil
}

func (in *ingester) planResolved(ctx context.Context, o *Observation, key string, row *findingRow, now int64, res *IngestResult) error {
	type target struct{ route, dest string }
	rows, err := in.s.query(ctx, in.tx, `SELECT route, destination, status FROM deliveries
		WHERE finding_key = ? AND episode = ? AND phase = 'open' AND grouped = 0 ORDER BY id`, key, row.state.Episode)
	if err != nil {
		return fmt.Errorf("read open deliveries: %w", err)
	}
	told := map[target]Status{}
	var order []target
	for rows.Next() {
		var t target
		var st Status
		if err := rows.Scan(&t.route, &t.dest, &st); err != nil {
			rows.Close()
			return fmt.Errorf("read open deliveries: %w", err)
		}
		switch st {
		case StatusPending, StatusSending, StatusDelivered:
		default:
			continue
		}
		if prev, ok := told[t]; !ok {
			order = append(order, t)
			told[t] = st
		} else if st == StatusDelivered && prev != StatusDelivered {
			told[t] = st
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read open deliveries: %w", err)
	}

	seen := map[target]bool{}
	var want []target
	for _, p := range o.Deliveries {
		t := target{p.Route, p.Destination}
		if _, ok := told[t]; ok && p.Group == nil && !seen[t] {
			seen[t] = true
			want = append(want, t)
		}
	}
	for _, t := range order {
		if o.SendResolved[t.route] && told[t] == StatusDelivered && !seen[t] {
			seen[t] = true
			want = append(want, t)
		}
	}
	for _, t := range want {
		created, err := in.insert(ctx, o, key, row, now, newDelivery{
			kind: KindResolved, phase: PhaseResolved, route: t.route, dest: t.dest, status: StatusPending,
		})
		if err != nil {
			return err
		}
		if created {
			res.Created++
		} else {
			res.Duplicates++
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sanitize returns a copy of obs whose strings are storable (see text); the
// callers' findings are not modified.
func sanitize(obs []Observation) []Observation {
	out := make([]Observation, len(obs))
	for i, o := range obs {
		f := *o.Finding
		for _, p := range []*string{&f.ID, &f.ProductARN, &f.AccountID, &f.Region, &f.ProductName, &f.Title,
			&f.Severity.Label, &f.Workflow, &f.RecordState, &f.Compliance.Status} {
			*p = text(*p)
		}
		o.Finding = &f
		o.Source, o.SuppressedBy = text(o.Source), text(o.SuppressedBy)
		if len(o.Deliveries) > 0 {
			ds := make([]Planned, len(o.Deliveries))
			for j, p := range o.Deliveries {
				p.Route, p.Destination, p.GroupKey = text(p.Route), text(p.Destination), text(p.GroupKey)
				ds[j] = p
			}
			o.Deliveries = ds
		}
		if len(o.SendResolved) > 0 {
			sr := make(map[string]bool, len(o.SendResolved))
			for k, v := range o.SendResolved {
				sr[text(k)] = v
			}
			o.SendResolved = sr
		}
		out[i] = o
	}
	return out
}
