package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
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
		in := newIngester(s, tx, wall, len(obs))
		if err := in.lockFindings(ctx, obs); err != nil {
			return err
		}
		for i := range obs {
			if err := in.apply(ctx, i, &obs[i]); err != nil {
				return fmt.Errorf("observation %d (finding %s): %w", i, obs[i].Finding.ID, err)
			}
		}
		if err := in.finish(ctx); err != nil {
			return err
		}
		results = in.results
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

// eventRef names an event of the batch before it has an id.
type eventRef struct{ findingKey, hash string }

// findingRow is a finding's state during the batch: read (and on
// PostgreSQL locked) at the start, written back by finish.
type findingRow struct {
	state   findingState
	version version  // severity and workflow of the last applied version
	event   eventRef // the latest event
	first   time.Time

	// final values, set by each applied observation
	dirty        bool
	f            *Observation
	lastSeen     int64
	markNotified bool
}

// pendingDelivery is a delivery row waiting for the next flush.
type pendingDelivery struct {
	obs   int // index of the observation it counts for
	key   string
	event eventRef
	args  []any // the row's values, event_id (index 5) filled in at flush
	group *Planned
	now   int64
}

// ingester applies one batch. Writes are buffered and sent as multi-row
// statements, flushed before any read that must see them and at the end.
type ingester struct {
	s       *Store
	tx      *sql.Tx
	wall    time.Time
	rows    map[string]*findingRow
	results []IngestResult

	eventIDs    map[eventRef]int64
	events      []eventRef
	eventArgs   map[eventRef][]any
	deliveries  []pendingDelivery
	transitions [][]any
	hits        [][]any
}

func newIngester(s *Store, tx *sql.Tx, wall time.Time, n int) *ingester {
	return &ingester{
		s: s, tx: tx, wall: wall,
		rows:      map[string]*findingRow{},
		results:   make([]IngestResult, n),
		eventIDs:  map[eventRef]int64{},
		eventArgs: map[eventRef][]any{},
	}
}

// clock is the observation's time: ReceivedAt, or the batch's wall clock.
func (in *ingester) clock(o *Observation) time.Time {
	if o.ReceivedAt.IsZero() {
		return in.wall
	}
	return o.ReceivedAt
}

// lockFindings makes sure every finding of the batch has a row and reads
// the rows; on PostgreSQL the upsert locks them, in key order, so that
// concurrent batches lock in the same order.
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
	vals := make([][]any, len(keys))
	for i, k := range keys {
		o := first[k]
		at := in.clock(o).UnixMilli()
		vals[i] = []any{k, o.Finding.ID, o.Finding.ProductARN, at, at}
	}
	err := in.s.bulk(ctx, in.tx, `INSERT INTO findings (key, id, product_arn, first_seen, last_seen)`,
		`ON CONFLICT (key) DO UPDATE SET key = excluded.key
		RETURNING key, updated_at, episode, is_open, event_id, event_hash, first_seen, severity_label, workflow`, vals,
		func(rs *sql.Rows) error {
			var (
				key     string
				upd     sql.NullInt64
				episode int
				open    int
				eventID sql.NullInt64
				hash    string
				first   int64
				v       version
			)
			if err := rs.Scan(&key, &upd, &episode, &open, &eventID, &hash, &first, &v.Severity, &v.Workflow); err != nil {
				return err
			}
			r := &findingRow{state: findingState{Seen: upd.Valid, Episode: episode, Open: open != 0}, version: v, first: ms(first)}
			if upd.Valid {
				r.state.UpdatedAt = time.UnixMilli(upd.Int64)
			}
			if eventID.Valid {
				r.event = eventRef{key, hash}
				in.eventIDs[r.event] = eventID.Int64
			}
			in.rows[key] = r
			return nil
		})
	if err != nil {
		return fmt.Errorf("lock findings: %w", err)
	}
	for _, k := range keys {
		if in.rows[k] == nil {
			return fmt.Errorf("lock findings: finding %s: no row returned", first[k].Finding.ID)
		}
	}
	return nil
}

func (in *ingester) apply(ctx context.Context, i int, o *Observation) error {
	f := o.Finding
	key := FindingKey(f)
	row := in.rows[key]
	now := in.clock(o).UnixMilli()
	if f.ActionName != "" {
		return in.applyAction(i, o, key, row, now)
	}
	next, tr, from, to := step(row.state, time.UnixMilli(f.UpdatedAt.UnixMilli()), IsOpen(f))
	res := &in.results[i]
	*res = IngestResult{FindingKey: key, Episode: next.Episode, Transition: tr}
	if tr == TransitionStale {
		return nil
	}

	cur := version{Severity: f.Severity.Label, Workflow: f.Workflow}
	if kind, rfrom, rto, ok := classify(from, to, next.Episode, next.Open, row.version, cur); ok {
		in.transitions = append(in.transitions, []any{key, next.Episode, rfrom, rto, now, o.Source,
			string(kind), f.AccountID, cur.Severity, cur.Workflow})
	}
	row.event = in.keepEvent(key, o.Event, now)
	row.state, row.version = next, cur
	row.dirty, row.f, row.lastSeen, row.markNotified = true, o, now, o.MarkNotified
	if o.SuppressedBy != "" {
		in.hits = append(in.hits, []any{o.SuppressedBy, key, next.Episode, now})
		return nil
	}
	switch {
	case next.Open:
		return in.planOpen(ctx, i, o, key, row, now)
	case tr == TransitionResolved:
		return in.planResolved(ctx, i, o, key, row, now)
	}
	return nil
}

