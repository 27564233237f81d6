package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults of Options.
const (
	// DefaultLease is how long a claimed run is its replica's before
	// another may take it over; the scheduler renews it every third of it
	// while the job runs.
	DefaultLease = time.Minute
	// DefaultCatchUp is how late a slot may still run.
	DefaultCatchUp = time.Hour
)

// maxWait bounds one sleep of a job's loop, so that a wall clock that
// jumps (NTP, a suspended machine) is noticed within a minute.
const maxWait = time.Minute

// MaxJobName is the longest job name, in bytes (the store keeps at most
// this much).
const MaxJobName = 200

// Job is a task run on a cron schedule, once per slot across every replica
// sharing the store.
type Job struct {
	// Name is unique among the jobs ("members", "report:system-a"); it
	// keys the run history, so renaming a job forgets its history.
	Name string
	// Spec is a standard 5-field cron spec ("0 11 * * MON-FRI") or a
	// descriptor (@daily); see Parse.
	Spec string
	// Location is the time zone Spec is read in (nil: UTC). Passing the
	// config's timezone (Asia/Tokyo by default) is the caller's business.
	Location *time.Location
	// Run does the job for slot, the scheduled time this run is for (in
	// Location), which may be up to Options.CatchUp in the past. Run must
	// return when ctx is done: ctx ends when the scheduler stops or this
	// replica loses the run's lease. A slot whose run was interrupted may
	// run again, on this or another replica, so Run must be idempotent per
	// slot: derive idempotency keys from slot (store.NoticeKey). The error
	// is recorded with the run, after Options.Redact; a failed slot is not
	// retried, the next slot runs as usual.
	Run func(ctx context.Context, slot time.Time) error
}

// Store keeps the run history that makes each slot run once across
// replicas. *store.Store implements it; every method must be safe for
// concurrent use.
type Store interface {
	// ClaimRun claims job's run for slot for owner until now+lease and
	// reports whether owner may run it. Called again by the owner of a
	// running slot, it renews the lease. It reports false when the slot
	// finished or another owner holds it, when another slot of the job
	// is running, or when a later slot was already claimed; a running
	// slot whose lease expired is taken over.
	ClaimRun(ctx context.Context, job string, slot time.Time, owner string, lease time.Duration, now time.Time) (bool, error)
	// FinishRun records owner's run of job for slot as finished: ok when
	// runErr is nil, else failed with runErr's text.
	FinishRun(ctx context.Context, job string, slot time.Time, owner string, runErr error, now time.Time) error
	// ReleaseRun ends owner's lease on a run it did not finish, so that
	// the next claim of the slot takes it over at once; why is kept as
	// the run's error.
	ReleaseRun(ctx context.Context, job string, slot time.Time, owner, why string, now time.Time) error
}

// Options configure a Scheduler. The zero value is usable.
type Options struct {
	// Owner names this replica in the run history; default host-pid-random.
	// Replicas must have different owners.
	Owner string
	// Log receives the scheduler's logs; default discard.
	Log *slog.Logger
	// Now is the clock; default time.Now. Waits are measured with it and
	// slept with timers, so a test may run the scheduler in a
	// testing/synctest bubble with Now offset to the date it wants.
	Now func() time.Time
	// Lease is how long a claimed run stays this replica's without a
	// renewal; default DefaultLease. A replica that dies mid-run holds
	// the slot for at most this long.
	Lease time.Duration
	// CatchUp is how late a slot may start: after downtime only the latest
	// missed slot runs, and only when it is at most CatchUp old. Default
	// DefaultCatchUp; it must not be negative.
	CatchUp time.Duration
	// Redact scrubs the text of a job's error before it is logged or
	// stored (the service passes its secrets redactor); default none.
	Redact func(string) string
}

// Scheduler runs jobs on their schedules. Build it with New and start it
// with Run, once.
type Scheduler struct {
	st      Store
	jobs    []*job
	owner   string
	log     *slog.Logger
	now     func() time.Time
	lease   time.Duration
	catchUp time.Duration
	redact  func(string) string
}

// job is a Job with its compiled spec.
type job struct {
	Job
	spec *spec
	loc  *time.Location
}

