package schedule_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// The scheduler tests run in testing/synctest bubbles: timers and
// time.Now are virtual, so hours of schedule pass in milliseconds, while
// the store is real (SQLite, PostgreSQL) and every claim really races.

// clock returns a clock for Options.Now that reads start when called
// first and advances with the bubble's virtual time. Call it inside the
// bubble.
func clock(start time.Time) func() time.Time {
	origin := time.Now()
	return func() time.Time { return start.Add(time.Since(origin)) }
}

// openStore opens the store at dsn, closed when the test (or bubble) ends.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// forEachDSN runs fn with a fresh database of each dialect.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, storetest.DSN(t, d)) })
	}
}

// ran is one call of a job's Run.
type ran struct {
	job, owner string
	slot       time.Time
	start, end time.Time
	err        error
}

// journal records the runs of jobs, across schedulers.
type journal struct {
	mu     sync.Mutex
	runs   []ran
	active map[string]int // job → runs in progress
	most   map[string]int // job → most runs in progress at once
}

func newJournal() *journal { return &journal{active: map[string]int{}, most: map[string]int{}} }

// job returns a Job named name that records each run in the journal under
// owner, then does work (which may be nil).
func (j *journal) job(name, spec string, loc *time.Location, owner string, now func() time.Time,
	work func(ctx context.Context, slot time.Time) error) schedule.Job {
	return schedule.Job{Name: name, Spec: spec, Location: loc, Run: func(ctx context.Context, slot time.Time) error {
		j.mu.Lock()
		j.active[name]++
		j.most[name] = max(j.most[name], j.active[name])
		i := len(j.runs)
		j.runs = append(j.runs, ran{job: name, owner: owner, slot: slot, start: now()})
		j.mu.Unlock()
		var err error
		if work != nil {
			err = work(ctx, slot)
		}
		j.mu.Lock()
		j.active[name]--
		j.runs[i].end, j.runs[i].err = now(), err
		j.mu.Unlock()
		return err
	}}
}

// of returns the runs of job, in start order.
func (j *journal) of(job string) []ran {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []ran
	for _, r := range j.runs {
		if r.job == job {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b ran) int { return a.start.Compare(b.start) })
	return out
}

func (j *journal) mostAtOnce(job string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.most[job]
}

// logBuffer is a log destination tests read back.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// running is a started Scheduler.Run.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// start runs s until stop is called.
func start(s *schedule.Scheduler) *running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- s.Run(ctx) }()
	return r
}

// stop cancels the run and waits for Run to return; Run's error fails t.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func newScheduler(t *testing.T, st schedule.Store, jobs []schedule.Job, opt schedule.Options) *schedule.Scheduler {
	t.Helper()
	s, err := schedule.New(st, jobs, opt)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// history returns the store's runs of job, oldest slot first.
func history(t *testing.T, st *store.Store, job string) []store.Run {
	t.Helper()
	rs, err := st.Runs(context.Background(), job, store.MaxRunsLimit)
	if err != nil {
		t.Fatalf("Runs: %v", err)
	}
	slices.Reverse(rs)
	return rs
}

// slotsBetween lists the slots of spec in loc from first to last,
// inclusive.
func slotsBetween(t *testing.T, spec string, loc *time.Location, first, last time.Time) []time.Time {
	t.Helper()
	var out []time.Time
	at := first.Add(-time.Second)
	for {
		next, err := schedule.Next(spec, loc, at)
		if err != nil {
			t.Fatal(err)
		}
		if next.After(last) {
			return out
		}
		out = append(out, next)
		at = next
	}
}
