package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RunStatus is a scheduled run's place in its life cycle.
type RunStatus string

// The run statuses. Ok, failed and expired are final.
const (
	RunRunning RunStatus = "running" // claimed by Owner until LeaseUntil
	RunOK      RunStatus = "ok"      // the job returned no error
	RunFailed  RunStatus = "failed"  // the job returned Error
	// RunExpired: the owner stopped renewing its lease (it crashed or was
	// cut off from the store) and a later slot of the job was claimed
	// before anyone took this one over.
	RunExpired RunStatus = "expired"
)

// Run is one scheduled run of a job: the record that one replica claimed
// the job's slot.
type Run struct {
	Job        string
	Slot       time.Time // the scheduled time the run is for (UTC)
	Owner      string    // the replica that claimed it last
	Status     RunStatus
	Attempts   int // claims; more than 1 when a crashed or stopped run was taken over
	StartedAt  time.Time
	LeaseUntil time.Time
	FinishedAt time.Time // zero while running
	Error      string    // at most 2 KB
}

// Limits of the run history.
const (
	// MaxJobName is the longest job name, in bytes.
	MaxJobName = 200
	// DefaultRunsLimit and MaxRunsLimit bound Runs.
	DefaultRunsLimit = 50
	MaxRunsLimit     = 1000
)

// scheduleLock is the PostgreSQL advisory lock key prefix serializing the
// claims of one job; the schema is hashed in as for migrations.
const scheduleLock = "hubrelay.store.schedule."