// applyAction handles a "Security Hub Findings - Custom Action" event: a
// person asked for this finding to be sent, now. The event is a snapshot
// of the finding at the time of the click, not a change of its state, so
// the episode is left alone and the event is never stale; each action
// event is delivered once (by its content) to every destination its routes
// name, whatever was told before.
func (in *ingester) applyAction(i int, o *Observation, key string, row *findingRow, now int64) error {
	res := &in.results[i]
	*res = IngestResult{FindingKey: key, Episode: row.state.Episode, Transition: TransitionUnchanged}
	ref := in.keepEvent(key, o.Event, now)
	if o.SuppressedBy != "" {
		in.hits = append(in.hits, []any{o.SuppressedBy, key, row.state.Episode, now})
		return nil
	}
	saved := row.event
	row.event = ref
	for j := range o.Deliveries {
		p := o.Deliveries[j]
		p.Group = nil // an explicit request is not held for a digest
		in.add(i, o, key, row, now, KindNew, PhaseActionPrefix+ref.hash[:16], p.Route, p.Destination, &p)
	}
	row.event = saved
	return nil
}

// keepEvent queues the event body for storage (once per distinct body)
// and returns its reference.
func (in *ingester) keepEvent(key string, event []byte, now int64) eventRef {
	body := event
	if body == nil {
		body = []byte{}
	}
	sum := sha256.Sum256(body)
	ref := eventRef{key, hex.EncodeToString(sum[:])}
	if _, known := in.eventIDs[ref]; !known && in.eventArgs[ref] == nil {
		in.events = append(in.events, ref)
		in.eventArgs[ref] = []any{key, ref.hash, body, now}
	}
	return ref
}

// add buffers a delivery of the observation's finding.
func (in *ingester) add(i int, o *Observation, key string, row *findingRow, now int64, kind, phase, route, dest string, p *Planned) {
	f := o.Finding
	status, grouped, groupKey := StatusPending, false, ""
	if p != nil && p.Group != nil {
		status, grouped, groupKey = StatusGrouped, true, p.GroupKey
	} else {
		p = nil
	}
	dkey := DeliveryKey(f.ID, route, dest, row.state.Episode, phase)
	in.deliveries = append(in.deliveries, pendingDelivery{
		obs: i, key: dkey, event: row.event, group: p, now: now,
		args: []any{dkey, kind, phase, key, f.ID, nil, route, dest, row.state.Episode, boolInt(grouped), groupKey,
			f.Severity.Label, f.Severity.Normalized, string(status), now, now, now},
	})
}

