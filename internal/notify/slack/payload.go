package slack

import (
	"bytes"
	"encoding/json"
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Payload is the JSON body of a chat.postMessage call or of an incoming
// webhook post (which ignores Channel and ThreadTS, so they are left empty
// for one). Field names are Slack's
// (https://docs.slack.dev/reference/methods/chat.postMessage).
type Payload struct {
	// Channel is a conversation ID or a channel name without "#".
	Channel string `json:"channel,omitempty"`
	// ThreadTS makes the message a reply in the thread of that message.
	ThreadTS string `json:"thread_ts,omitempty"`
	// ReplyBroadcast also shows a thread reply in the channel.
	ReplyBroadcast bool `json:"reply_broadcast,omitempty"`
	// Text is the notification and screen-reader text: Slack shows it in
	// notifications and reads it aloud instead of the blocks.
	Text string `json:"text"`
	// Blocks is the message as Block Kit; empty only for a text-only
	// message from a `message:` override.
	Blocks []goslack.Block `json:"blocks,omitempty"`
	// UnfurlLinks and UnfurlMedia are false: console and documentation
	// links need no preview.
	UnfurlLinks bool `json:"unfurl_links"`
	UnfurlMedia bool `json:"unfurl_media"`
}

// Marshal returns p as JSON without HTML escaping (Slack reads "<", ">" and
// "&" as they are; the text is already escaped for Slack).
func (p *Payload) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// BuildPayload builds the Slack message for m: the pure half of the
// destination, tested against golden files. cfg says where the message
// goes (Channel, or the incoming webhook when WebhookURL is set) and its
// Language overrides opts.Language; opts are the render options (language,
// time zone, aggregation region).
//
// With a bot token, a message whose Previous names an earlier message (its
// ID, the ts) is a reply in that message's thread, in the channel the
// receipt names; replies are compact, since the thread starts with the
// whole finding. An incoming webhook cannot reply in threads and always
// gets the whole message.
//
// A notice (m.Notice) is laid out by BuildNoticePayload.
//
// m must be valid (notify.Message.Validate). BuildPayload does not modify
// m or cfg and is safe for concurrent use; every text in the result is
// within Slack's limits (see limits.go).
func BuildPayload(m *notify.Message, cfg *Config, opts render.Options) *Payload {
	if m.Notice != nil {
		return BuildNoticePayload(m.Notice, cfg, opts)
	}
	if cfg.Language != "" {
		opts.Language = render.Language(cfg.Language)
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	p := &Payload{}
	if cfg.WebhookURL == "" {
		p.Channel, p.ThreadTS = target(m, cfg)
		p.ReplyBroadcast = p.ThreadTS != "" && cfg.ReplyBroadcast &&
			(m.Kind == notify.KindResolved || m.Kind == notify.KindReopened)
	}
	if m.Digest != nil {
		p.Text, p.Blocks = digestMessage(m, opts)
	} else {
		p.Text, p.Blocks = findingMessage(m, opts, p.ThreadTS != "")
	}
	return p
}

// target returns the channel and thread of a bot-token message: the
// thread of Previous (in Previous's channel) when there is one, else the
// configured channel.
func target(m *notify.Message, cfg *Config) (channel, threadTS string) {
	channel, err := normalizeChannel(cfg.Channel)
	if err != nil {
		channel = strings.TrimSpace(cfg.Channel)
	}
	prev := m.Previous
	if prev == nil {
		return channel, ""
	}
	threadTS = prev.Thread
	if threadTS == "" {
		threadTS = prev.ID
	}
	if threadTS == "" {
		return channel, ""
	}
	if prev.Channel != "" {
		channel = prev.Channel
	}
	return channel, threadTS
}

// eventOf maps a message kind to the render event that picks its heading.
func eventOf(k notify.Kind) render.Event {
	switch k {
	case notify.KindResolved:
		return render.EventResolved
	case notify.KindReopened:
		return render.EventReopened
	case notify.KindReminder:
		return render.EventReminder
	}
	return render.EventNew
}

// Emoji that mark a message's kind where the severity emoji would not say
// enough.
const (
	emojiResolved = "✅"
	emojiReopened = "🔁"
	emojiReminder = "⏰"
	emojiTest     = "🧪"
	emojiDigest   = "📋"
)
