package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Logger returns a logger that writes through l with every secret removed
// from the message, attribute keys and values (strings, errors, and any
// other value whose text or JSON form holds a secret). A nil l yields a
// logger that discards. Destinations wrap Env.Logger with it in their
// constructor. Safe for concurrent use.
func (r *Redactor) Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(r.Handler(l.Handler()))
}

// Handler wraps h so that records reach it with every secret removed; see
// Logger.
func (r *Redactor) Handler(h slog.Handler) slog.Handler {
	return &redactingHandler{next: h, red: r}
}

type redactingHandler struct {
	next slog.Handler
	red  *Redactor
}

func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	clean := slog.NewRecord(rec.Time, rec.Level, h.red.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(h.red.attr(a))
		return true
	})
	return h.next.Handle(ctx, clean)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.red.attr(a)
	}
	return &redactingHandler{next: h.next.WithAttrs(clean), red: h.red}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: h.next.WithGroup(h.red.String(name)), red: h.red}
}

// attr returns a with the secrets removed from its key and value.
func (r *Redactor) attr(a slog.Attr) slog.Attr {
	a.Key = r.String(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(r.String(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]slog.Attr, len(group))
		for i, g := range group {
			clean[i] = r.attr(g)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		a.Value = r.anyValue(v.Any())
	default:
		a.Value = v
	}
	return a
}

// anyValue keeps a value as it is unless some rendering of it, as text or
// as JSON, holds a secret; then it becomes the scrubbed text.
func (r *Redactor) anyValue(x any) slog.Value {
	if err, ok := x.(error); ok {
		return slog.StringValue(r.Error(err).Error())
	}
	renderings := []string{fmt.Sprintf("%+v", x), fmt.Sprintf("%s", x)}
	if js, err := json.Marshal(x); err == nil {
		renderings = append(renderings, string(js))
	}
	for _, text := range renderings {
		if r.Leaks(text) {
			return slog.StringValue(r.String(text))
		}
	}
	return slog.AnyValue(x)
}
