package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

// Store is what the queue needs of the store. *store.Store implements it;
// every method must be safe for concurrent use.
type Store interface {
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Claimed, error)
	Complete(ctx context.Context, id int64, owner string, r store.Receipt, now time.Time) error
	Retry(ctx context.Context, id int64, owner, lastErr string, next, now time.Time) error
	Kill(ctx context.Context, id int64, owner, lastErr string, now time.Time) error
	FlushGroups(ctx context.Context, now time.Time, limit int) (int, error)
	Remind(ctx context.Context, now time.Time, every map[string]time.Duration) (int, error)
	Reserve(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Time, error)
	ClaimFeedback(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Feedback, error)
	CompleteFeedback(ctx context.Context, ids []int64, owner string, now time.Time) error
	RetryFeedback(ctx context.Context, ids []int64, owner, lastErr string, next, now time.Time) error
}

// Marker marks findings whose deliveries all succeeded (Security Hub
// Workflow NOTIFIED). It gets at most 100 findings per call and returns
// the ones it could not mark, by Feedback.ID, with why; err fails the
// whole call. Failed findings are tried again later.
type Marker interface {
	Mark(ctx context.Context, items []store.Feedback) (failed map[int64]error, err error)
}

// Recorder receives the outcome of every attempt; *metrics.Metrics is
// one. outcome is "delivered", "retry" or "dead"; latency is the time
// from the delivery's creation to its success.
type Recorder interface {
	Delivery(destination, outcome string, latency time.Duration)
}

// Destination is one configured destination as the queue sees it.
type Destination struct {
	// Type is the destination's type name ("slack", "backlog", …): it
	// picks the default rate limit.
	Type     string
	Notifier notify.Notifier
	Policy   Policy
	// Rate limits how fast the destination is called, across every
	// process sharing the store; the zero Rate means DefaultRate(Type).
	Rate *Rate
}

// Config describes a Queue. Destinations is required; the rest has
// defaults.
type Config struct {
	// Owner names this process in leases; default host-pid-random.
	Owner string
	// Workers is how many deliveries run at once; default 4.
	Workers int
	// Lease is how long a claimed delivery is this process's; it must
	// exceed SendTimeout plus the longest rate-limit wait. Default 2m.
	Lease time.Duration
	// Poll is how often an idle queue looks for due work; Wake makes it
	// look at once. Default 200ms.
	Poll time.Duration
	// SendTimeout bounds one Notify call. Default 30s.
	SendTimeout time.Duration
	// Destinations by configured name.
	Destinations map[string]Destination
	// Reminders maps route names to their repeat interval.
	Reminders map[string]time.Duration
	// Marker, when set, receives the findings to mark NOTIFIED.
	Marker Marker
	// FeedbackWait is how long findings due to be marked NOTIFIED may
	// wait to be marked together: after a call with fewer than 100 (the
	// most one BatchUpdateFindings call takes) the next waits this long,
	// so that a trickle of deliveries is marked in a few calls rather
	// than one call per finding or two (the API allows 10 calls a second
	// for every user of the account). A full batch is followed at once.
	// Default 2s; never less than Poll.
	FeedbackWait time.Duration
	Log          *slog.Logger
	Metrics      Recorder
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Rand seeds the jitter; default random.
	Rand *rand.Rand
}

// Queue delivers what the store holds. Create it with New and run it with
// Run; Wake may be called from any goroutine.
type Queue struct {
	st      Store
	cfg     Config
	log     *slog.Logger
	rec     Recorder
	now     func() time.Time
	limits  *limiter
	wake    chan struct{}
	randMu  sync.Mutex
	rnd     *rand.Rand
	lastRem time.Time
	lastHK  time.Time
}

// New checks cfg and returns a Queue over st.
func New(st Store, cfg Config) (*Queue, error) {
	if st == nil {
		return nil, errors.New("queue: no store")
	}
	if cfg.Owner == "" {
		host, _ := os.Hostname()
		cfg.Owner = fmt.Sprintf("%s-%d-%08x", host, os.Getpid(), rand.Uint32())
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 200 * time.Millisecond
	}
	if cfg.FeedbackWait <= 0 {
		cfg.FeedbackWait = DefaultFeedbackWait
	}
	cfg.FeedbackWait = max(cfg.FeedbackWait, cfg.Poll)
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 30 * time.Second
	}
	if cfg.SendTimeout >= cfg.Lease {
		cfg.SendTimeout = cfg.Lease / 2
	}
	for name, d := range cfg.Destinations {
		if d.Notifier == nil {
			return nil, fmt.Errorf("queue: destination %q has no notifier", name)
		}
	}
	q := &Queue{st: st, cfg: cfg, log: cfg.Log, rec: cfg.Metrics, now: cfg.Now, rnd: cfg.Rand, wake: make(chan struct{}, 1)}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	if q.rec == nil {
		q.rec = nopRecorder{}
	}
	if q.now == nil {
		q.now = time.Now
	}
	if q.rnd == nil {
		q.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	q.limits = newLimiter(st, q.now)
	return q, nil
}

