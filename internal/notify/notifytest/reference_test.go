package notifytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// webhookNotifier is a minimal, correct HTTP destination: it declares its
// secrets, sends through notify.Client and logs through its Redactor.
type webhookNotifier struct {
	url, token string
	client     *notify.Client
	log        *slog.Logger
}

func newWebhook(url, token string, env notify.Env) *webhookNotifier {
	red := env.Redactor.With(url, token)
	return &webhookNotifier{url: url, token: token, client: notify.NewClient(env, red), log: red.Logger(env.Logger)}
}

func (n *webhookNotifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	header := http.Header{"Authorization": {"Bearer " + n.token}}
	var out struct {
		TS string `json:"ts"`
	}
	err := n.client.PostJSON(ctx, n.url, header, map[string]string{"text": m.Finding.Title}, &out)
	if err != nil {
		// Logging the raw URL and token on purpose: the logger scrubs.
		n.log.Warn("webhook failed", "url", n.url, "token", n.token, "err", err)
		return notify.Receipt{}, fmt.Errorf("webhook: %w", err)
	}
	return notify.Receipt{ID: out.TS}, nil
}

// leakyNotifier makes every mistake CheckNoSecretLeak looks for.
type leakyNotifier struct {
	url, token string
	hc         *http.Client
	log        *slog.Logger
}

func (n *leakyNotifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, n.url, strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+n.token)
	resp, err := n.hc.Do(req)
	if err != nil {
		return notify.Receipt{}, notify.Retry(err, 0)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	n.log.Info("answer", "body", string(body))
	return notify.Receipt{}, errors.New("webhook: " + string(body))
}

// permanentNotifier classifies every failure as permanent.
type permanentNotifier struct{ inner *webhookNotifier }

func (n *permanentNotifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	rc, err := n.inner.Notify(ctx, m)
	return rc, notify.Permanent(err)
}
