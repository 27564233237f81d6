package slack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// webhookHints say what the error bodies of incoming webhooks mean
// (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks;
// no_service is what a removed webhook answers).
var webhookHints = []struct{ code, hint string }{
	{"invalid_payload", "Slack could not read the message"},
	{"user_not_found", "the webhook's user no longer exists"},
	{"channel_not_found", "the webhook's channel no longer exists"},
	{"channel_is_archived", "the webhook's channel is archived"},
	{"action_prohibited", "a workspace setting prevents the webhook from posting"},
	{"no_service", "the webhook was removed or revoked; create a new one"},
	{"no_team", "the webhook's workspace no longer exists"},
	{"team_disabled", "the webhook's workspace is disabled"},
	{"invalid_token", "the webhook URL is not valid"},
}

// postWebhook posts body to the incoming webhook. Slack answers 200 "ok";
// its errors are HTTP statuses with a code in the body (400
// invalid_payload, 403 action_prohibited, 404 channel_not_found or
// no_service, 410 channel_is_archived, 429 with Retry-After, 500
// rollup_error), which notify.Client classifies: 429 and 5xx retryable,
// the rest permanent. The library does not retry webhooks; neither does
// this: the queue does.
func (n *Notifier) postWebhook(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("slack: incoming webhook: build request: %w", n.red.Error(err)))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("slack: incoming webhook%s: %w", webhookHint(err), err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAPIResponse))
	return nil
}

// webhookHint names what the error body of a failed post means, if known.
func webhookHint(err error) string {
	msg := err.Error()
	for _, h := range webhookHints {
		if strings.Contains(msg, h.code) {
			return " (" + h.hint + ")"
		}
	}
	return ""
}
