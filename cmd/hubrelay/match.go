package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/pattern"
	"github.com/spf13/cobra"
)

func newMatchCommand(s streams) *cobra.Command {
	var filters bool
	cmd := &cobra.Command{
		Use:   "match PATTERN_FILE EVENT_FILE",
		Short: "Tell whether an EventBridge pattern (or Security Hub filters) matches an event",
		Long: `match compiles PATTERN_FILE, an EventBridge event pattern in JSON (or, with
--filters, Security Hub AwsSecurityFindingFilters JSON), and matches it against
EVENT_FILE exactly as EventBridge would. EVENT_FILE may be any EventBridge event;
a bare Security Hub finding, a GetFindings response or a list of findings is
first wrapped in the event EventBridge sends for it, one event per finding.
Either file may be "-" for standard input.

Exit status: 0 the pattern matches (any of the findings, when there are
several), 1 it does not, 2 either file is invalid (the reason on stderr).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-" && args[1] == "-" {
				return fail(exitInvalid, "match: only one of PATTERN_FILE and EVENT_FILE can be standard input")
			}
			p, err := loadPattern(s.in, args[0], filters)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			events, err := loadEvents(s.in, args[1])
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			matched := false
			for _, ev := range events {
				ok, err := p.Match(ev.event)
				if err != nil {
					return fail(exitInvalid, "%s: %w", ev.name, err)
				}
				if len(events) > 1 {
					fmt.Fprintf(s.out, "%s\t%s\n", verdict(ok), ev.name)
				}
				matched = matched || ok
			}
			if !matched {
				return &exitError{code: exitNegative}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&filters, "filters", false, "PATTERN_FILE holds Security Hub finding filters, not an EventBridge pattern")
	return cmd
}

func verdict(ok bool) string {
	if ok {
		return "match"
	}
	return "no-match"
}

// readInput reads a file, or standard input for "-".
func readInput(in io.Reader, name string) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		return b, nil
	}
	return os.ReadFile(name)
}

// loadPattern compiles an EventBridge pattern, or Security Hub filters when
// asFilters is set. Without the flag a file that is not a valid pattern but is
// valid filters is taken as filters, since both are pasted from the console.
func loadPattern(in io.Reader, name string, asFilters bool) (*pattern.Pattern, error) {
	data, err := readInput(in, name)
	if err != nil {
		return nil, err
	}
	if asFilters {
		p, err := pattern.FromFilters(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return p, nil
	}
	p, err := pattern.Compile(data)
	if err == nil {
		return p, nil
	}
	if fp, ferr := pattern.FromFilters(data); ferr == nil {
		return fp, nil
	}
	return nil, fmt.Errorf("%s: %w", name, err)
}

type namedEvent struct {
	name  string
	event []byte
}

// loadEvents returns the events to match: the file itself when it is an
// EventBridge event that is not a Security Hub findings event, otherwise one
// event per finding as finding.Decode wraps them.
func loadEvents(in io.Reader, name string) ([]namedEvent, error) {
	data, err := readInput(in, name)
	if err != nil {
		return nil, err
	}
	if isForeignEvent(data) {
		return []namedEvent{{name: name, event: data}}, nil
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no event or finding in the file", name)
	}
	out := make([]namedEvent, len(items))
	for i, it := range items {
		out[i] = namedEvent{name: fmt.Sprintf("%s[%d] %s", name, it.Index, it.Finding.ID), event: it.Event}
	}
	return out, nil
}

// isForeignEvent reports whether data is an EventBridge event that carries no
// Security Hub findings (a CloudTrail event, say): it is matched as it is.
func isForeignEvent(data []byte) bool {
	var probe struct {
		DetailType *string `json:"detail-type"`
		Detail     struct {
			Findings json.RawMessage `json:"findings"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return false
	}
	return probe.DetailType != nil && len(probe.Detail.Findings) == 0
}
