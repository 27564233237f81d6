package sns

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// The message formats a topic can receive (Config.MessageFormat).
const (
	// FormatChatbot publishes an AWS Chatbot (Amazon Q Developer in chat
	// applications) custom notification: version "1.0", source "custom",
	// content {textType, title, description, nextSteps, keywords}.
	FormatChatbot = "chatbot"
	// FormatRaw publishes the EventBridge event itself, as an EventBridge
	// rule with this topic as its target would have sent it.
	FormatRaw = "raw"
	// FormatJSON publishes hubrelay's JSON document of the message (see
	// Document).
	FormatJSON = "json"
)

// The ways a FIFO topic's MessageGroupId is chosen (Config.MessageGroup).
const (
	// GroupByAccount keeps the messages about one AWS account in order.
	GroupByAccount = "account"
	// GroupByFinding keeps the messages about one finding in order and lets
	// different findings be delivered in parallel.
	GroupByFinding = "finding"
)

// Config is the sns destination's settings, decoded strictly from the
// configuration file:
//
//	sns: {topic_arn: arn:aws:sns:ap-northeast-1:123456789012:security-alerts}
//
// Credentials come from the AWS default chain (environment, shared files,
// IAM role) unless AccessKeyID and SecretAccessKey are set. A Config is a
// plain value; Validate does not modify it.
type Config struct {
	// TopicARN is the topic to publish to; a name ending in ".fifo" is a
	// FIFO topic.
	TopicARN string `json:"topic_arn"`
	// Region is the topic's region; it defaults to the region in TopicARN
	// and must equal it when set (SNS publishes only within a region).
	Region string `json:"region"`
	// Endpoint replaces the regional SNS endpoint (a VPC endpoint, FIPS, a
	// test server): the SDK's BaseEndpoint.
	Endpoint string `json:"endpoint"`
	// MessageFormat is FormatChatbot (the default), FormatRaw or FormatJSON.
	MessageFormat string `json:"message_format"`
	// MessageGroup chooses a FIFO topic's MessageGroupId: GroupByAccount
	// (the default) or GroupByFinding. Only for FIFO topics.
	MessageGroup string `json:"message_group"`
	// AccessKeyID, SecretAccessKey and SessionToken are static
	// credentials. Secret.
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	SessionToken    string `json:"session_token"`
	// Language overrides the program's language for this destination's
	// messages: "ja" or "en".
	Language string `json:"language"`
	// Message replaces the built-in SNS message (the Message parameter of
	// Publish) with a Go template or an EventBridge input transformer, in
	// format text or json (see override.go). Zero keeps the built-in one.
	Message render.Override `json:"message"`
}

// Validate reports every problem of c, each naming its setting; it never
// quotes a secret. It is pure (no network) and called by notify.Typed after
// decoding.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	topic, err := ParseTopicARN(c.TopicARN)
	if err != nil {
		add("topic_arn: %w", err)
	}
	switch {
	case c.Region == "":
	case !regionPattern.MatchString(c.Region):
		add("region: %q: is not an AWS region name such as ap-northeast-1", c.Region)
	case err == nil && c.Region != topic.Region:
		add("region: %q: the topic is in %s, and SNS publishes only to topics in the client's region", c.Region, topic.Region)
	}
	if c.Endpoint != "" {
		if err := checkEndpoint(c.Endpoint); err != nil {
			add("endpoint: %q: %w", c.Endpoint, err)
		}
	}
	switch c.MessageFormat {
	case "", FormatChatbot, FormatRaw, FormatJSON:
	default:
		add("message_format: %q: must be chatbot, raw or json", c.MessageFormat)
	}
	switch c.MessageGroup {
	case "":
	case GroupByAccount, GroupByFinding:
		if err == nil && !topic.FIFO {
			add("message_group: is only for FIFO topics (a topic name ending in .fifo)")
		}
	default:
		add("message_group: %q: must be account or finding", c.MessageGroup)
	}
	switch {
	case c.AccessKeyID != "" && c.SecretAccessKey == "":
		add("secret_access_key: is required with access_key_id")
	case c.AccessKeyID == "" && c.SecretAccessKey != "":
		add("access_key_id: is required with secret_access_key")
	}
	if c.SessionToken != "" && c.AccessKeyID == "" {
		add("session_token: needs access_key_id and secret_access_key")
	}
	for _, f := range []struct{ name, value string }{
		{"access_key_id", c.AccessKeyID}, {"secret_access_key", c.SecretAccessKey}, {"session_token", c.SessionToken},
	} {
		if strings.IndexFunc(f.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			add("%s: contains white space or control characters; check how the secret is stored", f.name)
		}
	}
	if c.Language != "" {
		if _, err := render.ParseLanguage(c.Language); err != nil {
			add("language: %w", err)
		}
	}
	if err := checkOverride(c.Message); err != nil {
		add("%w", err)
	}
	return errors.Join(errs...)
}

// format returns the message format, defaulted.
func (c *Config) format() string {
	if c.MessageFormat == "" {
		return FormatChatbot
	}
	return c.MessageFormat
}

// group returns the FIFO grouping, defaulted.
func (c *Config) group() string {
	if c.MessageGroup == "" {
		return GroupByAccount
	}
	return c.MessageGroup
}

// regionPattern is the shape of AWS region names (us-east-1,
// ap-northeast-1, us-gov-west-1, cn-north-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// checkEndpoint checks an SNS endpoint URL: https, or http to a loopback
// address (a local proxy or a test server).
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("is not an absolute URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must not hold credentials, a query or a fragment")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return errors.New("must use https (http is accepted only for localhost)")
	}
	return errors.New("must be an https URL")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