// Wake makes an idle Run look for work now rather than at its next poll.
// It never blocks; the ingester calls it after each commit.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done, then stops claiming, lets the deliveries
// in flight finish (each bounded by SendTimeout), and returns nil. It
// returns an error only for a broken Config. Store errors are logged and
// retried at the next poll: the work stays in the store.
func (q *Queue) Run(ctx context.Context) error {
	return q.run(ctx, nil)
}

// Counter reports how many deliveries the store holds by status; the
// store's Counts is one.
type Counter func(ctx context.Context) (map[store.Status]int, error)

// Drain delivers like Run but returns as soon as the store holds no
// delivery that is pending, grouped, digested or being sent, or when ctx
// is done: for batch runs (hubrelay route, the demo). Digest groups are
// flushed when their wait is up, so Drain lasts at least that long when
// a route groups. It returns what counts reports at the end.
func (q *Queue) Drain(ctx context.Context, counts Counter) (map[store.Status]int, error) {
	var last map[store.Status]int
	var lastErr error
	idle := func() bool {
		last, lastErr = counts(ctx)
		if lastErr != nil {
			return false
		}
		return last[store.StatusPending]+last[store.StatusGrouped]+last[store.StatusDigested]+last[store.StatusSending] == 0
	}
	q.lastHK = time.Time{}
	err := q.run(ctx, idle)
	if q.cfg.Marker != nil && ctx.Err() == nil {
		// The deliveries are done: mark what they completed.
		q.feedback(ctx, ctx)
	}
	if err == nil && ctx.Err() == nil {
		return last, lastErr
	}
	if c, cerr := counts(context.WithoutCancel(ctx)); cerr == nil {
		last = c
	}
	return last, err
}

func (q *Queue) run(ctx context.Context, idle func() bool) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inflight int
		finished = make(chan struct{}, q.cfg.Workers)
	)
	defer wg.Wait()
	if q.cfg.Marker != nil {
		// Feedback runs beside the deliveries: a slow or throttled
		// Security Hub must not hold them up. It stops when run returns.
		fctx, stopFeedback := context.WithCancel(ctx)
		defer stopFeedback()
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTimer(q.cfg.Poll)
			defer t.Stop()
			for {
				wctx, cancel := context.WithTimeout(context.WithoutCancel(fctx), q.cfg.Lease)
				marked := q.feedback(wctx, fctx)
				cancel()
				// Nothing was due: look again at the next poll. Some
				// were (the last batch was not full): let the next ones
				// gather for FeedbackWait.
				wait := q.cfg.Poll
				if marked > 0 {
					wait = q.cfg.FeedbackWait
				}
				t.Reset(wait)
				select {
				case <-fctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if ctx.Err() != nil {
			return nil
		}
		q.housekeep(ctx)
		mu.Lock()
		free := q.cfg.Workers - inflight
		mu.Unlock()
		claimed := 0
		if free > 0 {
			cs, err := q.st.Claim(ctx, q.cfg.Owner, q.now(), q.cfg.Lease, free)
			if err != nil && ctx.Err() == nil {
				q.log.Error("claim deliveries", slog.String("error", err.Error()))
			}
			claimed = len(cs)
			for _, c := range cs {
				mu.Lock()
				inflight++
				mu.Unlock()
				wg.Add(1)
				go func(c store.Claimed) {
					defer wg.Done()
					q.deliver(ctx, c)
					mu.Lock()
					inflight--
					mu.Unlock()
					select {
					case finished <- struct{}{}:
					default:
					}
				}(c)
			}
		}
		if claimed > 0 && claimed == free {
			// Busy: look again as soon as a worker is free.
			select {
			case <-finished:
			case <-ctx.Done():
			}
			continue
		}
		if claimed > 0 {
			continue
		}
		if idle != nil {
			mu.Lock()
			busy := inflight > 0
			mu.Unlock()
			if !busy && idle() {
				return nil
			}
		}
		timer.Reset(q.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-q.wake:
		case <-finished:
		case <-timer.C:
		}
	}
}

// housekeep, at most once a Poll, flushes due digest groups and queues
// due reminders (at most once a Poll·50).
func (q *Queue) housekeep(ctx context.Context) {
	now := q.now()
	if now.Sub(q.lastHK) < q.cfg.Poll && !q.lastHK.After(now) {
		return
	}
	q.lastHK = now
	if n, err := q.st.FlushGroups(ctx, now, 100); err != nil && ctx.Err() == nil {
		q.log.Error("flush digest groups", slog.String("error", err.Error()))
	} else if n > 0 {
		q.log.Debug("digests queued", slog.Int("digests", n))
	}
	if len(q.cfg.Reminders) > 0 && now.Sub(q.lastRem) >= 50*q.cfg.Poll {
		q.lastRem = now
		if n, err := q.st.Remind(ctx, now, q.cfg.Reminders); err != nil && ctx.Err() == nil {
			q.log.Error("queue reminders", slog.String("error", err.Error()))
		} else if n > 0 {
			q.log.Info("reminders queued", slog.Int("reminders", n))
		}
	}
}

func (q *Queue) jitter(p Policy, attempt int, retryAfter time.Duration) time.Duration {
	q.randMu.Lock()
	defer q.randMu.Unlock()
	return p.backoff(attempt, retryAfter, q.rnd)
}

type nopRecorder struct{}

func (nopRecorder) Delivery(string, string, time.Duration) {}
