package service

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/store"
)

// Jobs builds the scheduled jobs the service runs beside the queue
// (member monitoring, per-project reports). Open calls it once, after the
// store and the queue exist, so the jobs may use svc.Store and
// svc.EnqueueNotices; an error fails Open.
type Jobs func(svc *Service) ([]schedule.Job, error)

// newScheduler builds the scheduler of the jobs opt.Jobs returns; none
// when opt.Jobs is nil or returns no job.
func (s *Service) newScheduler(opt Options, red *notify.Redactor) error {
	s.now = opt.Now
	if opt.Jobs == nil {
		return nil
	}
	jobs, err := opt.Jobs(s)
	if err != nil {
		return fmt.Errorf("service: scheduled jobs: %w", err)
	}
	if len(jobs) == 0 {
		return nil
	}
	s.scheduler, err = schedule.New(s.store, jobs, schedule.Options{
		Owner:  opt.Owner,
		Log:    s.log,
		Now:    opt.Now,
		Redact: red.String,
	})
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	return nil
}

// Scheduler runs the scheduled jobs; nil when there are none. Serve runs
// it.
func (s *Service) Scheduler() *schedule.Scheduler { return s.scheduler }

// EnqueueNotices commits notices for the queue to deliver and wakes the
// queue. Scheduled jobs call it; see store.EnqueueNotices for the
// idempotency and the errors. Safe for concurrent use.
func (s *Service) EnqueueNotices(ctx context.Context, ns []store.NoticeDelivery) (int, error) {
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	n, err := s.store.EnqueueNotices(ctx, ns, now())
	if n > 0 {
		s.queue.Wake()
	}
	return n, err
}

// startScheduler runs the scheduler, when there is one, until the
// returned stop is called; stop cancels the runs in progress and waits
// for them. Serve calls stop before it stops the ingester and the queue,
// so that notices a job committed are still delivered.
func (s *Service) startScheduler(ctx context.Context) (stop func()) {
	if s.scheduler == nil {
		return func() {}
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.scheduler.Run(sctx); err != nil {
			s.log.Error("scheduler stopped", slog.String("error", err.Error()))
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
