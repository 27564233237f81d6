package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hubrelay/hubrelay/examples"
	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/report/archive"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// demoProject is the project `hubrelay report --demo` reports on when no
// config names one: every account of the bundled samples.
const demoProject = "demo"

// reportFlags are the flags of `hubrelay report`.
type reportFlags struct {
	configPath, project, format, out, output string
	send, noDeliver, demo                    bool
	wait                                     time.Duration
}

func newReportCommand(s streams) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report -c CONFIG --project NAME",
		Short: "Make one project's report now, and optionally send it",
		Long: `report makes the report of one project (projects: in the config) now, as its
schedule would: it reads the project's findings from Security Hub (GetFindings
in securityhub.region, through the AWS SDK's default credentials; the SDK's
AWS_ENDPOINT_URL_SECURITYHUB points it elsewhere), compares them with the last
report kept in the store, and writes the report to --out (default: the
report's file name, e.g. system-a-2026-11-23.xlsx, in the current folder; "-"
writes to standard output). Nothing is stored or sent.

--send also does what the scheduled report does: it keeps the files in
reports.storage, records the run in the store (the next report compares with
it), and queues a notice with the link and the summary for each destination of
the project; then it delivers (every delivery due in the store, as "hubrelay
route" does) until nothing is left or --wait passes. --no-deliver only queues,
for a "hubrelay serve" sharing the store. A report sent the same day as a
scheduled one replaces that day's file: both links then fetch the newer one.

--demo needs no AWS account: Security Hub is played by hubrelay's in-process
Security Hub API holding the samples bundled with "hubrelay demo". Without a
config it reports on the project "demo", made of every account in the
samples; with one, on the --project named (whose accounts must appear in the
samples for the report to hold findings). --demo cannot --send.

A progress bar counts the findings read on standard error when it is a
terminal.

--output json prints one JSON object:
  {"project", "summary": {"open", "by_severity", "new", "resolved",
   "still_open", "first", "compliance", ...}, "file": {"path", "format",
   "size"}, "kept": [{"format", "key", "name", "size"}], "expires",
   "notices": {"queued", "delivered", "waiting", "dead"}}
Links are never printed: they are in the notices.

Exit status: 0 the report was written (with --send: kept, and every notice
delivered, or queued with --no-deliver); 1 Security Hub, the store or the
storage failed, or a notice is dead or still waiting when --wait passes; 2
invalid config or flags, or no such project.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), s, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.configPath, "config", "c", "", "config file (required unless --demo)")
	fl.StringVar(&f.project, "project", "", "the project (projects[].name) to report on (required unless --demo)")
	fl.StringVar(&f.format, "format", "", "xlsx, csv or html (default: the project's first format)")
	fl.StringVar(&f.out, "out", "", `file to write (default: the report's file name in the current folder; "-": standard output)`)
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table or json")
	fl.BoolVar(&f.send, "send", false, "also keep the report, record it and notify the project's destinations, as the schedule does")
	fl.BoolVar(&f.noDeliver, "no-deliver", false, "with --send: only queue the notices; leave delivery to a running hubrelay serve")
	fl.DurationVar(&f.wait, "wait", 2*time.Minute, "with --send: longest time to keep delivering; 0 = no limit")
	fl.BoolVar(&f.demo, "demo", false, "read the bundled sample findings from an in-process Security Hub instead of AWS")
	return cmd
}

// reportOutput is what report prints, and its --output json form.
type reportOutput struct {
	Project string         `json:"project"`
	Summary report.Summary `json:"summary"`
	File    struct {
		Path   string `json:"path"`
		Format string `json:"format"`
		Size   int64  `json:"size"`
	} `json:"file"`
	Kept    []report.File `json:"kept"`
	Expires *time.Time    `json:"expires,omitempty"`
	Notices *noticeCounts `json:"notices,omitempty"`
}

// noticeCounts are the states of the notices one --send queued.
type noticeCounts struct {
	Queued    int `json:"queued"`
	Delivered int `json:"delivered"`
	Waiting   int `json:"waiting"`
	Dead      int `json:"dead"`
}

