package teams

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Format is the card format posted.
type Format string

// The card formats a Teams URL takes.
const (
	// FormatAdaptive posts an Adaptive Card in a message envelope: what
	// Workflows' "When a Teams webhook request is received" trigger and
	// Incoming Webhooks both accept. The default.
	FormatAdaptive Format = "adaptive"
	// FormatConnector posts a legacy Office 365 connector MessageCard, for
	// Incoming Webhooks only (Workflows support Adaptive Cards only).
	FormatConnector Format = "connector"
)

// Config is the teams destination's settings, decoded strictly from the
// configuration file. Exactly one of WorkflowURL and WebhookURL is set:
//
//	teams: {workflow_url: ${env:TEAMS_WORKFLOW_URL}}
//	teams: {webhook_url: ${env:TEAMS_WEBHOOK_URL}, format: connector}
//
// A Config is a plain value; Validate does not modify it.
type Config struct {
	// WorkflowURL is the HTTP URL of a Teams Workflows (Power Automate)
	// flow whose trigger is "When a Teams webhook request is received",
	// as copied from the trigger (it carries its signature in the sig
	// query parameter). Secret.
	WorkflowURL string `json:"workflow_url"`
	// WebhookURL is the URL of an Incoming Webhook
	// (https://….webhook.office.com/webhookb2/…), the older Microsoft 365
	// connector. Secret.
	WebhookURL string `json:"webhook_url"`
	// Format is "adaptive" (the default) or "connector" (a MessageCard;
	// only with WebhookURL).
	Format Format `json:"format"`
	// Language overrides the program's language for this destination: "ja"
	// or "en".
	Language string `json:"language"`
	// Message replaces the built-in card with a Go template or an
	// EventBridge input transformer (see Build for what its output
	// replaces). Optional.
	Message render.Override `json:"message"`
}

// Validate reports every problem of c, each naming its setting; it never
// quotes a URL, since both are secrets. It is pure (no network) and called
// by notify.Typed after decoding.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case c.WorkflowURL != "" && c.WebhookURL != "":
		add("workflow_url: set either workflow_url (a Teams Workflows webhook) or webhook_url (an Incoming Webhook), not both")
	case c.WorkflowURL == "" && c.WebhookURL == "":
		add("workflow_url: is required: the URL of a Teams workflow started by \"When a Teams webhook request is received\" (or set webhook_url for an Incoming Webhook)")
	}
	if c.WorkflowURL != "" {
		if err := checkURL(c.WorkflowURL); err != nil {
			add("workflow_url: %w", err)
		}
	}
	if c.WebhookURL != "" {
		if err := checkURL(c.WebhookURL); err != nil {
			add("webhook_url: %w", err)
		}
	}
	switch c.Format {
	case "", FormatAdaptive:
	case FormatConnector:
		if c.WorkflowURL != "" {
			add("format: connector (a MessageCard) works only with webhook_url: Workflows post Adaptive Cards only; remove format")
		}
	default:
		add("format: %q is not one of %q (an Adaptive Card, the default) or %q (a MessageCard, for webhook_url)",
			render.SingleLine(string(c.Format)), FormatAdaptive, FormatConnector)
	}
	if c.Language != "" {
		if _, err := render.ParseLanguage(c.Language); err != nil {
			add("language: %w", err)
		}
	}
	if err := c.Message.Validate(); err != nil {
		errs = append(errs, err) // names message.…
	} else if err := checkOverrideFormat(c.Message, c.format()); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// format returns the card format c posts.
func (c *Config) format() Format {
	if c.Format == "" {
		return FormatAdaptive
	}
	return c.Format
}

// checkURL checks a secret URL without quoting it: https (or http to a
// loopback address, for a local proxy or a test server), a host, a path,
// no user name or password, no white space.
func checkURL(raw string) error {
	for _, r := range raw {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("contains white space or control characters; check how the secret is stored")
		}
	}
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
	if u.Path == "" || u.Path == "/" {
		return errors.New("has no path; copy the whole URL Teams shows")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
