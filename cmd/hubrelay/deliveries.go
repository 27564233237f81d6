package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/spf13/cobra"
)

func newDeliveriesCommand(s streams) *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "deliveries",
		Short: "List, inspect, resend or drop deliveries (dead ones included)",
		Long: `deliveries reads and changes the delivery records in the store named by the
config. A delivery that used up its attempts or its age is dead: it stays in the
store until you retry or drop it.

Exit status: 0 success; 1 a delivery named was not found or could not be
changed, or the store could not be opened; 2 invalid config or flags.`,
	}
	cmd.PersistentFlags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	_ = cmd.MarkPersistentFlagRequired("config")
	open := func(ctx context.Context) (*store.Store, error) {
		cfg, err := loadConfig(configPath, time.Now())
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, cfg.Store)
		if err != nil {
			return nil, fail(exitNegative, "store: %w", err)
		}
		return st, nil
	}
	cmd.AddCommand(
		newDeliveriesListCommand(s, open),
		newDeliveriesShowCommand(s, open),
		newDeliveriesChangeCommand(s, open, "retry", "Send dead or dropped deliveries again, now",
			func(ctx context.Context, st *store.Store, id int64) error { return st.Requeue(ctx, id, time.Now()) }),
		newDeliveriesChangeCommand(s, open, "drop", "Give up on deliveries for good (they stay listed as dropped)",
			func(ctx context.Context, st *store.Store, id int64) error { return st.Drop(ctx, id, time.Now()) }),
	)
	return cmd
}

type storeOpener func(ctx context.Context) (*store.Store, error)

// deliveryJSON is the --output json form of a delivery.
type deliveryJSON struct {
	ID          int64     `json:"id"`
	Key         string    `json:"key"`
	Kind        string    `json:"kind"`
	Status      string    `json:"status"`
	Route       string    `json:"route"`
	Destination string    `json:"destination"`
	FindingID   string    `json:"finding_id,omitempty"`
	Topic       string    `json:"topic,omitempty"` // a notice's topic (members, report)
	GroupKey    string    `json:"group_key,omitempty"`
	DigestID    int64     `json:"digest_id,omitempty"`
	Episode     int       `json:"episode"`
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"last_error,omitempty"`
	ReceiptID   string    `json:"receipt_id,omitempty"`
	ReceiptURL  string    `json:"receipt_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	NextAt      time.Time `json:"next_attempt_at"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	// History lists every attempt; only "deliveries show" fills it.
	History []attemptJSON `json:"attempts_history,omitempty"`
}

type attemptJSON struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Outcome string    `json:"outcome"`
	Error   string    `json:"error,omitempty"`
}

func toJSON(d store.Delivery) deliveryJSON {
	j := deliveryJSON{
		ID: d.ID, Key: d.Key, Kind: d.Kind, Status: string(d.Status), Route: d.Route, Destination: d.Destination,
		FindingID: d.FindingID, GroupKey: d.GroupKey, DigestID: d.DigestID, Episode: d.Episode, Attempts: d.Attempts,
		LastError: d.LastError, ReceiptID: d.Receipt.ID, ReceiptURL: d.Receipt.URL,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, NextAt: d.NextAt, DeliveredAt: d.DeliveredAt,
	}
	if d.Kind == store.KindNotice {
		j.Topic = d.Phase
	}
	return j
}