func runReport(ctx context.Context, s streams, f reportFlags) error {
	if err := checkOutput(f.output); err != nil {
		return err
	}
	switch {
	case f.demo && f.send:
		return fail(exitInvalid, "--demo cannot --send: the demo's findings are samples")
	case !f.demo && f.configPath == "":
		return fail(exitInvalid, "--config is required (or --demo)")
	case f.configPath != "" && f.project == "":
		return fail(exitInvalid, "--project is required with --config")
	case f.out == "-" && f.output == "json":
		return fail(exitInvalid, "--out - and --output json both write to standard output; choose one")
	case f.noDeliver && !f.send:
		return fail(exitInvalid, "--no-deliver needs --send")
	}
	var format report.Format
	if f.format != "" {
		var err error
		if format, err = report.ParseFormat(f.format); err != nil {
			return fail(exitInvalid, "--format: %v", err)
		}
	}
	now := time.Now()
	var cfg *config.Config
	if f.configPath != "" {
		var err error
		if cfg, err = loadConfig(f.configPath, now); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var (
		plan   report.Plan
		source report.Source
		region string
		proj   *config.Project
	)
	if f.demo {
		hub, accounts, err := demoHub()
		if err != nil {
			return fail(exitNegative, "demo: %w", err)
		}
		defer hub.Close()
		region = hubtest.DefaultRegion
		if source, err = securityhub.New(ctx, securityhub.Options{Region: region, Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials, Log: log}); err != nil {
			return fail(exitNegative, "%w", err)
		}
		plan = report.Plan{Project: report.Project{Name: demoProject, Accounts: accounts, Language: report.LanguageJapanese}, Location: time.Local}
	}
	if cfg != nil {
		var err error
		if proj, err = findProject(cfg, f.project); err != nil {
			return err
		}
		plan = planOf(proj)
		if !f.demo {
			region = cfg.SecurityHub.Region
			if source, err = securityhub.New(ctx, securityhub.Options{Region: region, Log: log}); err != nil {
				return fail(exitNegative, "%w", err)
			}
		}
	} else if f.project != "" && f.project != demoProject {
		return fail(exitInvalid, "--project %q: without --config the demo has only the project %q", f.project, demoProject)
	}
	if format == "" {
		format = firstOr(plan.Formats, report.FormatXLSX)
	}
	bar := newCountBar(s.err, "reading findings")
	progress := func(n int) { _ = bar.Set(n) }

	out := reportOutput{Project: plan.Project.Name}
	var rep *report.Report
	if f.send {
		res, counts, err := sendReport(ctx, s, cfg, proj, plan, format, source, region, now, f, log, progress)
		_ = bar.Finish()
		if err != nil {
			return err
		}
		rep = res.Report
		out.Kept, out.Expires, out.Notices = res.Files, &res.Expires, counts
	} else {
		opt := report.Options{Now: now, Location: plan.Location, Region: region, Progress: progress}
		if cfg != nil && !f.demo {
			prev, err := lastSnapshot(ctx, cfg, plan.Project.Name, now)
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			opt.Previous = prev
		}
		var err error
		rep, err = report.Collect(ctx, source, plan.Project, opt)
		_ = bar.Finish()
		if err != nil {
			return fail(exitNegative, "%w", err)
		}
	}
	out.Summary = rep.Summary()
	path, size, err := writeReportFile(s, rep, format, f.out)
	if err != nil {
		return err
	}
	out.File.Path, out.File.Format, out.File.Size = path, string(format), size
	if f.output == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		w := s.out
		if f.out == "-" {
			w = s.err
		}
		printReport(w, plan.Location, out)
	}
	if n := out.Notices; n != nil && (n.Dead > 0 || (!f.noDeliver && n.Waiting > 0)) {
		return &exitError{code: exitNegative}
	}
	return nil
}

