package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier posts messages to one configured Slack destination. Safe for
// concurrent use: it holds only values fixed by New and a notify.Client.
type Notifier struct {
	cfg  Config // as configured, with APIURL defaulted and ending in "/"
	opts render.Options
	// message is the compiled `message:` override; nil when unset.
	message *render.Renderer
	client  *notify.Client
	red     *notify.Redactor
	log     *slog.Logger
	now     func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the slack destination called name. It is the constructor
// registered in package destinations:
//
//	r.Register("slack", notify.Typed(slack.New))
//
// It validates cfg (Typed has done so already), adds the token and the
// webhook URL to env's Redactor so neither reaches an error or a log line,
// and touches no network.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	env = env.WithDefaults()
	red := env.Redactor.With(cfg.Token, cfg.WebhookURL)
	c := *cfg
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	lang := env.Language
	if c.Language != "" {
		lang = c.Language
	}
	opts := render.Options{Language: render.Language(lang), Location: env.Location, Region: env.Region}
	message, err := c.Message.Compile(name, messageOptions(&c, opts))
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	return &Notifier{
		cfg:     c,
		opts:    opts,
		message: message,
		client:  notify.NewClient(env, red),
		red:     red,
		log:     red.Logger(env.Logger).With(slog.String("destination", name)),
		now:     env.Now,
	}, nil
}

// Notify posts m. With a bot token it returns a receipt naming the
// message (ID: its ts; Channel: the channel ID; Thread: the thread's root
// ts; URL: its permalink), which the queue hands back as m.Previous next
// time so that updates go into the thread. When a reply cannot be posted
// in that thread (the channel was deleted or archived, or the app left
// it), the message is posted afresh in the configured channel. An incoming
// webhook returns an empty receipt: Slack tells it nothing about the
// message.
//
// Errors are classified as the notify package defines (HTTP 429 and 5xx,
// and the Web API's transient codes, retryable after Retry-After; other
// answers permanent) and never hold the token or the webhook URL.
//
// A notice (m.Notice) is posted as BuildNoticePayload lays it out, to the
// configured channel; errors never hold its link either.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("slack: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("slack: %w", err), 0)
	}
	red := noticeRedactor(n.red, m)
	p, err := Build(m, &n.cfg, n.opts, n.message)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(red.Error(err))
	}
	if n.cfg.WebhookURL != "" {
		body, err := p.Marshal()
		if err != nil {
			return notify.Receipt{}, notify.Permanent(fmt.Errorf("slack: encode message: %w", err))
		}
		return notify.Receipt{}, red.Error(n.postWebhook(ctx, body))
	}
	rc, err := n.postMessage(ctx, p)
	if err != nil && p.ThreadTS != "" && threadUnusable(err) {
		n.log.Warn("slack: cannot reply in the finding's thread; posting a new message in the configured channel",
			slog.String("channel", p.Channel), slog.String("thread_ts", p.ThreadTS),
			slog.String("error", n.red.Error(err).Error()))
		fresh := *m
		fresh.Previous = nil
		p, err = Build(&fresh, &n.cfg, n.opts, n.message)
		if err != nil {
			return notify.Receipt{}, notify.Permanent(n.red.Error(err))
		}
		rc, err = n.postMessage(ctx, p)
	}
	if err != nil {
		return notify.Receipt{}, red.Error(err)
	}
	rc.URL = n.permalink(ctx, rc)
	n.log.Debug("slack: message posted",
		slog.String("channel", rc.Channel), slog.String("ts", rc.ID), slog.String("thread_ts", rc.Thread), slog.String("key", m.Key))
	return rc, nil
}

// postMessage calls chat.postMessage
// (https://docs.slack.dev/reference/methods/chat.postMessage) and returns
// the receipt of the posted message, without its link.
func (n *Notifier) postMessage(ctx context.Context, p *Payload) (notify.Receipt, error) {
	body, err := p.Marshal()
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("slack: encode message: %w", err))
	}
	resp, err := n.call(ctx, "chat.postMessage", nil, body)
	if err != nil {
		return notify.Receipt{}, err
	}
	rc := notify.Receipt{ID: resp.TS, Channel: resp.Channel, Thread: p.ThreadTS}
	if rc.Channel == "" {
		rc.Channel = p.Channel
	}
	if rc.Thread == "" {
		rc.Thread = resp.TS
	}
	return rc, nil
}

// threadCodes are the chat.postMessage errors after which a reply can
// still be posted as a new message in the configured channel.
var threadCodes = map[string]bool{
	"channel_not_found":                        true,
	"not_in_channel":                           true,
	"is_archived":                              true,
	"thread_not_found":                         true,
	"message_not_found":                        true,
	"invalid_thread_ts":                        true,
	"cannot_reply_to_message":                  true,
	"restricted_action_non_threadable_channel": true,
}

// threadUnusable reports whether err says the thread (or its channel) can
// no longer take replies.
func threadUnusable(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	retry, _ := notify.ShouldRetry(err)
	return !retry && threadCodes[apiErr.Code]
}
