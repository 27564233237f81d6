package main

import (
	"context"
	"log/slog"
	"net"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/spf13/cobra"
)

func newServeCommand(s streams) *cobra.Command {
	var configPath, listen, logLevel string
	cmd := &cobra.Command{
		Use:   "serve -c CONFIG",
		Short: "Run the service: HTTP ingest, durable delivery, health and metrics",
		Long: `serve runs hubrelay as a service. It receives EventBridge events on the
sources.http path (an EventBridge API destination calls it), commits each finding
and the deliveries its routes ask for to the store, and only then answers 202.
The delivery queue sends them, retrying with back-off, within each destination's
rate limit; digests gather grouped findings. /healthz answers while the process
runs, /readyz while the store answers, /metrics serves Prometheus metrics.

Logs are JSON lines on standard error. SIGINT or SIGTERM stops taking requests,
finishes those in progress and the deliveries in flight, and exits.

Several replicas may share one PostgreSQL store.

Exit status: 0 after a clean stop, 1 if the service failed (store unreachable,
address in use), 2 for an invalid config or flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			level, err := parseLevel(logLevel)
			if err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			log := slog.New(slog.NewJSONHandler(s.err, &slog.HandlerOptions{Level: level}))
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			work, err := newScheduledWork(ctx, cfg, nil, log)
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			defer work.Close()
			svc, err := service.Open(ctx, cfg, service.Options{
				Registry:    destinations.Registry(),
				Log:         log,
				Stdout:      s.out,
				SecurityHub: work.SecurityHub,
				Jobs:        work.Jobs,
				CloudTrail:  work.CloudTrail,
				Handlers:    work.Handlers,
			})
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			defer svc.Close()
			addr := listen
			if addr == "" && cfg.Sources.HTTP != nil {
				addr = cfg.Sources.HTTP.Listen
			}
			if addr == "" {
				addr = ":8080"
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fail(exitNegative, "listen: %w", err)
			}
			if err := svc.Serve(ctx, ln); err != nil {
				return fail(exitNegative, "%w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVar(&listen, "listen", "", "address to listen on (default: sources.http.listen, else :8080)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return l, fail(exitInvalid, "--log-level: want debug, info, warn or error, got %q", s)
	}
	return l, nil
}

// withTimeout is context.WithTimeout that treats d <= 0 as no timeout.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
