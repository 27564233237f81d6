package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// routeChunk is how many findings one ingest call commits.
const routeChunk = 500

func newRouteCommand(s streams) *cobra.Command {
	var (
		configPath, output string
		noDeliver          bool
		wait               time.Duration
	)
	cmd := &cobra.Command{
		Use:   "route -c CONFIG [FILE|DIR|-]...",
		Short: "Route findings from files through the store and deliver them",
		Long: `route runs the service's pipeline over files, for batch use: it reads findings
(the shapes "hubrelay test" reads; "-" or no argument reads standard input),
routes them, commits them and their deliveries to the store (deduplicated: a
finding told before in the same episode is not told again), and then delivers
until nothing is left to do or --wait has passed. With --no-deliver it only
queues, for a "hubrelay serve" sharing the store to deliver.

A progress bar is drawn on standard error when it is a terminal.

--output json prints one JSON object:
  {"findings", "deliveries", "duplicates", "suppressed", "unmatched", "stale",
   "input_errors", "store": {"<status>": count, ...}}

Exit status: 0 everything read and delivered; 1 some input could not be read,
deliveries are dead or still waiting when route stops (see "hubrelay
deliveries list"), or the store could not be opened; 2 invalid config or flags.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
			svc, err := service.Open(ctx, cfg, service.Options{Registry: destinations.Registry(), Log: log, Stdout: s.out})
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			defer svc.Close()

			items, bad := decodeArgs(s, args)
			for _, e := range bad {
				fmt.Fprintln(s.err, "hubrelay:", e)
			}
			bar := newBar(s.err, len(items), "committing findings")
			var sum ingest.Result
			for start := 0; start < len(items); start += routeChunk {
				end := min(start+routeChunk, len(items))
				res, err := svc.Ingester().Items(ctx, "file", items[start:end])
				if err != nil {
					return fail(exitNegative, "%w (%d of %d findings committed)", err, sum.Findings, len(items))
				}
				sum.Add(res)
				bar.Add(end - start)
			}
			bar.Finish()

			var counts map[store.Status]int
			if !noDeliver {
				dctx, cancel := withTimeout(ctx, wait)
				counts, err = drainWithProgress(dctx, svc, s.err)
				cancel()
				if err != nil {
					return fail(exitNegative, "deliver: %w", err)
				}
			} else if counts, err = svc.Store().Counts(ctx); err != nil {
				return fail(exitNegative, "store: %w", err)
			}
			if err := printRouteSummary(s.out, output, sum, len(bad), counts); err != nil {
				return err
			}
			waiting := counts[store.StatusPending] + counts[store.StatusGrouped] + counts[store.StatusDigested] + counts[store.StatusSending]
			if len(bad) > 0 || counts[store.StatusDead] > 0 || (!noDeliver && waiting > 0) {
				return &exitError{code: exitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().BoolVar(&noDeliver, "no-deliver", false, "only commit; leave delivery to a running hubrelay serve")
	cmd.Flags().DurationVar(&wait, "wait", 5*time.Minute, "longest time to keep delivering (retries, digest waits); 0 = no limit")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// drainWithProgress delivers until the store has nothing left to do,
// showing how many deliveries remain.
func drainWithProgress(ctx context.Context, svc *service.Service, w io.Writer) (map[store.Status]int, error) {
	counts := func(ctx context.Context) (map[store.Status]int, error) { return svc.Store().Counts(ctx) }
	start, err := counts(ctx)
	if err != nil {
		return nil, err
	}
	total := start[store.StatusPending] + start[store.StatusGrouped]
	bar := newBar(w, total, "delivering")
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if c, err := counts(ctx); err == nil {
					left := c[store.StatusPending] + c[store.StatusGrouped] + c[store.StatusDigested] + c[store.StatusSending]
					bar.Set(max(0, total-left))
				}
			}
		}
	}()
	res, err := svc.Queue().Drain(ctx, counts)
	close(done)
	bar.Finish()
	if ctx.Err() != nil {
		err = nil // --wait ran out: report what is left
	}
	return res, err
}

// newBar returns a progress bar on w when w is a terminal, else one that
// draws nothing.
func newBar(w io.Writer, n int, what string) *progressbar.ProgressBar {
	if f, ok := w.(*os.File); ok && n > 0 {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(io.Discard), progressbar.OptionSetVisibility(false))
}

func printRouteSummary(w io.Writer, output string, sum ingest.Result, inputErrors int, counts map[store.Status]int) error {
	if output == "json" {
		byStatus := map[string]int{}
		for st, n := range counts {
			byStatus[string(st)] = n
		}
		return json.NewEncoder(w).Encode(struct {
			ingest.Result
			InputErrors int            `json:"input_errors"`
			Store       map[string]int `json:"store"`
		}{sum, inputErrors, byStatus})
	}
	fmt.Fprintf(w, "findings %d: %d new deliveries, %d already told, %d suppressed, %d unmatched, %d stale\n",
		sum.Findings, sum.Deliveries, sum.Duplicates, sum.Suppressed, sum.Unmatched, sum.Stale)
	if inputErrors > 0 {
		fmt.Fprintf(w, "input errors: %d (listed on stderr)\n", inputErrors)
	}
	fmt.Fprintf(w, "deliveries in the store: %d delivered, %d dead, %d waiting, %d dropped\n",
		counts[store.StatusDelivered], counts[store.StatusDead],
		counts[store.StatusPending]+counts[store.StatusGrouped]+counts[store.StatusDigested]+counts[store.StatusSending],
		counts[store.StatusDropped])
	if counts[store.StatusDead] > 0 {
		fmt.Fprintln(w, `see them with "hubrelay deliveries list --status dead", resend with "hubrelay deliveries retry"`)
	}
	return nil
}
