package service

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
)

// RunSQS runs the SQS source of sources.sqs until ctx ends, ingesting each
// message as source "sqs" and deleting it once committed; it returns nil
// after a clean stop (in-flight messages finished and acknowledged). It
// returns an error at once when the config has no sources.sqs, when no
// AWS region or credentials are found, or when the queue cannot be read
// (GetQueueAttributes fails). Serve calls it when sources.sqs is set; it
// must return before the ingester is closed.
func (s *Service) RunSQS(ctx context.Context) error {
	c := s.cfg.Sources.SQS
	if c == nil {
		return errors.New("service: no sources.sqs in the config")
	}
	client, err := sqssource.NewClient(ctx, c.Region, c.Endpoint)
	if err != nil {
		return err
	}
	src, err := sqssource.New(client, sqssource.Config{
		QueueURL:          c.QueueURL,
		Concurrency:       c.Concurrency,
		VisibilityTimeout: c.VisibilityTimeout,
		StopTimeout:       ShutdownTimeout,
	}, s.log)
	if err != nil {
		return err
	}
	return src.Run(ctx, func(ctx context.Context, body []byte) (any, error) {
		return s.ingester.Body(ctx, "sqs", body)
	})
}

// sources are the inputs that run beside the HTTP endpoints during Serve:
// sources.sqs and sources.poll.
type sources struct {
	stop context.CancelFunc
	fail context.CancelCauseFunc
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error // the first source's failure
}

// startSources starts the sources the config asks for with a context of
// their own, ended by ctx or by wait. It returns a context for Serve that
// ends with ctx or when a source fails, so that a source that cannot start
// stops the service.
func (s *Service) startSources(ctx context.Context) (context.Context, *sources) {
	serveCtx, fail := context.WithCancelCause(ctx)
	srcCtx, stop := context.WithCancel(ctx)
	src := &sources{stop: stop, fail: fail}
	run := func(name string, fn func(context.Context) error) {
		src.wg.Add(1)
		go func() {
			defer src.wg.Done()
			if err := fn(srcCtx); err != nil && srcCtx.Err() == nil {
				s.log.Error(name+" source failed", slog.String("error", err.Error()))
				src.mu.Lock()
				if src.err == nil {
					src.err = err
				}
				src.mu.Unlock()
				fail(err)
			}
		}()
	}
	if s.cfg.Sources.SQS != nil {
		run("sqs", s.RunSQS)
	}
	if s.poll != nil {
		run("poll", s.poll.Run)
	}
	return serveCtx, src
}

// wait stops the sources, waits for them to finish their work in
// progress, and returns err, or when err is nil the error a source failed
// with.
func (r *sources) wait(err error) error {
	r.stop()
	r.wg.Wait()
	r.fail(nil)
	if err == nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.err
	}
	return err
}