// New checks the jobs and options and returns a Scheduler over st. Errors
// name the job and what is wrong with it.
func New(st Store, jobs []Job, opt Options) (*Scheduler, error) {
	if st == nil {
		return nil, errors.New("schedule: no store")
	}
	s := &Scheduler{st: st, owner: opt.Owner, log: opt.Log, now: opt.Now, lease: opt.Lease, catchUp: opt.CatchUp, redact: opt.Redact}
	if s.owner == "" {
		host, _ := os.Hostname()
		s.owner = fmt.Sprintf("%s-%d-%08x", host, os.Getpid(), rand.Uint32())
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case s.lease < 0:
		return nil, fmt.Errorf("schedule: lease %v must not be negative", s.lease)
	case s.lease == 0:
		s.lease = DefaultLease
	}
	switch {
	case s.catchUp < 0:
		return nil, fmt.Errorf("schedule: catch-up %v must not be negative", s.catchUp)
	case s.catchUp == 0:
		s.catchUp = DefaultCatchUp
	}
	if s.redact == nil {
		s.redact = func(s string) string { return s }
	}
	seen := map[string]bool{}
	for i, j := range jobs {
		if err := checkName(j.Name); err != nil {
			return nil, fmt.Errorf("schedule: jobs[%d]: %w", i, err)
		}
		if seen[j.Name] {
			return nil, fmt.Errorf("schedule: jobs[%d]: job %q is defined twice", i, j.Name)
		}
		seen[j.Name] = true
		sp, err := compile(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("job %q: %w", j.Name, err)
		}
		if j.Run == nil {
			return nil, fmt.Errorf("schedule: job %q has no Run function", j.Name)
		}
		s.jobs = append(s.jobs, &job{Job: j, spec: sp, loc: orUTC(j.Location)})
	}
	return s, nil
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("the job name is empty")
	case len(name) > MaxJobName:
		return fmt.Errorf("the job name is %d bytes long; at most %d", len(name), MaxJobName)
	case !utf8.ValidString(name):
		return fmt.Errorf("the job name %q is not valid UTF-8", name)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("the job name %q holds a control character", name)
	}
	return nil
}

// Owner is the name this scheduler claims runs under.
func (s *Scheduler) Owner() string { return s.owner }

// Run runs every job on its schedule until ctx is done, then cancels the
// runs in progress, waits for them to return, and returns nil. A run that
// returns after its context ended because of the stop is released, not
// recorded as failed: the next claim of its slot (another replica, or this
// one restarted within CatchUp) runs it again. Store errors are logged and
// the claim is tried again; they do not stop Run. Run jobs concurrently
// with one another; one job's runs never overlap.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Go(func() { s.loop(ctx, j) })
	}
	wg.Wait()
	return nil
}

// loop runs one job's slots until ctx is done.
//
// Each time it wakes it looks at the latest slot at or before now. A slot
// it has not yet handled is claimed when it is at most catchUp late, and
// given up otherwise. A claim another replica won is looked at again every
// half lease while the slot may still run: the winner may die, or the
// job's previous run may still be going. After a run the loop looks again
// at once, so that the latest slot that came due while the job ran (the
// run took longer than the interval) runs next, late, instead of
// overlapping it.
func (s *Scheduler) loop(ctx context.Context, j *job) {
	var handled time.Time // the latest slot run or given up on
	first := true
	for ctx.Err() == nil {
		now := s.now()
		wake := j.spec.next(now, j.loc)
		if due := j.spec.prev(now, j.loc); !due.IsZero() && due.After(handled) {
			log := s.log.With(slog.String("job", j.Name), slog.String("slot", due.Format(time.RFC3339)))
			switch late := now.Sub(due); {
			case late > s.catchUp:
				handled = due
				level := slog.LevelWarn
				if first {
					level = slog.LevelDebug // ran before this process started, most likely
				}
				log.Log(ctx, level, "slot not run: it is more than catch_up late", slog.Duration("late", late.Round(time.Second)),
					slog.Duration("catch_up", s.catchUp))
			default:
				ok, err := s.st.ClaimRun(ctx, j.Name, due, s.owner, s.lease, now)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						log.Error("claim scheduled run", slog.String("error", err.Error()))
					}
					wake = earliest(wake, now.Add(s.recheck()))
				case ok:
					s.run(ctx, j, due, log)
					handled = due
					first = false
					continue
				default:
					// Another replica runs or ran it, or the job's
					// previous run is still going: look again while it
					// may still run here.
					log.Debug("slot claimed elsewhere or job busy")
					wake = earliest(wake, now.Add(s.recheck()))
				}
			}
		}
		first = false
		if wake.IsZero() {
			wake = now.Add(maxWait)
		}
		if !sleep(ctx, min(wake.Sub(now), maxWait)) {
			return
		}
	}
}

