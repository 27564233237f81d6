package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	"github.com/hubrelay/hubrelay/examples"
	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/spf13/cobra"
)

func newDemoCommand(s streams) *cobra.Command {
	var output, at string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Route the bundled sample findings through the bundled example config",
		Long: `demo needs no AWS account and no token: it runs the published sample findings
bundled in the binary (25 ASFF findings from Security Hub, GuardDuty, Inspector,
Config, Health, Access Analyzer, Prowler, Trivy and others, and 5 OCSF findings
of the new Security Hub) through the bundled example config, which reproduces
the rules of the setups users build by hand (Backlog tickets for failing
controls, Slack channels per account × product × severity, paging on CRITICAL,
custom actions, suppressions), and shows the result as "hubrelay test" does.

Print the config it uses with "hubrelay demo --show-config".

Exit status: 0 on success, 1 if a bundled sample could not be read.`,
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
			if output == "table" {
				fmt.Fprintf(s.out, "hubrelay demo: %d sample findings through %s (%d routes, %d suppressions)\n\n",
					len(items), examples.DemoConfig, len(cfg.Routes), len(cfg.Suppressions))
			}
			return evaluate(s, cfg, items, bad, output, now)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&at, "at", "", atUsage)
	cmd.Flags().Bool("show-config", false, "print the bundled config and exit")
	return cmd
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
