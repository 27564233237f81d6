package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/spf13/cobra"
)

func newActionsCommand(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "actions",
		Short: "Manage the Security Hub custom actions the config names",
	}
	cmd.AddCommand(newActionsSyncCommand(s))
	return cmd
}

func newActionsSyncCommand(s streams) *cobra.Command {
	var configPath, output string
	cmd := &cobra.Command{
		Use:   "sync -c CONFIG",
		Short: "Create or update the custom action targets of securityhub.actions",
		Long: `sync makes the custom action targets listed under securityhub.actions exist in
the Security Hub of securityhub.region, with their names and descriptions: it
creates the missing ones and updates those whose name or description differ.
Targets the config does not name are left alone. Findings sent with a custom
action arrive as "Security Hub Findings - Custom Action" events and are routed
like any other (match them with detail-type, or with resources: [the target ARN]).

Credentials come from the AWS SDK's default chain; the IAM policy is
deploy/iam/custom-actions.json.

--output json prints {"created": [...], "updated": [...], "unchanged": [...]}
(action IDs).

Exit status: 0 success; 1 Security Hub refused or could not be reached; 2 invalid
config or flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			cfg, err := loadConfig(configPath, time.Now())
			if err != nil {
				return err
			}
			if len(cfg.SecurityHub.Actions) == 0 {
				return fail(exitInvalid, "%s: securityhub.actions names no custom action", configPath)
			}
			want := make([]securityhub.ActionTarget, len(cfg.SecurityHub.Actions))
			for i, a := range cfg.SecurityHub.Actions {
				want[i] = securityhub.ActionTarget{ID: a.ID, Name: a.Name, Description: a.Description}
			}
			log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
			c, err := securityhub.New(cmd.Context(), securityhub.Options{Region: cfg.SecurityHub.Region, Log: log})
			if err != nil {
				return fail(exitNegative, "%w", err)
			}
			created, updated, unchanged, err := securityhub.NewActions(c).Sync(cmd.Context(), want)
			if err != nil {
				return fail(exitNegative, "actions sync: %w", err)
			}
			if output == "json" {
				return json.NewEncoder(s.out).Encode(map[string][]string{
					"created": nonNil(created), "updated": nonNil(updated), "unchanged": nonNil(unchanged)})
			}
			for _, l := range []struct {
				what string
				ids  []string
			}{{"created", created}, {"updated", updated}, {"unchanged", unchanged}} {
				if len(l.ids) > 0 {
					fmt.Fprintf(s.out, "%s: %s\n", l.what, strings.Join(l.ids, ", "))
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&configPath, "config", "c", "", "config file (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}