func (in *ingester) planOpen(ctx context.Context, i int, o *Observation, key string, row *findingRow, now int64) error {
	for j := range o.Deliveries {
		p := &o.Deliveries[j]
		kind := KindNew
		if row.state.Episode > 1 {
			reopened, err := in.hasEarlierTicket(ctx, key, p.Destination, row.state.Episode)
			if err != nil {
				return err
			}
			if reopened {
				kind = KindReopened
			}
		}
		in.add(i, o, key, row, now, kind, PhaseOpen, p.Route, p.Destination, p)
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

func (in *ingester) planResolved(ctx context.Context, i int, o *Observation, key string, row *findingRow, now int64) error {
	// The open rows of this batch must be visible to the read below.
	if err := in.flush(ctx); err != nil {
		return err
	}
	type target struct{ route, dest string }
	told := map[target]Status{}
	var order []target
	err := in.s.scanAll(ctx, in.tx, `SELECT route, destination, status FROM deliveries
		WHERE finding_key = ? AND episode = ? AND phase = 'open' AND grouped = 0 ORDER BY id`,
		[]any{key, row.state.Episode}, func(rs *sql.Rows) error {
			var t target
			var st Status
			if err := rs.Scan(&t.route, &t.dest, &st); err != nil {
				return err
			}
			switch st {
			case StatusPending, StatusSending, StatusDelivered:
				if _, ok := told[t]; !ok {
					order = append(order, t)
				}
				told[t] = st
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("read open deliveries: %w", err)
	}
	seen := map[target]bool{}
	for _, p := range o.Deliveries {
		t := target{p.Route, p.Destination}
		if _, ok := told[t]; ok && p.Group == nil && !seen[t] {
			seen[t] = true
			in.add(i, o, key, row, now, KindResolved, PhaseResolved, t.route, t.dest, nil)
		}
	}
	for _, t := range order {
		if o.SendResolved[t.route] && told[t] == StatusDelivered && !seen[t] {
			seen[t] = true
			in.add(i, o, key, row, now, KindResolved, PhaseResolved, t.route, t.dest, nil)
		}
	}
	return nil
}

// flush writes the buffered events and deliveries, counts created and
// duplicate deliveries, and enters new grouped members in their groups.
func (in *ingester) flush(ctx context.Context) error {
	if len(in.events) > 0 {
		vals := make([][]any, len(in.events))
		for i, ref := range in.events {
			vals[i] = in.eventArgs[ref]
		}
		err := in.s.bulk(ctx, in.tx, `INSERT INTO events (finding_key, hash, body, received_at)`,
			`RETURNING id, finding_key, hash`, vals, func(rs *sql.Rows) error {
				var id int64
				var ref eventRef
				if err := rs.Scan(&id, &ref.findingKey, &ref.hash); err != nil {
					return err
				}
				in.eventIDs[ref] = id
				return nil
			})
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		in.events = in.events[:0]
		clear(in.eventArgs)
	}
	if len(in.deliveries) == 0 {
		return nil
	}
	vals := make([][]any, len(in.deliveries))
	for i := range in.deliveries {
		d := &in.deliveries[i]
		id, ok := in.eventIDs[d.event]
		if !ok {
			return fmt.Errorf("delivery %s: event not stored", d.key)
		}
		d.args[5] = id
		vals[i] = d.args
	}
	created := map[string]bool{}
	err := in.s.bulk(ctx, in.tx, `INSERT INTO deliveries (key, kind, phase, finding_key, finding_id, event_id,
		route, destination, episode, grouped, group_key, severity_label, severity_normalized, status,
		next_at, created_at, updated_at)`, `ON CONFLICT (key) DO NOTHING RETURNING key`, vals,
		func(rs *sql.Rows) error {
			var k string
			if err := rs.Scan(&k); err != nil {
				return err
			}
			created[k] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("insert deliveries: %w", err)
	}
	type groupID struct{ route, dest, key string }
	joined := map[groupID]bool{}
	for _, d := range in.deliveries {
		if !created[d.key] {
			in.results[d.obs].Duplicates++
			continue
		}
		delete(created, d.key) // a second copy in this batch is a duplicate
		in.results[d.obs].Created++
		if d.group == nil {
			continue
		}
		g := groupID{d.group.Route, d.group.Destination, d.group.GroupKey}
		if joined[g] {
			continue // the first member of the batch set the flush time
		}
		joined[g] = true
		if err := in.joinGroup(ctx, d.group, d.now); err != nil {
			return err
		}
	}
	in.deliveries = in.deliveries[:0]
	return nil
}

// joinGroup records a new member in its digest group. A group without
// waiting members flushes at max(now+wait, last flush+interval); a group
// with waiting members keeps its flush time.
func (in *ingester) joinGroup(ctx context.Context, p *Planned, now int64) error {
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

// finish flushes the buffers and writes the findings' final state, the
// transitions and the suppression hits.
func (in *ingester) finish(ctx context.Context) error {
	if err := in.flush(ctx); err != nil {
		return err
	}
	keys := make([]string, 0, len(in.rows))
	for k, r := range in.rows {
		if r.dirty {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vals := make([][]any, len(keys))
	for i, k := range keys {
		r := in.rows[k]
		f := r.f.Finding
		vals[i] = []any{k, f.ID, f.ProductARN, f.AccountID, f.Region, f.ProductName, f.Title, f.Severity.Label,
			f.Severity.Normalized, f.Workflow, f.RecordState, f.Compliance.Status, r.state.UpdatedAt.UnixMilli(),
			r.state.Episode, boolInt(r.state.Open), r.first.UnixMilli(), r.lastSeen, boolInt(r.markNotified),
			in.eventIDs[r.event], r.event.hash}
	}
	if err := in.s.bulk(ctx, in.tx, `INSERT INTO findings (key, id, product_arn, account, region, product_name, title,
		severity_label, severity_normalized, workflow, record_state, compliance, updated_at, episode, is_open,
		first_seen, last_seen, mark_notified, event_id, event_hash)`,
		`ON CONFLICT (key) DO UPDATE SET id = excluded.id, product_arn = excluded.product_arn,
			account = excluded.account, region = excluded.region, product_name = excluded.product_name,
			title = excluded.title, severity_label = excluded.severity_label,
			severity_normalized = excluded.severity_normalized, workflow = excluded.workflow,
			record_state = excluded.record_state, compliance = excluded.compliance,
			updated_at = excluded.updated_at, episode = excluded.episode, is_open = excluded.is_open,
			last_seen = excluded.last_seen, mark_notified = excluded.mark_notified,
			event_id = excluded.event_id, event_hash = excluded.event_hash`, vals, nil); err != nil {
		return fmt.Errorf("update findings: %w", err)
	}
	if err := in.s.bulk(ctx, in.tx, `INSERT INTO transitions (finding_key, episode, from_state, to_state, at, source,
		kind, account, severity_label, workflow)`,
		``, in.transitions, nil); err != nil {
		return fmt.Errorf("insert transitions: %w", err)
	}
	if err := in.s.bulk(ctx, in.tx, `INSERT INTO suppression_hits (suppression, finding_key, episode, at)`,
		``, in.hits, nil); err != nil {
		return fmt.Errorf("insert suppression hits: %w", err)
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