// recheck is how often a refused or failed claim is tried again.
func (s *Scheduler) recheck() time.Duration { return max(s.lease/2, time.Second) }

// Causes that end a run before it returns by itself.
var (
	errLeaseLost    = errors.New("schedule: another replica took the run over")
	errLeaseExpired = errors.New("schedule: the run's lease could not be renewed before it ran out")
)

// run runs j for slot, renewing the lease while it runs, and records how
// it ended.
func (s *Scheduler) run(ctx context.Context, j *job, slot time.Time, log *slog.Logger) {
	log.Info("scheduled run started", slog.String("owner", s.owner))
	start := s.now()
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() { s.renew(rctx, j, slot, log, cancel, done) })
	err := s.call(rctx, j, slot)
	close(done)
	hb.Wait()
	record, cancelRecord := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancelRecord()
	took := slog.Duration("took", s.now().Sub(start).Round(time.Millisecond))
	switch cause := context.Cause(rctx); {
	case errors.Is(cause, errLeaseLost), errors.Is(cause, errLeaseExpired):
		log.Error("scheduled run cancelled: this replica no longer holds it; its result is dropped", took,
			slog.String("error", cause.Error()))
	case err != nil && ctx.Err() != nil:
		why := "interrupted: the scheduler of " + s.owner + " stopped"
		if rerr := s.st.ReleaseRun(record, j.Name, slot, s.owner, why, s.now()); rerr != nil {
			log.Error("release interrupted run", slog.String("error", rerr.Error()))
		}
		log.Warn("scheduled run interrupted by shutdown; the slot may run again", took, slog.String("error", s.redact(err.Error())))
	default:
		var stored error
		if err != nil {
			stored = errors.New(s.redact(err.Error()))
		}
		if ferr := s.st.FinishRun(record, j.Name, slot, s.owner, stored, s.now()); ferr != nil {
			log.Error("record scheduled run", slog.String("error", ferr.Error()))
		}
		if stored != nil {
			log.Error("scheduled run failed; the next slot runs as usual", took, slog.String("error", stored.Error()))
		} else {
			log.Info("scheduled run finished", took)
		}
	}
}

// call runs the job, turning a panic into an error.
func (s *Scheduler) call(ctx context.Context, j *job, slot time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("scheduled job panicked", slog.String("job", j.Name),
				slog.String("panic", s.redact(fmt.Sprint(p))), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("job %s panicked: %v", j.Name, p)
		}
	}()
	return j.Run(ctx, slot.In(j.loc))
}

// renew renews the run's lease every third of a lease until done closes.
// It cancels the run when another replica holds the slot, or when the
// lease could not be renewed before it ran out (the store is unreachable,
// so another replica may take the slot over).
func (s *Scheduler) renew(ctx context.Context, j *job, slot time.Time, log *slog.Logger, cancel context.CancelCauseFunc, done <-chan struct{}) {
	leaseEnd := s.now().Add(s.lease)
	t := time.NewTicker(max(s.lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.now()
		ok, err := s.st.ClaimRun(ctx, j.Name, slot, s.owner, s.lease, now)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			log.Warn("renew scheduled run lease", slog.String("error", err.Error()))
			if !now.Before(leaseEnd) {
				cancel(errLeaseExpired)
				return
			}
		case !ok:
			cancel(errLeaseLost)
			return
		default:
			leaseEnd = now.Add(s.lease)
		}
	}
}

// sleep waits d or until ctx is done; false when ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// earliest returns the earlier of two times, ignoring a zero a.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}