func firstOr[T any](s []T, def T) T {
	if len(s) == 0 {
		return def
	}
	return s[0]
}

// findProject returns the project named name, or an exit-2 error listing
// the projects there are.
func findProject(cfg *config.Config, name string) (*config.Project, error) {
	var names []string
	for _, p := range cfg.Projects {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	for _, p := range cfg.Projects {
		if strings.EqualFold(p.Name, name) {
			return nil, fail(exitInvalid, "--project %q: no such project; did you mean %q?", name, p.Name)
		}
	}
	if len(names) == 0 {
		return nil, fail(exitInvalid, "--project %q: the config has no projects:", name)
	}
	return nil, fail(exitInvalid, "--project %q: no such project; the config has %s", name, strings.Join(names, ", "))
}

// planOf turns a configured project into a report plan.
func planOf(p *config.Project) report.Plan {
	plan := report.Plan{
		Project:  report.Project{Name: p.Name, Accounts: slices.Clone(p.Accounts), Language: p.Language},
		To:       slices.Clone(p.To),
		Schedule: p.Schedule,
		Location: p.Location,
	}
	for _, f := range p.Formats {
		plan.Formats = append(plan.Formats, report.Format(f))
	}
	return plan
}

// reportStorage is the archive reports.storage names.
type reportStorage struct {
	// Archive keeps the files and makes the links.
	Archive report.Archive
	// Handler serves local links at /reports/; nil for S3.
	Handler http.Handler
	// Expires is how long links work.
	Expires time.Duration
	// Close releases the archive.
	Close func() error
}

// openReportStorage builds the archive of cfg's reports.storage. It fails
// when the config has none (a project with destinations needs one).
func openReportStorage(ctx context.Context, cfg *config.Config, log *slog.Logger) (*reportStorage, error) {
	if cfg.Reports == nil || (cfg.Reports.Storage.Local == nil && cfg.Reports.Storage.S3 == nil) {
		return nil, errors.New("reports.storage is not set: reports need local: or s3: to be kept and linked")
	}
	if l := cfg.Reports.Storage.Local; l != nil {
		a, err := archive.NewLocal(archive.LocalOptions{
			Dir: l.Dir, BaseURL: l.BaseURL, Secret: l.Secret, Allow: l.Allow, TrustedProxies: l.TrustedProxies,
			Location: cmp.Or(cfg.Reports.Location, cfg.Location), Log: log,
		})
		if err != nil {
			return nil, err
		}
		return &reportStorage{Archive: a, Handler: a.Handler(), Expires: l.Expires, Close: a.Close}, nil
	}
	s3 := cfg.Reports.Storage.S3
	a, err := archive.NewS3(ctx, archive.S3Options{
		Bucket: s3.Bucket, Prefix: s3.Prefix, Region: s3.Region, Endpoint: s3.Endpoint,
		PathStyle: s3.PathStyle, SSE: s3.SSE, KMSKeyID: s3.KMSKeyID, Log: log,
	})
	if err != nil {
		return nil, err
	}
	return &reportStorage{Archive: a, Expires: s3.Expires, Close: func() error { return nil }}, nil
}

// reportJobOptions are the job options of cfg's reports.
func reportJobOptions(cfg *config.Config, st *reportStorage, source report.Source, history report.History, notices report.Notices, log *slog.Logger) report.JobOptions {
	email := map[string]bool{}
	for _, d := range cfg.Destinations {
		if d.Type == "email" {
			email[d.Name] = true
		}
	}
	opt := report.JobOptions{
		Source:   source,
		Archive:  st.Archive,
		History:  history,
		Notices:  notices,
		Expires:  st.Expires,
		Attaches: func(dest string) bool { return email[dest] },
		Region:   cfg.SecurityHub.Region,
		Log:      log,
	}
	if ts, ok := history.(trend.Store); ok {
		opt.Trends = ts
	}
	if cfg.Reports != nil {
		opt.AttachMax = cfg.Reports.AttachMax
	}
	return opt
}

// reportJobs returns the service.Jobs that builds the scheduled report job
// of every project, for serve: source reads the findings and st keeps the
// files; the service's store keeps the history and its queue delivers the
// notices. No projects: no jobs.
func reportJobs(cfg *config.Config, st *reportStorage, source report.Source, log *slog.Logger) service.Jobs {
	return func(svc *service.Service) ([]schedule.Job, error) {
		if len(cfg.Projects) == 0 {
			return nil, nil
		}
		if st == nil {
			return nil, errors.New("reports: projects are configured but reports.storage is not set")
		}
		opt := reportJobOptions(cfg, st, source, svc.Store(), svc, log)
		var jobs []schedule.Job
		for _, p := range cfg.Projects {
			j, err := report.NewJob(planOf(p), opt)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j.Schedule())
		}
		return jobs, nil
	}
}

