package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/spf13/cobra"
)

func newValidateCommand(s streams) *cobra.Command {
	var configPath, output string
	cmd := &cobra.Command{
		Use:   "validate -c CONFIG",
		Short: "Check a config file: syntax, patterns, filters, destinations and secrets",
		Long: `validate loads CONFIG strictly, as every other command does, and reports
every problem with FILE:LINE:COL. Warnings (an expired suppression, an account
ID written as a number) are printed but do not fail.

Exit status: 0 the config is valid, 2 it is not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			cfg, err := config.Load(configPath, configOptions(time.Now())...)
			if output == "json" {
				return writeValidateJSON(s, configPath, cfg, err)
			}
			if err != nil {
				var list config.ErrorList
				if errors.As(err, &list) {
					fmt.Fprintln(s.err, list.Detailed())
					return &exitError{code: exitInvalid}
				}
				return &exitError{code: exitInvalid, err: err}
			}
			for _, w := range cfg.Warnings() {
				fmt.Fprintln(s.err, "warning:", w)
			}
			fmt.Fprintf(s.out, "%s: valid: %d routes, %d suppressions, %d destinations\n",
				configPath, len(cfg.Routes), len(cfg.Suppressions), len(cfg.Destinations))
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// validateReport is the --output json form of validate.
type validateReport struct {
	File         string        `json:"file"`
	Valid        bool          `json:"valid"`
	Routes       int           `json:"routes"`
	Suppressions int           `json:"suppressions"`
	Destinations int           `json:"destinations"`
	Errors       []reportError `json:"errors"`
	Warnings     []string      `json:"warnings"`
}

type reportError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func writeValidateJSON(s streams, path string, cfg *config.Config, loadErr error) error {
	rep := validateReport{File: path, Valid: loadErr == nil, Errors: []reportError{}, Warnings: []string{}}
	if cfg != nil && loadErr == nil {
		rep.Routes, rep.Suppressions, rep.Destinations = len(cfg.Routes), len(cfg.Suppressions), len(cfg.Destinations)
		rep.Warnings = append(rep.Warnings, cfg.Warnings()...)
	}
	var list config.ErrorList
	switch {
	case loadErr == nil:
	case errors.As(loadErr, &list):
		for _, e := range list {
			rep.Errors = append(rep.Errors, reportError{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Msg})
		}
	default:
		rep.Errors = append(rep.Errors, reportError{File: path, Message: loadErr.Error()})
	}
	enc := json.NewEncoder(s.out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fail(exitInvalid, "write: %w", err)
	}
	if !rep.Valid {
		return &exitError{code: exitInvalid}
	}
	return nil
}

// configOptions are the options every command loads a config with: the
// destination types this binary knows check their own settings, and only
// types that take notices may receive reports and member alerts.
func configOptions(now time.Time) []config.Option {
	reg := destinations.Registry()
	return []config.Option{
		config.WithNow(now),
		config.WithDestinationTypes(func(typ string, st *config.Settings) error {
			return reg.Check(typ, st)
		}),
		config.WithNoticeTypes(reg.Notices),
	}
}

// loadConfig loads path for a command, mapping every failure to exit status 2
// with the detailed, positioned errors on stderr.
func loadConfig(path string, now time.Time) (*config.Config, error) {
	cfg, err := config.Load(path, configOptions(now)...)
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			return nil, &exitError{code: exitInvalid, err: errors.New(list.Detailed())}
		}
		return nil, &exitError{code: exitInvalid, err: err}
	}
	return cfg, nil
}
