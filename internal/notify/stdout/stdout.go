package stdout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// Config is the stdout destination's settings.
type Config struct {
	// Pretty writes indented objects instead of one object per line.
	Pretty bool `json:"pretty"`
}

// Notifier writes records to Env.Stdout. Safe for concurrent use: each
// record is written whole, with one Write call, under a lock.
type Notifier struct {
	mu     sync.Mutex
	w      io.Writer
	pretty bool
	now    func() time.Time
	loc    *time.Location
	region string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the stdout destination called name. It is the constructor
// registered in package destinations (notify.Typed(stdout.New)) and fails
// when env has no Stdout writer.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if env.Stdout == nil {
		return nil, errors.New("stdout: the program gave no standard output writer (Env.Stdout)")
	}
	env = env.WithDefaults()
	return &Notifier{w: env.Stdout, pretty: cfg.Pretty, now: env.Now, loc: env.Location, region: env.Region}, nil
}

// Notify writes m's record. A write error is retryable; the receipt is
// always empty (there is nothing to refer back to).
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("stdout: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("stdout: %w", err), 0)
	}
	line, err := Marshal(NewRecord(m, n.now().In(n.loc), n.region), n.pretty)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("stdout: encode: %w", err))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := n.w.Write(line); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("stdout: write: %w", err), 0)
	}
	return notify.Receipt{}, nil
}
