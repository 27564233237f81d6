// Package service assembles the running hubrelay: the store, the router
// and ingester, the destinations, the delivery queue, and the HTTP
// endpoints (ingest, health, readiness, metrics), and runs them until told
// to stop, then stops them in the order that loses nothing: stop taking
// input, finish the commits in progress, finish the deliveries in flight,
// close the store.
package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/metrics"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/queue"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/source"
	"github.com/hubrelay/hubrelay/internal/store"
)

// ShutdownTimeout bounds how long Serve waits for HTTP requests in
// progress when it stops.
const ShutdownTimeout = 30 * time.Second

// Options are what the program supplies besides the config.
type Options struct {
	// Registry builds the destinations; required.
	Registry *notify.Registry
	// Log receives the service's logs; default discard. It is wrapped
	// with the config's Redactor.
	Log *slog.Logger
	// Stdout is where stdout destinations write; default io.Discard.
	Stdout io.Writer
	// HTTPClient is the destinations' HTTP client; default notify's.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Owner names this process in delivery leases; default host-pid-random.
	Owner string
	// Marker receives findings to mark NOTIFIED; nil: a Security Hub
	// updater when securityhub.mark_notified is set, else no feedback.
	Marker queue.Marker
	// SecurityHub is the Security Hub client for feedback and polling
	// (tests and the demo pass one for the in-process API); nil: one from
	// the AWS SDK's default chain, when the config needs it.
	SecurityHub *securityhub.Client
	// Jobs, when set, builds the scheduled jobs Serve runs beside the
	// queue, each slot once across replicas (see package schedule).
	Jobs Jobs
	// CloudTrail, when set, builds the handler of EventBridge "AWS API
	// Call via CloudTrail" events that reach the sources (member
	// monitoring's immediate alerts). Open calls it once, after the store
	// and the queue exist (so it may use svc.EnqueueNotices) and before
	// the ingester; a nil handler leaves such events to the finding
	// decoder, which refuses them. An error fails Open.
	CloudTrail func(svc *Service) (func(ctx context.Context, event []byte) error, error)
	// Handlers are served beside the service's own endpoints, by
	// http.ServeMux pattern (the local report archive's "/reports/"). A
	// pattern that clashes with the service's own is refused by Handler's
	// mux with a panic, so callers pass fixed patterns.
	Handlers map[string]http.Handler
}

// Service is one running hubrelay. Build it with Open; Serve runs it;
// Close releases it.
type Service struct {
	cfg       *config.Config
	log       *slog.Logger
	store     *store.Store
	ingester  *ingest.Ingester
	queue     *queue.Queue
	metrics   *metrics.Metrics
	notifiers []notify.Notifier
	poll      *securityhub.Poller
	handlers  map[string]http.Handler
	scheduler *schedule.Scheduler
	now       func() time.Time
	stopping  atomic.Bool
}

// Open opens the store named by cfg (migrating it), builds every
// destination, the router, the ingester and the queue. On error nothing is
// left open.
func Open(ctx context.Context, cfg *config.Config, opt Options) (_ *Service, err error) {
	if opt.Registry == nil {
		return nil, errors.New("service: no destination registry")
	}
	red := notify.NewRedactor(cfg.Secrets()...)
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = red.Logger(log)
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Service{cfg: cfg, log: log, metrics: metrics.New(), handlers: opt.Handlers}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.store, err = store.Open(ctx, cfg.Store); err != nil {
		return nil, err
	}
	s.metrics.WatchDepth(func(ctx context.Context) (map[string]int, error) {
		counts, err := s.store.Counts(ctx)
		out := make(map[string]int, len(counts))
		for st, n := range counts {
			out[string(st)] = n
		}
		return out, err
	})
	env := notify.Env{
		HTTPClient: opt.HTTPClient,
		Logger:     log,
		Language:   cfg.Language,
		Location:   cfg.Location,
		Region:     cfg.SecurityHub.Region,
		Now:        opt.Now,
		Stdout:     opt.Stdout,
		Redactor:   red,
	}
	dests := make(map[string]queue.Destination, len(cfg.Destinations))
	for _, d := range cfg.Destinations {
		n, err := opt.Registry.New(d.Type, d.Name, d.Settings, env)
		if err != nil {
			return nil, err
		}
		s.notifiers = append(s.notifiers, n)
		qd := queue.Destination{
			Type:     d.Type,
			Notifier: n,
			Policy: queue.Policy{
				MaxAttempts: d.Retry.MaxAttempts,
				MaxAge:      d.Retry.MaxAge,
				MinBackoff:  d.Retry.MinBackoff,
				MaxBackoff:  d.Retry.MaxBackoff,
			},
		}
		if d.Rate != nil {
			qd.Rate = &queue.Rate{Interval: d.Rate.Interval, Concurrency: d.Rate.Concurrency}
		}
		dests[d.Name] = qd
	}
	reminders := map[string]time.Duration{}
	for _, r := range cfg.Routes {
		if r.RepeatInterval > 0 {
			reminders[r.Name] = r.RepeatInterval
		}
	}
	if opt.Marker == nil {
		if opt.Marker, err = marker(ctx, cfg, opt.SecurityHub, log); err != nil {
			return nil, err
		}
	}
	s.queue, err = queue.New(s.store, queue.Config{
		Owner:        opt.Owner,
		Workers:      cfg.Delivery.Workers,
		Lease:        cfg.Delivery.Lease,
		Poll:         cfg.Delivery.Poll,
		Destinations: dests,
		Reminders:    reminders,
		Marker:       opt.Marker,
		Log:          log,
		Metrics:      s.metrics,
		Now:          opt.Now,
	})
	if err != nil {
		return nil, err
	}
	router, err := route.New(cfg)
	if err != nil {
		return nil, err
	}
	var cloudTrail func(context.Context, []byte) error
	if opt.CloudTrail != nil {
		if cloudTrail, err = opt.CloudTrail(s); err != nil {
			return nil, fmt.Errorf("service: cloudtrail events: %w", err)
		}
	}
	s.ingester, err = ingest.New(cfg, router, s.store, ingest.Options{
		Log:        log,
		Metrics:    s.metrics,
		Now:        opt.Now,
		Committed:  s.queue.Wake,
		CloudTrail: cloudTrail,
	})
	if err != nil {
		return nil, err
	}
	if s.poll, err = s.poller(ctx, opt.SecurityHub); err != nil {
		return nil, err
	}
	if err := s.newScheduler(opt, red); err != nil {
		return nil, err
	}
	return s, nil
}