// sendReport runs the project's report job once for now, then delivers
// its notices unless --no-deliver.
func sendReport(ctx context.Context, s streams, cfg *config.Config, proj *config.Project, plan report.Plan, format report.Format,
	source report.Source, region string, now time.Time, f reportFlags, log *slog.Logger, progress func(int)) (*report.Result, *noticeCounts, error) {
	st, err := openReportStorage(ctx, cfg, log)
	if err != nil {
		return nil, nil, fail(exitInvalid, "%s: %w", f.configPath, err)
	}
	defer st.Close()
	svc, err := service.Open(ctx, cfg, service.Options{Registry: destinations.Registry(), Log: log, Stdout: s.err})
	if err != nil {
		return nil, nil, fail(exitNegative, "%w", err)
	}
	defer svc.Close()
	// The format asked for is the one linked (and attached): first.
	if i := slices.Index(plan.Formats, format); i > 0 {
		plan.Formats = slices.Insert(slices.Delete(plan.Formats, i, i+1), 0, format)
	} else if i < 0 {
		plan.Formats = []report.Format{format}
	}
	opt := reportJobOptions(cfg, st, source, svc.Store(), svc, log)
	opt.Region = region
	job, err := report.NewJob(plan, opt)
	if err != nil {
		return nil, nil, fail(exitInvalid, "%w", err)
	}
	slot := now.Truncate(time.Second)
	res, err := job.Run(ctx, slot, report.RunOptions{Progress: progress})
	if err != nil {
		return nil, nil, fail(exitNegative, "%w", err)
	}
	counts := &noticeCounts{Queued: res.Notices}
	if len(proj.To) == 0 {
		return res, counts, nil
	}
	if !f.noDeliver {
		dctx, cancel := withTimeout(ctx, f.wait)
		_, err := drainWithProgress(dctx, svc, s.err)
		cancel()
		if err != nil {
			return nil, nil, fail(exitNegative, "deliver: %w", err)
		}
	}
	keys := map[string]bool{}
	for _, d := range proj.To {
		keys[store.NoticeKey(report.JobName(plan.Project.Name), slot, d)] = true
	}
	ds, err := svc.Store().Deliveries(ctx, store.Filter{Route: report.JobName(plan.Project.Name), Limit: 1000})
	if err != nil {
		return nil, nil, fail(exitNegative, "store: %w", err)
	}
	for _, d := range ds {
		if !keys[d.Key] {
			continue
		}
		switch d.Status {
		case store.StatusDelivered:
			counts.Delivered++
		case store.StatusDead:
			counts.Dead++
		case store.StatusDropped:
		default:
			counts.Waiting++
		}
	}
	return res, counts, nil
}

// lastSnapshot reads the snapshot of the project's last run before now
// from the store, for a report that is not sent; nil when there is none.
func lastSnapshot(ctx context.Context, cfg *config.Config, project string, now time.Time) (*report.Snapshot, error) {
	st, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	runs, err := st.ReportRuns(ctx, project, 20)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	for _, r := range runs {
		if r.At.Before(now) && len(r.Snapshot) > 0 {
			snap, err := report.DecodeSnapshot(r.Snapshot)
			if err != nil {
				return nil, fmt.Errorf("store: the last report of %q: %w", project, err)
			}
			return snap, nil
		}
	}
	return nil, nil
}

