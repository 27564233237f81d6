package webhook

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier sends each message as one HTTP request to the configured URL.
// Safe for concurrent use: it holds values fixed by New and a
// notify.Client.
type Notifier struct {
	cfg      Config
	method   string
	timeout  time.Duration
	renderer *Renderer
	client   *notify.Client
	red      *notify.Redactor
	log      *slog.Logger
	now      func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the webhook destination called name. It is the constructor
// registered in package destinations:
//
//	r.Register("webhook", notify.Typed(webhook.New))
//
// It validates cfg (Typed has done so already), declares the URL, the
// signing secret, the credentials and the header values as secrets, and
// compiles the transformer or template. It sends through a copy of
// env.HTTPClient that does not follow redirects. It touches no network.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	env = env.WithDefaults()
	red := env.Redactor.With(cfg.secrets()...)
	lang := env.Language
	if cfg.Language != "" {
		lang = cfg.Language
	}
	renderer, err := NewRenderer(name, cfg, render.Options{Language: render.Language(lang), Location: env.Location, Region: env.Region})
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	timeout, _ := cfg.timeout() // checked by Validate
	// Redirects are not followed: a 3xx answer is a permanent failure, so
	// headers holding credentials (Go drops Authorization on a redirect to
	// another host, but not an API key header) never reach another host.
	client := *env.HTTPClient
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	env.HTTPClient = &client
	return &Notifier{
		cfg:      *cfg,
		method:   cfg.method(),
		timeout:  timeout,
		renderer: renderer,
		client:   notify.NewClient(env, red),
		red:      red,
		log:      red.Logger(env.Logger).With(slog.String("destination", name)),
		now:      env.Now,
	}, nil
}

// Notify sends m: the body Renderer.Render builds, with Content-Type,
// Idempotency-Key (m.Key, or its SHA-256 when it is not printable ASCII),
// X-Hubrelay-Kind (and X-Hubrelay-Topic for a notice), the configured
// headers and
// authorization and, with a signing secret, X-Hubrelay-Timestamp and
// X-Hubrelay-Signature (see Sign). Any 2xx answer is success; the receipt
// is empty, since a generic receiver's answer has no known shape.
//
// Errors are classified by notify.Client, the one place that reads HTTP
// answers: 408, 429 and 5xx are retryable (after Retry-After), other
// answers permanent; connection failures and timeouts are retryable. A
// body that cannot be built is permanent. Errors never hold the URL's
// path or query, nor any secret, nor a notice's link.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("webhook: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("webhook: %w", err), 0)
	}
	red := noticeRedactor(n.red, m)
	body, err := n.renderer.Render(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(red.Error(fmt.Errorf("webhook: build body: %w", err)))
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, n.method, n.cfg.URL, bytes.NewReader(body.Data))
	if err != nil {
		return notify.Receipt{}, notify.Permanent(n.red.Error(fmt.Errorf("webhook: %s %s: %w", n.method, n.red.URL(n.cfg.URL), err)))
	}
	req.Header = n.header(m, body, n.now())
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		err = red.Error(fmt.Errorf("webhook: %w", err))
		n.log.Warn("delivery failed", slog.String("route", m.Route), slog.String("key", m.Key), slog.Any("error", err))
		return notify.Receipt{}, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	n.log.Debug("delivered", slog.String("route", m.Route), slog.String("key", m.Key), slog.Int("status", resp.StatusCode))
	return notify.Receipt{}, nil
}

// headerSafe returns key when it can be a header value as it is (printable
// ASCII, at most 255 characters), else "sha256-" and its hex SHA-256, so an
// unusual finding ID never makes a request impossible to send.
func headerSafe(key string) string {
	ok := len(key) <= 255
	for i := 0; ok && i < len(key); i++ {
		ok = key[i] >= 0x20 && key[i] < 0x7f
	}
	if ok {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256-" + hex.EncodeToString(sum[:])
}

// header builds the request headers of m's body, signed at at.
func (n *Notifier) header(m *notify.Message, body Body, at time.Time) http.Header {
	h := http.Header{}
	h.Set("Content-Type", body.ContentType)
	for name, value := range n.cfg.Headers {
		h.Set(name, value)
	}
	if m.Key != "" {
		h.Set(HeaderIdempotencyKey, headerSafe(m.Key))
	}
	h.Set(HeaderKind, string(m.Kind))
	if m.Notice != nil && headerSafe(m.Notice.Topic) == m.Notice.Topic && m.Notice.Topic != "" {
		h.Set(HeaderTopic, m.Notice.Topic)
	}
	if a := n.cfg.Auth; a != nil {
		switch {
		case a.APIKey != nil:
			h.Set(a.APIKey.Name, a.APIKey.Value)
		case a.Basic != nil:
			req := &http.Request{Header: h}
			req.SetBasicAuth(a.Basic.Username, a.Basic.Password)
		default:
			h.Set("Authorization", "Bearer "+a.Bearer)
		}
	}
	if n.cfg.SigningSecret != "" {
		ts := at.Unix()
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, Sign(n.cfg.SigningSecret, ts, body.Data))
	}
	return h
}
