package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
)

// guarded is the Notifier Registry.New returns: it enforces the parts of
// the Notifier contract that do not depend on the destination.
type guarded struct {
	name, typ string
	next      Notifier
	notices   bool
	red       *Redactor
	log       *slog.Logger
}

var (
	_ Notifier  = (*guarded)(nil)
	_ io.Closer = (*guarded)(nil)
)

func (g *guarded) Notify(ctx context.Context, m *Message) (rc Receipt, err error) {
	if err := m.Validate(); err != nil {
		return Receipt{}, Permanent(fmt.Errorf("%s: %w", g.name, err))
	}
	if m.Notice != nil && !g.notices {
		return Receipt{}, Permanent(fmt.Errorf("%s: %s destinations do not take notices (member alerts, report links)", g.name, g.typ))
	}
	if ctx == nil {
		return Receipt{}, Permanent(fmt.Errorf("%s: nil context", g.name))
	}
	if err := ctx.Err(); err != nil {
		return Receipt{}, Retry(fmt.Errorf("%s: %w", g.name, err), 0)
	}
	defer func() {
		if p := recover(); p != nil {
			msg := g.red.String(fmt.Sprint(p))
			g.log.Error("destination panicked",
				slog.String("destination", g.name), slog.String("type", g.typ),
				slog.String("panic", msg), slog.String("stack", string(debug.Stack())))
			rc, err = Receipt{}, Permanent(fmt.Errorf("%s: destination panicked: %s", g.name, msg))
		}
	}()
	rc, err = g.next.Notify(ctx, m)
	return rc, g.red.Error(retryInterrupted(err))
}

// retryInterrupted makes an unclassified error caused by a cancelled or
// expired context retryable: the delivery was interrupted, not refused.
func retryInterrupted(err error) error {
	var classified *Error
	if err == nil || errors.As(err, &classified) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Retry(err, 0)
	}
	return err
}

// Close closes the destination's Notifier when it is an io.Closer.
func (g *guarded) Close() error {
	if c, ok := g.next.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