// writeReportFile writes the report to out: "-" is standard output, ""
// the report's file name in the current folder. The file appears whole or
// not at all.
func writeReportFile(s streams, rep *report.Report, format report.Format, out string) (string, int64, error) {
	if out == "-" {
		cw := &countingWriter{w: s.out}
		if err := rep.Write(cw, format); err != nil {
			return "", 0, fail(exitNegative, "%w", err)
		}
		return "-", cw.n, nil
	}
	if out == "" {
		out = rep.FileName(format)
	}
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return "", 0, fail(exitNegative, "--out: %w", err)
	}
	cw := &countingWriter{w: tmp}
	err = rep.Write(cw, format)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", 0, fail(exitNegative, "write %s: %w", out, err)
	}
	return out, cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func printReport(w io.Writer, loc *time.Location, out reportOutput) {
	sm := out.Summary
	b := sm.BySeverity
	fmt.Fprintf(w, "%s: %d open findings (CRITICAL %d, HIGH %d, MEDIUM %d, LOW %d, INFORMATIONAL %d)\n",
		out.Project, sm.Open, b.Critical, b.High, b.Medium, b.Low, b.Informational)
	if sm.First {
		fmt.Fprintln(w, "no earlier report to compare with")
	} else {
		fmt.Fprintf(w, "since the report of %s: %d new, %d resolved, %d still open\n",
			sm.PreviousAt.In(loc).Format("2006-01-02 15:04 MST"), sm.New, sm.Resolved, sm.StillOpen)
	}
	for _, c := range sm.Compliance {
		fmt.Fprintf(w, "compliance %s: %.0f%% (%d of %d controls passed)\n", c.Name, c.Score*100, c.Passed, c.Evaluated)
	}
	if out.File.Path != "-" {
		fmt.Fprintf(w, "wrote %s (%s, %d bytes)\n", out.File.Path, out.File.Format, out.File.Size)
	}
	for _, k := range out.Kept {
		fmt.Fprintf(w, "kept %s (%d bytes)\n", k.Key, k.Size)
	}
	if out.Expires != nil {
		fmt.Fprintf(w, "links work until %s\n", out.Expires.In(loc).Format("2006-01-02 15:04 MST"))
	}
	if n := out.Notices; n != nil {
		fmt.Fprintf(w, "notices: %d queued, %d delivered, %d waiting, %d dead\n", n.Queued, n.Delivered, n.Waiting, n.Dead)
		if n.Dead > 0 {
			fmt.Fprintln(w, `see them with "hubrelay deliveries list --status dead", resend with "hubrelay deliveries retry"`)
		}
	}
}

// newCountBar returns a progress counter on w when w is a terminal, else
// one that draws nothing: the number of findings is not known in advance.
func newCountBar(w io.Writer, what string) *progressbar.ProgressBar {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
	}
	return progressbar.NewOptions(-1, progressbar.OptionSetWriter(io.Discard), progressbar.OptionSetVisibility(false))
}

// demoHub starts the in-process Security Hub holding the bundled samples
// and returns it with the accounts of its findings.
func demoHub() (*hubtest.Server, []string, error) {
	items, bad := decodeSamples(examples.FS())
	if len(bad) > 0 {
		return nil, nil, errors.Join(bad...)
	}
	hub := hubtest.New(hubtest.Options{Region: hubtest.DefaultRegion})
	in := loadHub(hub, items)
	seen := map[string]bool{}
	var accounts []string
	for _, it := range in {
		if a := it.Finding.AccountID; isAccount(a) && !seen[a] {
			seen[a] = true
			accounts = append(accounts, a)
		}
	}
	slices.Sort(accounts)
	if len(accounts) == 0 {
		hub.Close()
		return nil, nil, errors.New("the bundled samples hold no AWS account")
	}
	return hub, accounts, nil
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
