package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// maxAnswer bounds the success answer read.
const maxAnswer = 64 << 10

// Notifier sends events to one Events API v2 integration. It is immutable
// after New and safe for concurrent use.
type Notifier struct {
	name     string
	endpoint string
	builder  *Builder
	client   *notify.Client
	red      *notify.Redactor
	log      *slog.Logger
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the pagerduty destination called name. It is the constructor
// registered in package destinations (notify.Typed(pagerduty.New)). It
// validates cfg and touches no network. The routing key joins
// env.Redactor's secrets for every error and log line of this destination.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if cfg == nil {
		return nil, errors.New("pagerduty: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pagerduty: %w", err)
	}
	env = env.WithDefaults()
	lang, err := render.ParseLanguage(env.Language)
	if err != nil {
		lang = render.English
	}
	builder, err := NewBuilder(cfg, render.Options{Language: lang, Location: env.Location, Region: env.Region})
	if err != nil {
		return nil, err
	}
	red := env.Redactor.With(cfg.RoutingKey)
	hc := *env.HTTPClient
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &answerTransport{next: next, now: env.Now}
	env.HTTPClient = &hc
	return &Notifier{
		name:     name,
		endpoint: cfg.endpoint(),
		builder:  builder,
		client:   notify.NewClient(env, red),
		red:      red,
		log:      red.Logger(env.Logger).With(slog.String("destination", name)),
	}, nil
}

// Notify sends m's event (see Builder.Build) and returns the alert's
// receipt: ID is the dedup_key, the same for every event of the finding.
// PagerDuty answers 202 once it has queued the event; 400 (an invalid
// event) is permanent, 429 and 5xx are retryable (429 after Retry-After
// or DefaultRateLimitWait), as notify classifies them. Errors never hold
// the routing key.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	ev, err := n.builder.Build(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("pagerduty: %w", err))
	}
	body, err := Marshal(ev)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("pagerduty: %w", err))
	}
	attrs := messageAttrs(m, ev)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.endpoint, bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, notify.Permanent(n.red.Error(fmt.Errorf("pagerduty: build request: %w", err)))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return notify.Receipt{}, n.red.Error(fmt.Errorf("pagerduty: %s event %s: %w", ev.EventAction, ev.DedupKey, err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	var a answer
	if err := json.Unmarshal(data, &a); err == nil && a.DedupKey != "" && a.DedupKey != ev.DedupKey {
		n.log.Warn("pagerduty answered with another dedup_key", append(attrs, slog.String("answer_dedup_key", a.DedupKey))...)
	}
	n.log.Info("pagerduty event accepted", append(attrs, slog.Int("status", resp.StatusCode), slog.String("message", a.Message))...)
	return notify.Receipt{ID: ev.DedupKey}, nil
}

// messageAttrs are the log attributes that identify a delivery.
func messageAttrs(m *notify.Message, ev Event) []any {
	attrs := []any{slog.String("route", m.Route), slog.String("kind", string(m.Kind)), slog.String("key", m.Key),
		slog.String("event_action", ev.EventAction), slog.String("dedup_key", ev.DedupKey)}
	if m.Finding != nil {
		attrs = append(attrs, slog.String("finding_id", m.Finding.ID))
	}
	if m.Digest != nil {
		attrs = append(attrs, slog.Int("findings", len(m.Digest.Findings)))
	}
	return attrs
}
