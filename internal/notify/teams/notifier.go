package teams

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier posts cards to one configured Teams workflow or Incoming
// Webhook. Safe for concurrent use: it holds only values fixed by New and
// a notify.Client.
type Notifier struct {
	url     string // the workflow or webhook URL; secret
	webhook bool   // url is an Incoming Webhook, which answers "1"
	format  Format
	opts    render.Options
	message *render.Renderer // the compiled `message:` override; nil when unset
	client  *notify.Client
	red     *notify.Redactor
	log     *slog.Logger
	now     func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the teams destination called name. It is the constructor
// registered in package destinations:
//
//	r.Register("teams", notify.Typed(teams.New))
//
// It validates cfg (Typed has done so already), adds both URLs to env's
// Redactor so that neither reaches an error or a log line, and touches no
// network.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	env = env.WithDefaults()
	red := env.Redactor.With(cfg.WorkflowURL, cfg.WebhookURL)
	lang := env.Language
	if cfg.Language != "" {
		lang = cfg.Language
	}
	opts := render.Options{Language: render.Language(lang), Location: env.Location, Region: env.Region}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	message, err := cfg.Message.Compile(name, opts)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	n := &Notifier{
		url:     cfg.WorkflowURL,
		format:  cfg.format(),
		opts:    opts,
		message: message,
		client:  notify.NewClient(env, red),
		red:     red,
		log:     red.Logger(env.Logger).With(slog.String("destination", name)),
		now:     env.Now,
	}
	if cfg.WebhookURL != "" {
		n.url, n.webhook = cfg.WebhookURL, true
	}
	return n, nil
}

// Notify posts m as one card. Teams webhooks say nothing about the message
// they post (no ID, no link) and cannot reply in a thread or edit a card,
// so the receipt is always empty and a message about a finding already
// posted (m.Previous, a reminder, reopened or resolved) is a new card
// whose heading says what changed.
//
// Errors are classified as the notify package defines: HTTP 408, 429 and
// 5xx retryable after Retry-After, other answers permanent; an Incoming
// Webhook's "HTTP error 429" inside a 200 answer counts as a 429. They
// never hold the workflow or webhook URL.
//
// A notice (m.Notice) is posted as BuildNoticePayload lays it out; errors
// never hold its link either.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("teams: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("teams: %w", err), 0)
	}
	red := noticeRedactor(n.red, m)
	body, err := Build(m, n.format, n.opts, n.message)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(red.Error(err))
	}
	if err := n.post(ctx, body); err != nil {
		return notify.Receipt{}, red.Error(err)
	}
	n.log.Debug("teams: card posted",
		slog.String("key", m.Key), slog.String("format", string(n.format)), slog.Int("bytes", len(body)))
	return notify.Receipt{}, nil
}