func newDeliveriesListCommand(s streams, open storeOpener) *cobra.Command {
	var (
		output, status, dest, route, findingID string
		limit                                  int
		after                                  int64
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List deliveries, newest first",
		Long: `list shows deliveries, newest first, filtered by status (pending, grouped,
digested, sending, delivered, dead, dropped; several separated by commas),
destination, route or finding ID. Page with --after the last ID shown.

--output json prints one JSON object per delivery per line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			f := store.Filter{Destination: dest, Route: route, FindingID: findingID, Limit: limit, AfterID: after}
			for _, st := range splitList(status) {
				if !validStatus(st) {
					return fail(exitInvalid, "--status: %q is not one of %s", st, strings.Join(statusNames(), ", "))
				}
				f.Status = append(f.Status, store.Status(st))
			}
			st, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			ds, err := st.Deliveries(cmd.Context(), f)
			if err != nil {
				return fail(exitNegative, "list deliveries: %w", err)
			}
			if output == "json" {
				enc := json.NewEncoder(s.out)
				for _, d := range ds {
					if err := enc.Encode(toJSON(d)); err != nil {
						return err
					}
				}
				return nil
			}
			writeDeliveryTable(s.out, ds)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&status, "status", "", "only these statuses (comma-separated)")
	cmd.Flags().StringVar(&dest, "destination", "", "only this destination")
	cmd.Flags().StringVar(&route, "route", "", "only this route (for notices: the scheduled job, e.g. members)")
	cmd.Flags().StringVar(&findingID, "finding", "", "only this finding ID")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many")
	cmd.Flags().Int64Var(&after, "after", 0, "only deliveries older than this ID (paging)")
	return cmd
}

func writeDeliveryTable(w io.Writer, ds []store.Delivery) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tKIND\tDESTINATION\tROUTE\tATTEMPTS\tUPDATED\tFINDING / ERROR")
	for _, d := range ds {
		last := d.FindingID
		if d.Kind == "digest" {
			last = "digest " + d.GroupKey
		}
		if d.Kind == store.KindNotice {
			last = "notice " + d.Phase
		}
		if d.LastError != "" && d.Status != store.StatusDelivered {
			last = d.LastError
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Status, d.Kind, d.Destination, d.Route,
			d.Attempts, d.UpdatedAt.Local().Format("2006-01-02 15:04:05"), clip(oneLine(last), 100))
	}
	tw.Flush()
	if len(ds) == 0 {
		fmt.Fprintln(w, "(no deliveries)")
	}
}

func newDeliveriesShowCommand(s streams, open storeOpener) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one delivery in full",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			st, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := st.Delivery(cmd.Context(), id)
			if errors.Is(err, store.ErrNotFound) {
				return fail(exitNegative, "delivery %d: not found", id)
			}
			if err != nil {
				return fail(exitNegative, "delivery %d: %w", id, err)
			}
			attempts, err := st.Attempts(cmd.Context(), id)
			if err != nil {
				return fail(exitNegative, "delivery %d: attempts: %w", id, err)
			}
			j := toJSON(d)
			for _, a := range attempts {
				j.History = append(j.History, attemptJSON{Attempt: a.Attempt, At: a.At, Outcome: a.Outcome, Error: a.Error})
			}
			if output == "json" {
				return json.NewEncoder(s.out).Encode(j)
			}
			tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
			rows := [][2]string{
				{"id", strconv.FormatInt(j.ID, 10)}, {"status", j.Status}, {"kind", j.Kind},
				{"route", j.Route}, {"destination", j.Destination}, {"finding", j.FindingID}, {"topic", j.Topic},
				{"group", j.GroupKey}, {"episode", strconv.Itoa(j.Episode)}, {"attempts", strconv.Itoa(j.Attempts)},
				{"created", j.CreatedAt.Local().Format(time.RFC3339)}, {"updated", j.UpdatedAt.Local().Format(time.RFC3339)},
				{"next attempt", j.NextAt.Local().Format(time.RFC3339)}, {"receipt", j.ReceiptID}, {"link", j.ReceiptURL},
				{"last error", j.LastError}, {"key", j.Key},
			}
			if j.DigestID != 0 {
				rows = append(rows, [2]string{"in digest", strconv.FormatInt(j.DigestID, 10)})
			}
			for _, r := range rows {
				if r[1] != "" {
					fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
				}
			}
			for _, a := range j.History {
				line := fmt.Sprintf("#%d %s %s", a.Attempt, a.At.Local().Format(time.RFC3339), a.Outcome)
				if a.Error != "" {
					line += ": " + oneLine(a.Error)
				}
				fmt.Fprintf(tw, "attempt:\t%s\n", line)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func newDeliveriesChangeCommand(s streams, open storeOpener, verb, short string, change func(context.Context, *store.Store, int64) error) *cobra.Command {
	var (
		output string
		dead   bool
		dest   string
	)
	cmd := &cobra.Command{
		Use:   verb + " ID... | --dead [--destination NAME]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			if dead == (len(args) > 0) {
				return fail(exitInvalid, "%s: name delivery IDs or --dead, not both or neither", verb)
			}
			var ids []int64
			for _, a := range args {
				id, err := parseID(a)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			st, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if dead {
				for after := int64(0); ; {
					ds, err := st.Deliveries(cmd.Context(), store.Filter{Status: []store.Status{store.StatusDead}, Destination: dest, Limit: 500, AfterID: after})
					if err != nil {
						return fail(exitNegative, "list dead deliveries: %w", err)
					}
					for _, d := range ds {
						ids = append(ids, d.ID)
					}
					if len(ds) < 500 {
						break
					}
					after = ds[len(ds)-1].ID
				}
			}
			var failed int
			type outcome struct {
				ID    int64  `json:"id"`
				OK    bool   `json:"ok"`
				Error string `json:"error,omitempty"`
			}
			enc := json.NewEncoder(s.out)
			for _, id := range ids {
				err := change(cmd.Context(), st, id)
				o := outcome{ID: id, OK: err == nil}
				if err != nil {
					failed++
					o.Error = err.Error()
				}
				if output == "json" {
					if err := enc.Encode(o); err != nil {
						return err
					}
				} else if err != nil {
					fmt.Fprintf(s.err, "hubrelay: %s %d: %v\n", verb, id, err)
				}
			}
			if output == "table" {
				fmt.Fprintf(s.out, "%s: %d of %d deliveries\n", verb, len(ids)-failed, len(ids))
			}
			if failed > 0 {
				return &exitError{code: exitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().BoolVar(&dead, "dead", false, "every dead delivery (of --destination, when given)")
	cmd.Flags().StringVar(&dest, "destination", "", "with --dead: only this destination")
	return cmd
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(exitInvalid, "%q is not a delivery ID (a positive number, as in \"deliveries list\")", s)
	}
	return id, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func statusNames() []string {
	return []string{"pending", "grouped", "digested", "sending", "delivered", "dead", "dropped"}
}

func validStatus(s string) bool {
	for _, n := range statusNames() {
		if n == s {
			return true
		}
	}
	return false
}
