package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os/signal"
	"path"
	"syscall"
	"time"

	"github.com/hubrelay/hubrelay/examples"
	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/spf13/cobra"
)

// defaultTestFinding is the bundled sample send-test sends when no --finding
// is given: a failing FSBP control, the most common kind of finding.
const defaultTestFinding = "01-securityhub-fsbp-cloudtrail2-failed.json"

func newSendTestCommand(s streams) *cobra.Command {
	var configPath, destName, findingPath, output string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "send-test -c CONFIG --destination NAME [--finding FILE]",
		Short: "Send one finding to one destination, to check credentials and formatting",
		Long: `send-test sends one finding (by default a bundled sample, a failing
CloudTrail.2 control) to the destination NAME of CONFIG, marked as a test, and
prints what the destination created (a message link, an issue key). Use it to
check a token, a channel or a project in a minute. Secrets never appear in its
output.

Exit status: 0 delivered, 1 the destination refused or could not be reached
(the reason on stderr, and whether a retry would help), 2 the config, the flags
or the finding file is invalid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			dest := cfg.Destination(destName)
			if dest == nil {
				return fail(exitInvalid, "--destination: %q is not defined in %s", destName, configPath)
			}
			item, err := testFinding(findingPath)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			red := notify.NewRedactor(cfg.Secrets()...)
			env := notify.Env{
				Logger:   slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn})),
				Language: cfg.Language,
				Location: cfg.Location,
				Region:   cfg.SecurityHub.Region,
				Stdout:   s.out,
				Redactor: red,
			}
			n, err := destinations.Registry().New(dest.Type, dest.Name, dest.Settings, env)
			if err != nil {
				return fail(exitInvalid, "%w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			msg := &notify.Message{
				Kind:        notify.KindTest,
				Destination: dest.Name,
				Key:         "send-test:" + dest.Name + ":" + item.Finding.ID,
				Finding:     item.Finding,
				Event:       item.Event,
			}
			receipt, err := n.Notify(ctx, msg)
			if err != nil {
				retry, after := notify.ShouldRetry(err)
				hint := "a retry will not help until the settings change"
				if retry {
					hint = "temporary: a retry may succeed"
					if after > 0 {
						hint += fmt.Sprintf(" after %s", after)
					}
				}
				return fail(exitNegative, "send-test %s (%s): %v (%s)", dest.Name, dest.Type, red.Error(err), hint)
			}
			return printReceipt(s, dest, receipt, output)
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&destName, "destination", "d", "", "the destination's name in the config (required)")
	cmd.Flags().StringVarP(&findingPath, "finding", "f", "", "a finding file to send (default: a bundled sample); the first finding in it is sent")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up after this long")
	_ = cmd.MarkFlagRequired("config")
	_ = cmd.MarkFlagRequired("destination")
	return cmd
}

// testFinding reads the first finding of path, or the bundled sample.
func testFinding(path string) (finding.Item, error) {
	var items []finding.Item
	var errs []error
	if path == "" {
		items, errs = bundledSample(defaultTestFinding)
	} else {
		items, errs = finding.DecodePath(path)
	}
	if len(errs) > 0 {
		return finding.Item{}, errs[0]
	}
	if len(items) == 0 {
		return finding.Item{}, fmt.Errorf("%s: no finding in the file", path)
	}
	return items[0], nil
}

func bundledSample(name string) ([]finding.Item, []error) {
	p := path.Join(examples.SamplesDir, name)
	data, err := fs.ReadFile(examples.FS(), p)
	if err != nil {
		return nil, []error{err}
	}
	return finding.Decode(p, data)
}

func printReceipt(s streams, dest *config.Destination, r notify.Receipt, output string) error {
	if output == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Destination string         `json:"destination"`
			Type        string         `json:"type"`
			Receipt     notify.Receipt `json:"receipt"`
		}{dest.Name, dest.Type, r})
	}
	fmt.Fprintf(s.err, "sent to %s (%s)", dest.Name, dest.Type)
	if r.ID != "" {
		fmt.Fprintf(s.err, ": %s", r.ID)
	}
	if r.URL != "" {
		fmt.Fprintf(s.err, " %s", r.URL)
	}
	fmt.Fprintln(s.err)
	return nil
}
