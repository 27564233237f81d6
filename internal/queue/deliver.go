package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

// maxErrorText bounds the error kept with a delivery.
const maxErrorText = 2000

// deliver makes one attempt at c and records the outcome. ctx is the
// queue's: when it ends during a rate-limit wait the attempt is given back;
// a Notify call in progress is not interrupted (it has its own timeout).
func (q *Queue) deliver(ctx context.Context, c store.Claimed) {
	log := q.log.With(slog.Int64("delivery_id", c.ID), slog.String("route", c.Route),
		slog.String("destination", c.Destination), slog.String("finding_id", c.FindingID),
		slog.String("kind", c.Kind), slog.Int("attempt", c.Attempts))
	dest, ok := q.cfg.Destinations[c.Destination]
	if !ok {
		q.kill(c, log, fmt.Errorf("destination %q is not in the config (requeue it once it is)", c.Destination))
		return
	}
	now := q.now()
	if p := dest.Policy; p.MaxAge > 0 && now.Sub(c.CreatedAt) > p.MaxAge {
		q.kill(c, log, fmt.Errorf("gave up: older than max_age %s; last error: %s", p.MaxAge, orNone(c.LastError)))
		return
	}
	msg, err := message(&c)
	if err != nil {
		q.kill(c, log, err)
		return
	}
	release, err := q.limits.acquire(ctx, c.Destination, rateOf(dest))
	if err != nil {
		// Shutting down, or the store is unreachable: give the attempt
		// back without calling the destination.
		q.retry(c, dest.Policy, log, fmt.Errorf("not sent: %w", err), 0)
		return
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.cfg.SendTimeout)
	rc, err := dest.Notifier.Notify(sendCtx, msg)
	cancel()
	release()
	if err == nil {
		q.complete(c, log, rc)
		return
	}
	retry, after := notify.ShouldRetry(err)
	if !retry {
		q.kill(c, log, err)
		return
	}
	q.retry(c, dest.Policy, log, err, after)
}

func (q *Queue) complete(c store.Claimed, log *slog.Logger, rc notify.Receipt) {
	now := q.now()
	ctx, cancel := q.recordCtx()
	defer cancel()
	err := q.st.Complete(ctx, c.ID, q.cfg.Owner, store.Receipt{ID: rc.ID, URL: rc.URL, Channel: rc.Channel, Thread: rc.Thread}, now)
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		log.Warn("delivered, but the lease had expired and another worker owns the delivery; raise delivery.lease", slog.String("receipt", rc.ID))
	case err != nil:
		// The destination has it; the store will hand it out again when
		// the lease expires, and Attempt > 1 makes ticket destinations
		// find this ticket instead of opening another.
		log.Error("delivered, but recording it failed", slog.String("receipt", rc.ID), slog.String("error", err.Error()))
	default:
		log.Info("delivered", slog.String("receipt", rc.ID))
	}
	q.rec.Delivery(c.Destination, "delivered", now.Sub(c.CreatedAt))
}

func (q *Queue) retry(c store.Claimed, p Policy, log *slog.Logger, cause error, retryAfter time.Duration) {
	now := q.now()
	if p.MaxAttempts > 0 && c.Attempts >= p.MaxAttempts {
		q.kill(c, log, fmt.Errorf("gave up after %d attempts: %w", c.Attempts, cause))
		return
	}
	next := now.Add(q.jitter(p, c.Attempts, retryAfter))
	if p.MaxAge > 0 && next.After(c.CreatedAt.Add(p.MaxAge)) {
		q.kill(c, log, fmt.Errorf("gave up: the next attempt would be past max_age %s: %w", p.MaxAge, cause))
		return
	}
	ctx, cancel := q.recordCtx()
	defer cancel()
	if err := q.st.Retry(ctx, c.ID, q.cfg.Owner, clip(cause.Error()), next, now); err != nil {
		log.Error("recording a failed attempt", slog.String("error", err.Error()))
	}
	log.Warn("delivery failed; will retry", slog.String("error", cause.Error()), slog.Time("next_attempt", next))
	q.rec.Delivery(c.Destination, "retry", 0)
}

func (q *Queue) kill(c store.Claimed, log *slog.Logger, cause error) {
	ctx, cancel := q.recordCtx()
	defer cancel()
	if err := q.st.Kill(ctx, c.ID, q.cfg.Owner, clip(cause.Error()), q.now()); err != nil {
		log.Error("recording a dead delivery", slog.String("error", err.Error()))
	}
	log.Error("delivery dead: see `hubrelay deliveries show`", slog.String("error", cause.Error()))
	q.rec.Delivery(c.Destination, "dead", 0)
}

// recordCtx bounds the store write that records an outcome. It does not
// derive from the queue's context: an outcome is recorded even while the
// queue shuts down.
func (q *Queue) recordCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

func clip(s string) string {
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
