package lambdasource

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// Limits of the drain command.
const (
	// DefaultDrainSeconds is how long a drain runs when the command does
	// not say.
	DefaultDrainSeconds = 50
	// MaxDrainSeconds is the longest a function can run.
	MaxDrainSeconds = 900
	// drainMargin is kept free before the function's deadline, to answer.
	drainMargin = 2 * time.Second
)

// DrainResult is the answer to the drain command.
type DrainResult struct {
	// Done says the queue was idle when the drain returned: nothing
	// pending, grouped, digested or being sent.
	Done bool `json:"done"`
	// Store counts the deliveries by status at the end.
	Store map[string]int `json:"store"`
}

// command is {"hubrelay": "drain", "seconds": N}.
type command struct {
	Hubrelay string   `json:"hubrelay"`
	Seconds  *float64 `json:"seconds"`
}

// parseCommand reads a command strictly: known keys only, exactly as
// written.
func parseCommand(in []byte) (command, error) {
	var c command
	var top map[string]json.RawMessage
	if err := json.Unmarshal(in, &top); err != nil {
		return c, &InputError{Msg: "command: " + err.Error()}
	}
	for k := range top {
		if k != "hubrelay" && k != "seconds" {
			return c, &InputError{Msg: fmt.Sprintf("command: unknown key %q; a command is {\"hubrelay\": \"drain\", \"seconds\": 50}", k)}
		}
	}
	d := json.NewDecoder(bytes.NewReader(in))
	if err := d.Decode(&c); err != nil {
		return c, &InputError{Msg: "command: " + err.Error()}
	}
	if c.Hubrelay != "drain" {
		return c, &InputError{Msg: fmt.Sprintf("command: unknown command %q; the only one is \"drain\"", c.Hubrelay)}
	}
	if c.Seconds != nil && (*c.Seconds < 1 || *c.Seconds > MaxDrainSeconds) {
		return c, &InputError{Msg: fmt.Sprintf("command: seconds must be between 1 and %d", MaxDrainSeconds)}
	}
	return c, nil
}

// command runs a command.
func (h *Handler) command(ctx context.Context, in []byte) (DrainResult, error) {
	c, err := parseCommand(in)
	if err != nil {
		h.opt.Log.Warn("lambda command refused", slog.String("error", err.Error()))
		return DrainResult{}, err
	}
	if h.opt.Queue == nil || h.opt.Counts == nil {
		return DrainResult{}, &InputError{Msg: "command: drain: this function has no delivery queue"}
	}
	limit := time.Duration(DefaultDrainSeconds) * time.Second
	if c.Seconds != nil {
		limit = time.Duration(*c.Seconds * float64(time.Second))
	}
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl)-drainMargin)
	}
	if limit <= 0 {
		return DrainResult{}, fmt.Errorf("lambda: drain: the function's deadline leaves no time")
	}
	dctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	counts, err := h.opt.Queue.Drain(dctx, h.opt.Counts)
	if err != nil && dctx.Err() == nil {
		return DrainResult{}, fmt.Errorf("lambda: drain: %w", err)
	}
	res := DrainResult{Store: map[string]int{}}
	left := 0
	for st, n := range counts {
		res.Store[string(st)] = n
		switch st {
		case store.StatusPending, store.StatusGrouped, store.StatusDigested, store.StatusSending:
			left += n
		}
	}
	res.Done = counts != nil && left == 0
	h.opt.Log.Info("lambda drain", slog.Bool("done", res.Done), slog.Int("left", left), slog.Duration("duration", time.Since(start)))
	return res, nil
}