// Store is the service's store, for commands that read it.
func (s *Service) Store() *store.Store { return s.store }

// Ingester takes findings in; sources call it.
func (s *Service) Ingester() *ingest.Ingester { return s.ingester }

// Queue delivers; Serve runs it.
func (s *Service) Queue() *queue.Queue { return s.queue }

// Metrics are the service's Prometheus metrics.
func (s *Service) Metrics() *metrics.Metrics { return s.metrics }

// Handler serves the HTTP endpoints: the ingest path of sources.http
// (when configured), /healthz, /readyz and /metrics.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	if h := s.cfg.Sources.HTTP; h != nil {
		in := source.NewHTTP(source.HTTPConfig{
			Path:          h.Path,
			APIKey:        h.APIKey,
			APIKeyHeader:  h.APIKeyHeader,
			BasicUser:     h.BasicUser,
			BasicPassword: h.BasicPassword,
			BearerToken:   h.BearerToken,
		}, func(ctx context.Context, body []byte) (any, error) {
			return s.ingester.Body(ctx, "http", body)
		}, s.log, s.metrics)
		mux.Handle(h.Path, in)
	}
	mux.Handle("/healthz", source.Liveness())
	mux.Handle("/readyz", source.Readiness(func(ctx context.Context) error {
		if s.stopping.Load() {
			return errors.New("shutting down")
		}
		return s.store.Ping(ctx)
	}))
	mux.Handle("/metrics", s.metrics.Handler())
	for pattern, h := range s.handlers {
		mux.Handle(pattern, h)
	}
	return mux
}

// Serve runs the queue, the scheduled jobs, and the HTTP endpoints on ln
// when ln is not nil, until ctx is done; then it stops taking requests,
// waits for those in progress (at most ShutdownTimeout), stops the
// scheduler (cancelling the runs in progress), finishes the commits and
// the deliveries in flight, and returns. It returns the HTTP server's error
// if it fails to serve.
func (s *Service) Serve(ctx context.Context, ln net.Listener) error {
	ctx, sources := s.startSources(ctx)
	qctx, stopQueue := context.WithCancel(context.WithoutCancel(ctx))
	defer stopQueue()
	qdone := make(chan error, 1)
	go func() { qdone <- s.queue.Run(qctx) }()
	stopScheduler := s.startScheduler(ctx)

	var serveErr error
	if ln != nil {
		srv := &http.Server{
			Handler:           s.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		}
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		s.log.Info("serving", slog.String("listen", ln.Addr().String()))
		select {
		case <-ctx.Done():
		case serveErr = <-errc:
		}
		s.stopping.Store(true)
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Warn("http shutdown", slog.String("error", err.Error()))
		}
		cancel()
	} else {
		<-ctx.Done()
		s.stopping.Store(true)
	}
	serveErr = sources.wait(serveErr)
	stopScheduler()
	s.ingester.Close()
	stopQueue()
	if err := <-qdone; err != nil && serveErr == nil {
		serveErr = err
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	s.log.Info("stopped")
	return serveErr
}

// Close closes the ingester, the destinations and the store. Safe to call
// after Serve and more than once.
func (s *Service) Close() error {
	if s.ingester != nil {
		s.ingester.Close()
	}
	for _, n := range s.notifiers {
		if c, ok := n.(io.Closer); ok {
			c.Close()
		}
	}
	s.notifiers = nil
	if s.store != nil {
		err := s.store.Close()
		s.store = nil
		return err
	}
	return nil
}
