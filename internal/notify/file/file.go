package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
)

// Config is the file destination's settings.
type Config struct {
	// Path is the file records are appended to.
	Path string `json:"path"`
	// Fsync flushes the file to stable storage after every record.
	Fsync bool `json:"fsync"`
}

// Validate checks the settings without touching the file system.
func (c *Config) Validate() error {
	switch {
	case strings.TrimSpace(c.Path) == "":
		return errors.New("path: is required")
	case strings.ContainsRune(c.Path, 0):
		return errors.New("path: contains a NUL byte")
	}
	return nil
}

// Notifier appends records to one file. Safe for concurrent use: records
// are appended whole, one at a time, in the order Notify calls take the
// lock.
type Notifier struct {
	mu     sync.Mutex
	path   string
	fsync  bool
	now    func() time.Time
	loc    *time.Location
	region string
}

var _ notify.Notifier = (*Notifier)(nil)

// fileMode is the mode a new file gets: records may hold account IDs and
// resource names, so only the owner reads them.
const fileMode fs.FileMode = 0o600

// New returns the file destination called name, creating the file when it
// is missing so a wrong path fails at start-up rather than at the first
// finding. It is the constructor registered in package destinations
// (notify.Typed(file.New)).
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	env = env.WithDefaults()
	n := &Notifier{path: cfg.Path, fsync: cfg.Fsync, now: env.Now, loc: env.Location, region: env.Region}
	f, err := n.open()
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("file: close %s: %w", cfg.Path, err)
	}
	return n, nil
}

func (n *Notifier) open() (*os.File, error) {
	return os.OpenFile(n.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, fileMode)
}

// Notify appends m's record. Permission errors are permanent; other file
// errors (a full disk, a missing directory) are retryable. The receipt is
// always empty.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("file: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("file: %w", err), 0)
	}
	line, err := stdout.Marshal(stdout.NewRecord(m, n.now().In(n.loc), n.region), false)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("file: encode: %w", err))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.append(line); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return notify.Receipt{}, notify.Permanent(fmt.Errorf("file: %w", err))
		}
		return notify.Receipt{}, notify.Retry(fmt.Errorf("file: %w", err), 0)
	}
	return notify.Receipt{}, nil
}

// append writes line to the end of the file with one write call.
func (n *Notifier) append(line []byte) error {
	f, err := n.open()
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		_ = f.Close()
		return err
	}
	if n.fsync {
		if err := f.Sync(); err != nil {
			_ = f.Close()
			return err
		}
	}
	return f.Close()
}
