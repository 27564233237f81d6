package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes shared by every subcommand (documented in the README).
const (
	exitOK       = 0 // success; for `match`, the pattern matched
	exitNegative = 1 // `match`: no match; `test`/`demo`: some inputs could not be read
	exitInvalid  = 2 // invalid config, pattern, event or flags
)

// streams are the process's standard streams, passed in so tests can run
// commands in-process.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// exitError carries an exit code out of a command. A nil err means the
// command has already said everything it had to say.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// fail returns an exitError for code, formatting its message like fmt.Errorf.
func fail(code int, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...)}
}

// run executes one command line and returns the process exit code.
func run(args []string, s streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(s.err, "hubrelay:", ee.err)
		}
		return ee.code
	}
	// Flag and argument errors from cobra.
	fmt.Fprintln(s.err, "hubrelay:", err)
	return exitInvalid
}

func newRootCommand(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "hubrelay",
		Short:         "Route AWS Security Hub findings to Slack, Teams, email, tickets and webhooks",
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(
		newMatchCommand(s),
		newTestCommand(s),
		newValidateCommand(s),
		newDemoCommand(s),
		newSendTestCommand(s),
		newServeCommand(s),
		newRouteCommand(s),
		newDeliveriesCommand(s),
		newActionsCommand(s),
		newTrendsCommand(s),
		newMembersCommand(s),
		newReportCommand(s),
	)
	return root
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"
