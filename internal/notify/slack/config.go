package slack

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// DefaultAPIURL is the Slack Web API base URL used when Config.APIURL is
// empty. GovSlack workspaces use https://slack-gov.com/api/.
const DefaultAPIURL = "https://slack.com/api/"

// Config is the slack destination's settings, decoded strictly from the
// configuration file. Either Token and Channel (a bot token posting with
// chat.postMessage) or WebhookURL (an incoming webhook) is set, never both:
//
//	slack: {token: ${env:SLACK_BOT_TOKEN}, channel: "#sec-alerts"}
//	slack: {webhook_url: ${env:SLACK_WEBHOOK_URL}}
//
// A Config is a plain value; Validate does not modify it.
type Config struct {
	// Token is a bot token (xoxb-…) with the chat:write scope; a user token
	// (xoxp-…) or a rotating token (xoxe.xoxb-…) works too. Secret.
	Token string `json:"token"`
	// Channel is where messages go with Token: a channel name ("#sec-alerts"
	// or "sec-alerts"; the bot must be a member) or a conversation ID
	// ("C0123456789", "G…" private, "D…" direct message).
	Channel string `json:"channel"`
	// WebhookURL is an incoming webhook URL
	// (https://hooks.slack.com/services/…). It posts to the channel it was
	// created for; it cannot reply in threads or return a message link.
	// Secret.
	WebhookURL string `json:"webhook_url"`
	// ReplyBroadcast also shows thread replies about resolved and reopened
	// findings in the channel (Slack's "Also send to #channel").
	ReplyBroadcast bool `json:"reply_broadcast"`
	// WorkspaceURL is the workspace's address (https://example.slack.com),
	// used to build message links when chat.getPermalink fails. Optional.
	WorkspaceURL string `json:"workspace_url"`
	// APIURL is the Web API base URL (default DefaultAPIURL).
	APIURL string `json:"api_url"`
	// Language overrides the program's language for this destination: "ja"
	// or "en".
	Language string `json:"language"`
	// Message replaces the built-in message with a Go template or an
	// EventBridge input transformer (see Build for what its output
	// replaces). Optional.
	Message render.Override `json:"message"`
}

// Validate reports every problem of c, each naming its setting; it never
// quotes a secret. It is pure (no network) and called by notify.Typed
// after decoding.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case c.WebhookURL != "" && (c.Token != "" || c.Channel != ""):
		add("webhook_url: set either webhook_url (an incoming webhook) or token and channel (a bot token), not both")
	case c.WebhookURL == "" && c.Token == "" && c.Channel == "":
		add("token: set token and channel (a bot token posting with chat.postMessage) or webhook_url (an incoming webhook)")
	case c.WebhookURL == "" && c.Token == "":
		add("token: is required with channel")
	case c.WebhookURL == "" && c.Channel == "":
		add("channel: is required with token (a channel name such as #sec-alerts or an ID such as C0123456789)")
	}
	if c.Token != "" {
		if err := checkToken(c.Token); err != nil {
			add("token: %w", err)
		}
	}
	if c.Channel != "" {
		if _, err := normalizeChannel(c.Channel); err != nil {
			add("channel: %w", err)
		}
	}
	if c.WebhookURL != "" {
		if err := checkEndpoint(c.WebhookURL, true); err != nil {
			add("webhook_url: %w", err)
		}
	}
	if c.APIURL != "" {
		if err := checkEndpoint(c.APIURL, false); err != nil {
			add("api_url: %q: %w", c.APIURL, err)
		}
	}
	if c.WorkspaceURL != "" {
		if err := checkWorkspaceURL(c.WorkspaceURL); err != nil {
			add("workspace_url: %q: %w", c.WorkspaceURL, err)
		}
	}
	if c.Language != "" {
		if _, err := render.ParseLanguage(c.Language); err != nil {
			add("language: %w", err)
		}
	}
	if err := c.Message.Validate(); err != nil {
		errs = append(errs, err) // names message.…
	}
	return errors.Join(errs...)
}

// tokenPrefixes are the token types that may call chat.postMessage.
var tokenPrefixes = []string{"xoxb-", "xoxp-", "xoxe.xoxb-", "xoxe.xoxp-"}

// checkToken checks the shape of a token without quoting it.
func checkToken(token string) error {
	for _, r := range token {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("contains white space or control characters; check how the secret is stored")
		}
	}
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(token, p) && len(token) > len(p) {
			return nil
		}
	}
	return errors.New("is not a Slack bot or user token (it must start with xoxb- or xoxp-)")
}

// checkEndpoint checks a URL requests are sent to: https, or http to a
// loopback address (a local proxy or a test server). A secret URL is never
// quoted in the error.
func checkEndpoint(raw string, secret bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("is not a valid URL") // url's own error would quote it
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return errors.New("must use https (http is accepted only for localhost)")
	default:
		return errors.New("must be an https URL")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	if u.User != nil {
		return errors.New("must not contain a user name or password")
	}
	if secret && (u.Path == "" || u.Path == "/") {
		return errors.New("has no path; copy the whole incoming webhook URL from the Slack app's settings")
	}
	return nil
}

// checkWorkspaceURL checks the workspace address: https, a host, no path.
func checkWorkspaceURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return errors.New("must be the workspace's https address, such as https://example.slack.com")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must be only the workspace's address, without a path, such as https://example.slack.com")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maxChannelName is the longest channel name Slack allows.
const maxChannelName = 80

// normalizeChannel returns the value chat.postMessage takes for a channel
// setting: a conversation ID as written, or a channel name without its "#".
// Slack channel names are lower case without spaces or periods, at most 80
// characters (they may be in any script, such as Japanese).
func normalizeChannel(s string) (string, error) {
	s = strings.TrimSpace(s)
	if isConversationID(s) {
		return s, nil
	}
	name := strings.TrimPrefix(s, "#")
	bad := func() error {
		return fmt.Errorf("%q is neither a channel name (#sec-alerts: lower case, no spaces or periods, at most %d characters) nor a conversation ID (C0123456789)", s, maxChannelName)
	}
	if name == "" || utf8.RuneCountInString(name) > maxChannelName || !utf8.ValidString(name) {
		return "", bad()
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.IsUpper(r) || strings.ContainsRune(".,#@<>&|!*`'\"\\/:;?=", r) {
			return "", bad()
		}
	}
	return name, nil
}

// isConversationID reports whether s has the shape of a Slack conversation
// ID: C (channel), G (private channel or group) or D (direct message),
// then upper-case letters and digits, 9 characters or more in all.
func isConversationID(s string) bool {
	if len(s) < 9 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
