package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/members"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func newMembersCommand(s streams) *cobra.Command {
	var (
		configPath, output string
		send               bool
		wait               time.Duration
	)
	cmd := &cobra.Command{
		Use:   "members -c CONFIG",
		Short: "Check the Security Hub member accounts now and show what changed",
		Long: `members lists the Security Hub member accounts now (ListMembers, every status,
every page), keeps the list as a snapshot in the store, and shows what changed
since the last announced check (the last daily message or --send run):
accounts that are new, joined (→ Enabled), left (→ Resigned, Removed, Deleted,
AccountSuspended, or no longer listed) or changed status, and accounts whose
status is the same but whose membership was updated since (left and rejoined
in between). Then every account now outside Security Hub management, the
leaves CloudTrail reported since the last check, and, with
members.organizations, the AWS Organizations accounts that are not members.

Without --send nothing is sent, and the next daily message still tells these
changes. With --send the message goes to members.to now (like a scheduled
run, which the next daily message diffs against) and is delivered before the
command ends, or left to a running "hubrelay serve" after --wait.

Credentials come from the AWS SDK's default chain: securityhub:ListMembers
(deploy/iam/members.json) and, with members.organizations,
organizations:ListAccounts (deploy/iam/members-organizations.json). A
spinner is drawn on standard error when it is a terminal.

--output json prints one JSON object:
  {"run", "kind", "taken_at", "previous_at" (null on the first check),
   "members", "statuses": {"<status>": count},
   "changes": [{"account_id", "kind" (new|joined|left|changed|updated),
                "from", "to" ("" when no longer listed), "updated_at", "name"}],
   "unmanaged": [{"account_id", "status", "name", "updated_at"}],
   "cloudtrail": [{"event_id", "account_id", "name", "event_name", "event_time",
                   "actor", "caller_account", "region"}],
   "organizations": {"accounts", "not_members": [{"account_id", "name", "status"}]},
   "announced", "notices"}
"organizations" is left out when members.organizations is off; with --send,
"deliveries" adds the store's delivery counts by status.

Exit status: 0 success; 1 Security Hub, Organizations or the store failed,
or (with --send) notices are dead or still waiting when the command ends;
2 invalid config or flags (--send needs a members: section).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			if send && cfg.Members == nil {
				return fail(exitInvalid, "%s: --send: the config has no members: section naming where to send (members.to)", configPath)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
			svc, err := service.Open(ctx, cfg, service.Options{Registry: destinations.Registry(), Log: log, Stdout: s.out})
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			defer svc.Close()
			sh, err := securityhub.New(ctx, securityhub.Options{Region: cfg.SecurityHub.Region, Log: log})
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			mon, err := newMembersMonitor(ctx, cfg, sh, svc.Store(), svc, log)
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			spin := newSpinner(s.err, "checking Security Hub members")
			rep, err := mon.Check(ctx, send)
			spin.stop()
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			var counts map[store.Status]int
			if send {
				dctx, cancel := withTimeout(ctx, wait)
				counts, err = drainWithProgress(dctx, svc, s.err)
				cancel()
				if err != nil {
					return fail(exitNegative, "deliver: %w", err)
				}
			}
			if err := printMembersReport(s.out, output, rep, counts, cfg.Location); err != nil {
				return err
			}
			waiting := counts[store.StatusPending] + counts[store.StatusGrouped] + counts[store.StatusDigested] + counts[store.StatusSending]
			if send && (counts[store.StatusDead] > 0 || waiting > 0) {
				return &exitError{code: exitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().BoolVar(&send, "send", false, "send the members message to members.to now and deliver it")
	cmd.Flags().DurationVar(&wait, "wait", 5*time.Minute, "with --send, the longest time to keep delivering; 0 = no limit")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// newMembersMonitor builds the member monitor of cfg.Members (a monitor
// that sends to nobody, in the config's language and zone, when the config
// has no members: section), reading sh and, with members.organizations,
// AWS Organizations. serve builds its scheduled job and CloudTrail hook
// from it too.
func newMembersMonitor(ctx context.Context, cfg *config.Config, sh members.MemberLister, st members.Store, notices members.Notices, log *slog.Logger) (*members.Monitor, error) {
	opts := members.Options{Language: cfg.Language, Location: cfg.Location, Log: log}
	if m := cfg.Members; m != nil {
		opts.To = m.To
		opts.NoChange = m.NoChange
		opts.Language = m.Language
		opts.Location = m.Location
		opts.Schedule = m.Schedule
		if m.Organizations {
			orgs, err := members.NewOrganizations(ctx, members.OrganizationsOptions{Log: log})
			if err != nil {
				return nil, err
			}
			opts.Organizations = orgs
		}
	}
	return members.New(sh, st, notices, opts)
}

// spinner shows that something is going on, on a terminal only.
type spinner struct {
	done chan struct{}
	over chan struct{}
}

// newSpinner starts a spinner on w when w is a terminal; stop ends it.
func newSpinner(w io.Writer, what string) *spinner {
	sp := &spinner{done: make(chan struct{}), over: make(chan struct{})}
	f, ok := w.(*os.File)
	fi, err := os.Stdin.Stat()
	if ok {
		fi, err = f.Stat()
	}
	if !ok || err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		close(sp.over)
		return sp
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionSetElapsedTime(true))
	go func() {
		defer close(sp.over)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sp.done:
				_ = bar.Finish()
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	return sp
}

// stop ends the spinner and waits until it has cleared its line.
func (sp *spinner) stop() {
	select {
	case <-sp.over:
		return
	default:
	}
	close(sp.done)
	<-sp.over
}

func printMembersReport(w io.Writer, output string, rep *members.Report, counts map[store.Status]int, loc *time.Location) error {
	if output == "json" {
		out := struct {
			*members.Report
			Deliveries map[string]int `json:"deliveries,omitempty"`
		}{Report: rep}
		if counts != nil {
			out.Deliveries = map[string]int{}
			for st, n := range counts {
				out.Deliveries[string(st)] = n
			}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	if loc == nil {
		loc = time.UTC
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04 MST")
	}
	statuses := make([]string, 0, len(rep.Statuses))
	for st, n := range rep.Statuses {
		statuses = append(statuses, fmt.Sprintf("%s %d", st, n))
	}
	sort.Strings(statuses)
	fmt.Fprintf(w, "%d member accounts (%s), listed %s\n", rep.Members, strings.Join(statuses, ", "), at(rep.TakenAt))
	if rep.PreviousAt == nil {
		fmt.Fprintln(w, "first check: no earlier snapshot to compare with; changes show from the next check on")
	} else {
		fmt.Fprintf(w, "compared with the check of %s\n", at(*rep.PreviousAt))
	}
	table := func(title string, head string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, head)
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		tw.Flush()
	}
	var rows [][]string
	for _, c := range rep.Changes {
		rows = append(rows, []string{c.AccountID, orDash(c.Name), string(c.Kind), orDash(c.From), toStatus(c.To), at(c.UpdatedAt)})
	}
	if rep.PreviousAt != nil && len(rows) == 0 {
		fmt.Fprintln(w, "\nno change")
	}
	table("CHANGES", "ACCOUNT\tNAME\tKIND\tFROM\tTO\tUPDATED", rows)
	rows = nil
	for _, a := range rep.Unmanaged {
		rows = append(rows, []string{a.AccountID, orDash(a.Name), a.Status, at(a.UpdatedAt)})
	}
	table("OUTSIDE SECURITY HUB MANAGEMENT", "ACCOUNT\tNAME\tSTATUS\tSINCE", rows)
	rows = nil
	for _, e := range rep.CloudTrail {
		rows = append(rows, []string{at(e.EventTime), e.AccountID, e.EventName, orDash(e.Actor)})
	}
	table("LEAVES CLOUDTRAIL REPORTED SINCE THE LAST CHECK", "TIME\tACCOUNT\tCALL\tBY", rows)
	if o := rep.Organizations; o != nil {
		rows = nil
		for _, a := range o.NotMembers {
			rows = append(rows, []string{a.AccountID, orDash(a.Name), a.Status})
		}
		fmt.Fprintf(w, "\n%d organization accounts, %d not Security Hub members\n", o.Accounts, len(o.NotMembers))
		table("NOT MEMBERS (AWS ORGANIZATIONS)", "ACCOUNT\tNAME\tSTATUS", rows)
	}
	switch {
	case counts != nil:
		fmt.Fprintf(w, "\nsent: %d new notices; deliveries in the store: %d delivered, %d dead, %d waiting\n", rep.Notices,
			counts[store.StatusDelivered], counts[store.StatusDead],
			counts[store.StatusPending]+counts[store.StatusGrouped]+counts[store.StatusDigested]+counts[store.StatusSending])
	default:
		fmt.Fprintln(w, "\nnothing sent (use --send to send this to members.to now)")
	}
	return nil
}

// toStatus is a change's new status, or "(not listed)".
func toStatus(s string) string {
	if s == "" {
		return "(not listed)"
	}
	return s
}
