package teams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// maxAnswer is how much of an answer's body is read; the rest is drained.
const maxAnswer = 4 << 10

// drainLimit bounds how much more is read so the connection can be reused.
const drainLimit = 64 << 10

// webhookOK is what an Incoming Webhook answers when it posted the card
// ("If the POST succeeds, you should see a simple 1 output",
// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
const webhookOK = "1"

// embeddedStatus finds the status an Incoming Webhook reports inside a 200
// answer: "Connectors do not throw 429s": the body says "Microsoft Teams
// endpoint returned HTTP error 429" (same page, "Rate limiting for
// connectors").
var embeddedStatus = regexp.MustCompile(`HTTP error ([1-5][0-9][0-9])\b`)

// post sends body to the configured URL. A workflow answers 202 Accepted
// (or whatever its flow's Response action says); any 2xx is success. An
// Incoming Webhook answers 200 "1"; see webhookAnswer. Failures are
// classified by notify.Client and scrubbed by the caller.
func (n *Notifier) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("teams: build request: %w", n.red.Error(err)))
	}
	// charset=utf-8 as Teams asks for emoji in cards ("Text formatting in
	// cards": "set charset=UTF-8 in your request headers").
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := n.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("teams: post card%s: %w", statusHint(err), err)
	}
	defer resp.Body.Close()
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	if !n.webhook {
		return nil
	}
	return n.webhookAnswer(resp, answer, readErr)
}

// webhookAnswer reads a 2xx answer of an Incoming Webhook: "1" (or a 202
// with no body, when the URL is in fact a workflow's) is success; an
// embedded "HTTP error NNN" is classified as that status would be; any
// other answer is a permanent error, since whether the card was posted is
// unknown and repeating it could post it twice.
func (n *Notifier) webhookAnswer(resp *http.Response, answer []byte, readErr error) error {
	text := strings.TrimSpace(string(answer))
	switch {
	case text == webhookOK:
		return nil
	case resp.StatusCode == http.StatusAccepted && text == "" && readErr == nil:
		return nil
	case readErr != nil:
		return notify.Retry(fmt.Errorf("teams: incoming webhook: read answer: %w", readErr), 0)
	}
	if m := embeddedStatus.FindStringSubmatch(text); m != nil {
		code, _ := strconv.Atoi(m[1])
		embedded := &http.Response{
			StatusCode: code,
			Header:     resp.Header,
			Body:       io.NopCloser(strings.NewReader(text)),
		}
		if err := notify.CheckResponse(embedded, n.red, n.now()); err != nil {
			return fmt.Errorf("teams: incoming webhook answered HTTP %d reporting an error%s: %w", resp.StatusCode, statusHint(err), err)
		}
	}
	return notify.Permanent(fmt.Errorf("teams: incoming webhook answered HTTP %d %q instead of %q; the card may not have been posted",
		resp.StatusCode, n.excerpt(text), webhookOK))
}

// statusHint says what an HTTP error status means for a Teams URL, if it
// says something the status alone does not.
func statusHint(err error) string {
	var status *notify.StatusError
	if !errors.As(err, &status) {
		return ""
	}
	switch status.StatusCode {
	case http.StatusBadRequest:
		return " (Teams could not read the card)"
	case http.StatusUnauthorized, http.StatusForbidden:
		return " (the URL's signature was refused, or the workflow's trigger does not allow anyone to start it; copy the URL again)"
	case http.StatusNotFound, http.StatusGone:
		return " (the workflow or webhook no longer exists, or was turned off; create a new one and update the URL)"
	case http.StatusRequestEntityTooLarge:
		return " (the card is too large for Teams)"
	}
	return ""
}

// excerpt is a short one-line excerpt of an answer, for an error message.
// The answer is made one line before secrets are removed, since dropping
// a control character could join the parts of a secret, and cut after.
func (n *Notifier) excerpt(s string) string {
	return render.Truncate(n.red.String(render.SingleLine(s)), 200, render.English)
}
