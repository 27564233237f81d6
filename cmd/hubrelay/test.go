package main

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/spf13/cobra"
)

func newTestCommand(s streams) *cobra.Command {
	var (
		configPath string
		output     string
		at         string
	)
	cmd := &cobra.Command{
		Use:   "test -c CONFIG [FILE|DIR|-]...",
		Short: "Show which routes and destinations each finding would reach, without sending anything",
		Long: `test reads findings (EventBridge events, bare findings, GetFindings responses,
JSON arrays, JSON Lines, or folders of such files; "-" or no argument reads
standard input) and shows, for each finding, the routes it matched, the
destinations that would be told and the suppression that hid it. Nothing is sent.

--output json prints one JSON object per finding per line:
  {"source": "...", "finding_id": "...", "routes": [...], "destinations": [...], "suppressed_by": "..." | null}

Exit status: 0 every input was read, 1 some documents could not be read (each
named on stderr; the others are still shown), 2 the config or a flag is invalid.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			now, err := parseAt(at, time.UTC) // checks the flag before the config is read
			if err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, now)
			if err != nil {
				return err
			}
			if now, err = parseAt(at, cfg.Location); err != nil {
				return err
			}
			items, bad := decodeArgs(s, args)
			return evaluate(s, cfg, items, bad, output, now)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&at, "at", "", atUsage)
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// decodeArgs reads the findings of every argument (a file, a folder, or
// "-" for standard input; none means "-"), keeping the documents that
// could not be read as errors.
func decodeArgs(s streams, args []string) ([]finding.Item, []error) {
	if len(args) == 0 {
		args = []string{"-"}
	}
	var items []finding.Item
	var bad []error
	for _, a := range args {
		var its []finding.Item
		var errs []error
		if a == "-" {
			its, errs = finding.DecodeReader("-", s.in)
		} else {
			its, errs = finding.DecodePath(a)
		}
		items = append(items, its...)
		bad = append(bad, errs...)
	}
	return items, bad
}

// evaluate routes every item, prints the results and the unreadable
// documents, and turns them into the exit status.
func evaluate(s streams, cfg *config.Config, items []finding.Item, bad []error, output string, now time.Time) error {
	router, err := route.New(cfg)
	if err != nil {
		return fail(exitInvalid, "%w", err)
	}
	results := make([]result, 0, len(items))
	for _, it := range items {
		d, err := router.Route(it, now)
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: finding %s: %w", it.Source, it.Finding.ID, err))
			continue
		}
		results = append(results, newResult(it, d))
	}
	if output == "json" {
		if err := writeJSONResults(s.out, results); err != nil {
			return fail(exitInvalid, "write: %w", err)
		}
	} else {
		writeTable(s.out, results)
	}
	for _, e := range bad {
		fmt.Fprintln(s.err, "hubrelay:", e)
	}
	if len(bad) > 0 {
		return &exitError{code: exitNegative}
	}
	return nil
}

func checkOutput(output string) error {
	switch output {
	case "table", "json":
		return nil
	}
	return fail(exitInvalid, "--output: want table or json, got %q", output)
}

// atUsage documents the --at flag of test and demo.
const atUsage = "evaluate suppressions and date filters as of this time (RFC 3339) or date " +
	"(YYYY-MM-DD: the start of that day in the config's time zone); default now"

// parseAt reads the --at flag: empty means now; a date means the start of
// that day in loc, the config's time zone, in which suppressions' until:
// dates are read too (nil means UTC).
func parseAt(at string, loc *time.Location) (time.Time, error) {
	if at == "" {
		return time.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		return t, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.ParseInLocation(time.DateOnly, at, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fail(exitInvalid, "--at: want an RFC 3339 time or a YYYY-MM-DD date, got %q", at)
}
