package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/hubrelay/hubrelay/examples"
	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/spf13/cobra"
)

func newDemoCommand(s streams) *cobra.Command {
	var (
		output, at, dir string
		dryRun          bool
		wait            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the service on the bundled sample findings and example config",
		Long: `demo needs no AWS account and no token. It runs the service's pipeline on a
fresh SQLite store: the published sample findings bundled in the binary (25 ASFF
findings from Security Hub, GuardDuty, Inspector, Config, Health, Access
Analyzer, Prowler, Trivy and others, and 5 OCSF findings of the new Security
Hub) go through the bundled example config, which reproduces the rules of the
setups users build by hand (Backlog tickets for failing controls, Slack channels
per account × product × severity with digests, paging on CRITICAL, custom
actions, suppressions). Its destinations are stdout destinations whose messages
are written to messages.jsonl in the demo folder. demo then shows the delivery
log, and sends the same findings once more to show that nothing is told twice.
Security Hub is played by hubrelay's in-process Security Hub API holding the
samples: findings whose deliveries succeeded are marked NOTIFIED in it.

--dry-run only shows where each finding would go, as "hubrelay test" does.
Print the config it uses with "hubrelay demo --show-config".

Exit status: 0 on success; 1 if a bundled sample could not be read, a delivery
is dead, or the store could not be opened; 2 for invalid flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			now, err := parseAt(at, time.UTC) // checks the flag before the config is read
			if err != nil {
				return err
			}
			fsys := examples.FS()
			raw, err := fs.ReadFile(fsys, examples.DemoConfig)
			if err != nil {
				return fail(exitInvalid, "demo config: %w", err)
			}
			if show, _ := cmd.Flags().GetBool("show-config"); show {
				_, err := s.out.Write(raw)
				return err
			}
			cfg, err := config.Parse(examples.DemoConfig, raw, configOptions(now)...)
			if err != nil {
				var list config.ErrorList
				if errors.As(err, &list) {
					return fail(exitInvalid, "%s", list.Detailed())
				}
				return fail(exitInvalid, "%w", err)
			}
			if now, err = parseAt(at, cfg.Location); err != nil {
				return err
			}
			items, bad := decodeSamples(fsys)
			if dryRun {
				if output == "table" {
					fmt.Fprintf(s.out, "hubrelay demo: %d sample findings through %s (%d routes, %d suppressions)\n\n",
						len(items), examples.DemoConfig, len(cfg.Routes), len(cfg.Suppressions))
				}
				return evaluate(s, cfg, items, bad, output, now)
			}
			if dir == "" {
				if dir, err = os.MkdirTemp("", "hubrelay-demo-"); err != nil {
					return fail(exitNegative, "demo folder: %w", err)
				}
			} else if err := os.MkdirAll(dir, 0o755); err != nil {
				return fail(exitNegative, "demo folder: %w", err)
			}
			cfg.Store = "sqlite:" + filepath.Join(dir, "hubrelay.db")
			rep, err := runDemo(cmd.Context(), wait, s, cfg, items, dir, clockFrom(now, at != ""))
			if err != nil {
				return fail(exitNegative, "demo: %w", err)
			}
			if output == "json" {
				if err := json.NewEncoder(s.out).Encode(rep); err != nil {
					return err
				}
			} else {
				printDemo(s.out, cfg, rep)
			}
			for _, e := range bad {
				fmt.Fprintln(s.err, "hubrelay:", e)
			}
			if len(bad) > 0 || rep.Store["dead"] > 0 {
				return &exitError{code: exitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&at, "at", "", atUsage)
	cmd.Flags().Bool("show-config", false, "print the bundled config and exit")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show where each finding would go; send nothing")
	cmd.Flags().StringVar(&dir, "dir", "", "folder for the demo's store and messages (default: a new temporary folder)")
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Minute, "longest time to wait for the deliveries")
	return cmd
}

// clockFrom returns a clock that starts at start when fixed, else time.Now.
func clockFrom(start time.Time, fixed bool) func() time.Time {
	if !fixed {
		return time.Now
	}
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)) }
}

// demoReport is what demo shows, and its --output json form.
type demoReport struct {
	Folder     string         `json:"folder"`
	Messages   string         `json:"messages"`
	First      ingest.Result  `json:"first"`
	Again      ingest.Result  `json:"again"`
	Store      map[string]int `json:"store"`
	Deliveries []deliveryJSON `json:"deliveries"`
	// InHub counts the ASFF samples the in-process Security Hub holds;
	// Notified those of them it shows NOTIFIED at the end.
	InHub    int `json:"securityhub_findings"`
	Notified int `json:"securityhub_notified"`
}

// loadHub imports the ASFF samples into the in-process Security Hub and
// returns them (one per finding; the API refuses what it would refuse).
func loadHub(hub *hubtest.Server, items []finding.Item) []finding.Item {
	var in []finding.Item
	seen := map[string]bool{}
	for _, it := range items {
		f := it.Finding
		key := f.ProductARN + "|" + f.ID
		if f.Format != finding.FormatASFF || seen[key] || f.ActionName != "" {
			continue
		}
		if hub.AddFindings(f.Raw) == nil {
			seen[key] = true
			in = append(in, it)
		}
	}
	return in
}

// runDemo commits the samples, delivers for at most wait, commits them
// again and reads the store.
func runDemo(ctx context.Context, wait time.Duration, s streams, cfg *config.Config, items []finding.Item, dir string, now func() time.Time) (*demoReport, error) {
	rep := &demoReport{Folder: dir, Messages: filepath.Join(dir, "messages.jsonl")}
	msgs, err := os.Create(rep.Messages)
	if err != nil {
		return nil, err
	}
	defer msgs.Close()
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Security Hub itself is the in-process API, holding the samples, so
	// that the demo shows findings marked NOTIFIED once delivered.
	hub := hubtest.New(hubtest.Options{Region: cmp.Or(cfg.SecurityHub.Region, hubtest.DefaultRegion), Now: now})
	defer hub.Close()
	asff := loadHub(hub, items)
	shc, err := securityhub.New(ctx, securityhub.Options{Region: cmp.Or(cfg.SecurityHub.Region, hubtest.DefaultRegion),
		Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials, Log: log})
	if err != nil {
		return nil, err
	}
	svc, err := service.Open(ctx, cfg, service.Options{Registry: destinations.Registry(), Log: log, Stdout: msgs, Now: now, SecurityHub: shc})
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	if rep.First, err = svc.Ingester().Items(ctx, "demo", items); err != nil {
		return nil, err
	}
	counts := func(ctx context.Context) (map[store.Status]int, error) { return svc.Store().Counts(ctx) }
	dctx, cancel := withTimeout(ctx, wait)
	_, err = svc.Queue().Drain(dctx, counts)
	timedOut := dctx.Err() != nil && ctx.Err() == nil
	cancel()
	if err != nil {
		return nil, err
	}
	if timedOut {
		fmt.Fprintf(s.err, "hubrelay: demo: deliveries still waiting after --wait %s (see the delivery log)\n", wait)
	}
	for _, it := range asff {
		raw, ok := hub.Finding(it.Finding.ProductARN, it.Finding.ID)
		var f struct{ Workflow struct{ Status string } }
		if ok && json.Unmarshal(raw, &f) == nil && f.Workflow.Status == "NOTIFIED" {
			rep.Notified++
		}
	}
	rep.InHub = len(asff)
	if rep.Again, err = svc.Ingester().Items(ctx, "demo", items); err != nil {
		return nil, err
	}
	final, err := counts(ctx)
	if err != nil {
		return nil, err
	}
	rep.Store = map[string]int{}
	for st, n := range final {
		rep.Store[string(st)] = n
	}
	ds, err := svc.Store().Deliveries(ctx, store.Filter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
	rep.Deliveries = make([]deliveryJSON, 0, len(ds))
	for _, d := range ds {
		rep.Deliveries = append(rep.Deliveries, toJSON(d))
	}
	return rep, nil
}

func printDemo(w io.Writer, cfg *config.Config, rep *demoReport) {
	fmt.Fprintf(w, "hubrelay demo: %d sample findings through %s (%d routes, %d suppressions)\n",
		rep.First.Findings, examples.DemoConfig, len(cfg.Routes), len(cfg.Suppressions))
	fmt.Fprintf(w, "store: %s\n\n", cfg.Store)
	f := rep.First
	fmt.Fprintf(w, "committed %d findings: %d deliveries queued, %d suppressed, %d matched no route\n\n",
		f.Findings, f.Deliveries, f.Suppressed, f.Unmatched)
	fmt.Fprintln(w, "delivery log:")
	ds := make([]store.Delivery, 0, len(rep.Deliveries))
	for _, d := range rep.Deliveries {
		ds = append(ds, store.Delivery{ID: d.ID, Status: store.Status(d.Status), Kind: d.Kind, Destination: d.Destination,
			Route: d.Route, Attempts: d.Attempts, UpdatedAt: d.UpdatedAt, FindingID: d.FindingID, GroupKey: d.GroupKey, LastError: d.LastError})
	}
	writeDeliveryTable(w, ds)
	a := rep.Again
	fmt.Fprintf(w, "\nthe same %d findings again: %d new deliveries, %d already told (each finding is told once per episode)\n",
		a.Findings, a.Deliveries, a.Duplicates)
	fmt.Fprintf(w, "Security Hub (in-process, the same API the AWS SDK calls): %d of its %d findings marked NOTIFIED after their deliveries succeeded\n",
		rep.Notified, rep.InHub)
	fmt.Fprintf(w, "messages the destinations sent: %s\n", rep.Messages)
}

// decodeSamples reads every bundled sample, in name order.
func decodeSamples(fsys fs.FS) ([]finding.Item, []error) {
	names, err := fs.Glob(fsys, path.Join(examples.SamplesDir, "*.json"))
	if err != nil {
		return nil, []error{err}
	}
	sort.Strings(names)
	var items []finding.Item
	var bad []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		its, errs := finding.Decode(name, data)
		items = append(items, its...)
		bad = append(bad, errs...)
	}
	return items, bad
}
