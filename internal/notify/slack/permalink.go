package slack

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// permalink returns a link to the posted message. It asks
// chat.getPermalink
// (https://docs.slack.dev/reference/methods/chat.getPermalink); when that
// fails (the message is already posted, so a failure here must not fail
// the delivery) it builds the link from the configured workspace URL in
// the format chat.getPermalink answers with, and without one it logs the
// failure and returns "".
func (n *Notifier) permalink(ctx context.Context, rc notify.Receipt) string {
	if rc.Channel == "" || rc.ID == "" {
		return ""
	}
	resp, err := n.call(ctx, "chat.getPermalink", url.Values{"channel": {rc.Channel}, "message_ts": {rc.ID}}, nil)
	if err == nil && safeLink(resp.Permalink) {
		return resp.Permalink
	}
	built := buildPermalink(n.cfg.WorkspaceURL, rc)
	if err != nil {
		n.log.Warn("slack: chat.getPermalink failed; the receipt's link is built from workspace_url instead",
			slog.String("channel", rc.Channel), slog.String("ts", rc.ID),
			slog.Bool("built", built != ""), slog.String("error", n.red.Error(err).Error()))
	}
	return built
}

// buildPermalink returns the message link Slack's permalinks have,
// https://WORKSPACE/archives/CHANNEL/pTS (the ts without its dot), with
// ?thread_ts=ROOT&cid=CHANNEL for a reply, or "" without a workspace URL or
// with a channel or ts of an unexpected shape.
func buildPermalink(workspaceURL string, rc notify.Receipt) string {
	if workspaceURL == "" || !isConversationID(rc.Channel) || !isTS(rc.ID) {
		return ""
	}
	link := strings.TrimSuffix(workspaceURL, "/") + "/archives/" + rc.Channel + "/p" + strings.Replace(rc.ID, ".", "", 1)
	if rc.Thread != "" && rc.Thread != rc.ID && isTS(rc.Thread) {
		link += "?thread_ts=" + rc.Thread + "&cid=" + rc.Channel
	}
	return link
}

// isTS reports whether s has the shape of a Slack message ts:
// "1234567890.123456".
func isTS(s string) bool {
	secs, micros, ok := strings.Cut(s, ".")
	return ok && secs != "" && micros != "" && allDigits(secs) && allDigits(micros)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// safeLink reports whether s is an https link, the only kind a receipt
// keeps (it is shown on the dashboard).
func safeLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}