// ClaimRun claims job's run for slot for owner until now+lease, and
// reports whether owner may run it. It returns true when
//   - nobody has claimed the slot: the run is recorded as running;
//   - owner already holds the slot and it is still running: the lease is
//     renewed (the scheduler calls ClaimRun again while the job runs);
//   - the slot is running under another owner whose lease has expired (a
//     crashed or stopped replica): owner takes it over and Attempts grows.
//
// It returns false when the slot finished (ok, failed or expired), when
// another owner holds an unexpired lease on it, when another slot of the
// same job is running under an unexpired lease (runs of one job never
// overlap), or when a later slot of the job was already claimed (an older
// slot never runs after a newer one). Running rows of other slots whose lease expired are marked
// expired. Errors name the bad argument. Safe for concurrent use; replicas
// sharing a store claim each slot once (on PostgreSQL the claims of a job
// are serialized by an advisory transaction lock, on SQLite by the write
// lock).
func (s *Store) ClaimRun(ctx context.Context, job string, slot time.Time, owner string, lease time.Duration, now time.Time) (bool, error) {
	if err := checkRun(job, slot, owner); err != nil {
		return false, fmt.Errorf("store: claim run: %w", err)
	}
	if lease <= 0 {
		return false, fmt.Errorf("store: claim run %s: lease %v must be positive", job, lease)
	}
	at, sl, until := now.UnixMilli(), slot.UnixMilli(), now.Add(lease).UnixMilli()
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ok = false
		if s.dialect == DialectPostgres {
			if _, err := s.exec(ctx, tx, `SELECT pg_advisory_xact_lock(hashtext(? || COALESCE(current_schema(), '')))`,
				scheduleLock+job); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		if _, err := s.exec(ctx, tx, `UPDATE schedule_runs SET status = 'expired', finished_at = ?,
				error = 'the lease of ' || owner || ' expired before the run finished'
			WHERE job = ? AND slot <> ? AND status = 'running' AND lease_until < ?`, at, job, sl, at); err != nil {
			return fmt.Errorf("expire: %w", err)
		}
		var busy int
		if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM schedule_runs
			WHERE job = ? AND ((slot <> ? AND status = 'running') OR slot > ?)`, job, sl, sl).Scan(&busy); err != nil {
			return fmt.Errorf("overlap: %w", err)
		}
		if busy > 0 {
			return nil
		}
		var (
			holder, status string
			leaseUntil     int64
		)
		err := s.queryRow(ctx, tx, `SELECT owner, status, lease_until FROM schedule_runs WHERE job = ? AND slot = ?`,
			job, sl).Scan(&holder, &status, &leaseUntil)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := s.exec(ctx, tx, `INSERT INTO schedule_runs (job, slot, owner, status, attempts, started_at, lease_until)
				VALUES (?, ?, ?, 'running', 1, ?, ?)`, job, sl, owner, at, until); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
			ok = true
			return nil
		case err != nil:
			return err
		case RunStatus(status) != RunRunning:
			return nil
		case holder == owner:
			if _, err := s.exec(ctx, tx, `UPDATE schedule_runs SET lease_until = ? WHERE job = ? AND slot = ?`,
				max(until, leaseUntil), job, sl); err != nil {
				return fmt.Errorf("renew: %w", err)
			}
			ok = true
			return nil
		case leaseUntil < at:
			if _, err := s.exec(ctx, tx, `UPDATE schedule_runs SET owner = ?, attempts = attempts + 1, started_at = ?,
				lease_until = ?, error = '' WHERE job = ? AND slot = ?`, owner, at, until, job, sl); err != nil {
				return fmt.Errorf("take over: %w", err)
			}
			ok = true
			return nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: claim run %s at %s: %w", job, slot.UTC().Format(time.RFC3339), err)
	}
	return ok, nil
}

// FinishRun records the end of owner's run of job for slot: ok when runErr
// is nil, else failed with runErr's text (cut to 2 KB; callers pass errors
// already scrubbed of secrets). The lease ends. ErrLeaseLost (wrapped) when
// the run is no longer owner's to finish (another owner took it over, or it
// was marked expired); ErrNotFound (wrapped) when it was never claimed.
// Safe for concurrent use.
func (s *Store) FinishRun(ctx context.Context, job string, slot time.Time, owner string, runErr error, now time.Time) error {
	if err := checkRun(job, slot, owner); err != nil {
		return fmt.Errorf("store: finish run: %w", err)
	}
	status, msg := RunOK, ""
	if runErr != nil {
		status, msg = RunFailed, clip(runErr.Error())
	}
	at := now.UnixMilli()
	err := s.endRun(ctx, job, slot, owner, `status = ?, finished_at = ?, lease_until = ?, error = ?`,
		[]any{string(status), at, at, msg})
	if err != nil {
		return fmt.Errorf("store: finish run %s at %s: %w", job, slot.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// ReleaseRun gives up owner's lease on job's run for slot without finishing
// it: the run stays running with its lease ended at now, so the next
// ClaimRun of the slot (by any replica) takes it over at once. A scheduler
// that stops while a job runs calls it, with why (already scrubbed) kept as
// the run's error until someone takes it over. Errors as for FinishRun.
// Safe for concurrent use.
func (s *Store) ReleaseRun(ctx context.Context, job string, slot time.Time, owner, why string, now time.Time) error {
	if err := checkRun(job, slot, owner); err != nil {
		return fmt.Errorf("store: release run: %w", err)
	}
	err := s.endRun(ctx, job, slot, owner, `lease_until = ?, error = ?`, []any{now.UnixMilli() - 1, clip(why)})
	if err != nil {
		return fmt.Errorf("store: release run %s at %s: %w", job, slot.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// endRun applies set (with args) to owner's running row of job's slot.
func (s *Store) endRun(ctx context.Context, job string, slot time.Time, owner, set string, args []any) error {
	sl := slot.UnixMilli()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE schedule_runs SET `+set+`
			WHERE job = ? AND slot = ? AND owner = ? AND status = 'running'`, append(args, job, sl, owner)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var n int
		if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM schedule_runs WHERE job = ? AND slot = ?`, job, sl).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return fmt.Errorf("owner %q: %w", owner, ErrLeaseLost)
	})
}

// Runs lists the runs of job (every job when job is empty), latest slot
// first, at most limit (default DefaultRunsLimit, at most MaxRunsLimit),
// for `hubrelay` commands showing a schedule's history. Read-only; safe for
// concurrent use.
func (s *Store) Runs(ctx context.Context, job string, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = DefaultRunsLimit
	}
	limit = min(limit, MaxRunsLimit)
	q := `SELECT job, slot, owner, status, attempts, started_at, lease_until, finished_at, error FROM schedule_runs`
	args := []any{}
	if job != "" {
		q += ` WHERE job = ?`
		args = append(args, job)
	}
	rows, err := s.query(ctx, s.db, q+` ORDER BY slot DESC, job LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var (
			r                      Run
			status                 string
			slot, started, leaseTo int64
			finished               sql.NullInt64
		)
		if err := rows.Scan(&r.Job, &slot, &r.Owner, &status, &r.Attempts, &started, &leaseTo, &finished, &r.Error); err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		r.Status = RunStatus(status)
		r.Slot, r.StartedAt, r.LeaseUntil = ms(slot), ms(started), ms(leaseTo)
		if finished.Valid {
			r.FinishedAt = ms(finished.Int64)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return out, nil
}

func checkRun(job string, slot time.Time, owner string) error {
	if err := checkNoticeText("job", job, MaxJobName); err != nil {
		return err
	}
	switch {
	case slot.IsZero():
		return fmt.Errorf("job %s: the slot is the zero time", job)
	case owner == "":
		return fmt.Errorf("job %s: owner is empty", job)
	}
	return nil
}
