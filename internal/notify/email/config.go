package email

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// The values of SMTPConfig.TLS.
const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is sent (RFC 3207); a server that does not offer
	// STARTTLS is refused. The default, on port 587.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (RFC 8314 "implicit
	// TLS"), on port 465.
	TLSImplicit = "tls"
	// TLSNone sends everything in plain text, for a relay on the local
	// host or network. Authenticating needs InsecureAllowPlainAuth.
	TLSNone = "none"
)

// Default ports per TLS mode (RFC 8314 §3.3 for 465, RFC 6409 for 587).
const (
	PortSubmission = 587
	PortImplicit   = 465
	PortRelay      = 25
)

// DefaultTimeout bounds one SMTP delivery (connect, greeting, TLS,
// authentication and the message) when SMTPConfig.Timeout is empty.
const DefaultTimeout = 30 * time.Second

// maxTimeout is the longest SMTPConfig.Timeout accepted.
const maxTimeout = 10 * time.Minute

// Recipient limits per message: Amazon SES accepts at most 50 addresses
// across To, Cc and Bcc (SendEmail/SendRawEmail documentation); RFC 5321
// §4.5.3.1.8 requires SMTP servers to accept at least 100.
const (
	MaxRecipientsSES  = 50
	MaxRecipientsSMTP = 100
)

// Config is the email destination's settings, decoded strictly from the
// configuration file. Exactly one transport is set, SMTP or SES:
//
//	email:
//	  smtp: {host: smtp.example.com, username: alerts, password: ${env:SMTP_PASSWORD}, from: alerts@example.com}
//	  to: [security@example.com]
//
// A Config is a plain value; Validate does not modify it.
type Config struct {
	// SMTP sends through an SMTP server (submission on 587 with STARTTLS
	// by default).
	SMTP *SMTPConfig `json:"smtp"`
	// SES sends with the Amazon SES API v2 (SendEmail, raw content).
	SES *SESConfig `json:"ses"`

	// To, Cc and Bcc are the recipients: addresses, optionally with a
	// display name ("Security team <security@example.com>"). To is
	// required; Bcc addresses are not shown in the message.
	To  []string `json:"to"`
	Cc  []string `json:"cc"`
	Bcc []string `json:"bcc"`
	// ReplyTo is where replies go instead of From. Optional.
	ReplyTo string `json:"reply_to"`

	// SubjectTemplate is a Go template executed on a finding view
	// (render.View) replacing the built-in subject of single-finding mails;
	// its output is put on one line and cut to 200 characters.
	SubjectTemplate string `json:"subject_template"`
	// DigestSubjectTemplate does the same for digests (render.DigestView).
	DigestSubjectTemplate string `json:"digest_subject_template"`
	// Message replaces the built-in body with a Go template or an
	// EventBridge input transformer (see render.Override). With format
	// html it replaces the HTML part and the built-in text part stays;
	// with format text (the default) the mail is its text alone, without
	// an HTML part that would say something else. Format json is refused.
	Message render.Override `json:"message"`
	// Language overrides the program's language for this destination: "ja"
	// or "en".
	Language string `json:"language"`
}

// SMTPConfig is the SMTP transport.
type SMTPConfig struct {
	// Host is the server's DNS name or IP address, without port.
	Host string `json:"host"`
	// Port defaults by TLS mode: 587 (starttls), 465 (tls), 25 (none).
	Port int `json:"port"`
	// TLS is starttls (default; tls when Port is 465), tls or none.
	TLS string `json:"tls"`
	// Username and Password authenticate with AUTH PLAIN, or LOGIN when
	// the server offers only that. Both or neither. Password is secret.
	Username string `json:"username"`
	Password string `json:"password"`
	// InsecureAllowPlainAuth allows authenticating with tls: none, which
	// sends the password readable by anyone on the network path.
	InsecureAllowPlainAuth bool `json:"insecure_allow_plain_auth"`
	// From is the sender: an address, optionally with a display name.
	From string `json:"from"`
	// HELO is the name sent in EHLO (default: this host's name).
	HELO string `json:"helo"`
	// CAFile is a PEM file of CA certificates to trust instead of the
	// system's, for servers with a private CA.
	CAFile string `json:"ca_file"`
	// Timeout bounds one delivery, as a Go duration ("30s", the default).
	Timeout string `json:"timeout"`
}

// SESConfig is the Amazon SES (API v2) transport. Credentials come from
// the AWS default chain (environment, shared files, IAM role) unless
// AccessKeyID and SecretAccessKey are set.
type SESConfig struct {
	// Region is the SES region, for example ap-northeast-1.
	Region string `json:"region"`
	// From is the sender, a verified SES identity, optionally with a
	// display name.
	From string `json:"from"`
	// ConfigurationSet names the SES configuration set to send with.
	ConfigurationSet string `json:"configuration_set"`
	// Endpoint replaces the regional endpoint (a VPC endpoint, FIPS).
	Endpoint string `json:"endpoint"`
	// AccessKeyID, SecretAccessKey and SessionToken are static
	// credentials. Secret.
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	SessionToken    string `json:"session_token"`
}

// Validate reports every problem of c, each naming its setting. It never
// quotes a secret. It is pure (no network, no files) and is called by
// notify.Typed after decoding.
func (c *Config) Validate() error {
	v := &validation{}
	switch {
	case c.SMTP != nil && c.SES != nil:
		v.add("smtp: set either smtp or ses, not both")
	case c.SMTP == nil && c.SES == nil:
		v.add("smtp: set smtp (an SMTP server) or ses (Amazon SES)")
	case c.SMTP != nil:
		c.SMTP.validate(v)
	default:
		c.SES.validate(v)
	}
	c.validateRecipients(v)
	if c.ReplyTo != "" {
		if _, err := parseAddress(c.ReplyTo); err != nil {
			v.add("reply_to: %w", err)
		}
	}
	opts := render.Options{Language: render.Language(c.Language)}
	if c.Language != "" {
		if _, err := render.ParseLanguage(c.Language); err != nil {
			v.errs = append(v.errs, err) // it reads `language "fr": must be "ja" or "en"`
		}
	}
	if _, err := render.LoadTemplate(render.KindEmailSubject, c.SubjectTemplate, opts); err != nil {
		v.add("subject_template: %w", err)
	}
	if _, err := render.LoadTemplate(render.KindDigestSubject, c.DigestSubjectTemplate, opts); err != nil {
		v.add("digest_subject_template: %w", err)
	}
	if err := c.Message.Validate(); err != nil {
		v.errs = append(v.errs, err) // it names message.…
	} else if c.Message.Format == render.FormatJSON {
		v.add("message.format: %q: a mail body is %q or %q", c.Message.Format, render.FormatText, render.FormatHTML)
	}
	return errors.Join(v.errs...)
}

// validation collects the problems of one Validate call.
type validation struct{ errs []error }

func (v *validation) add(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (c *Config) validateRecipients(v *validation) {
	if len(c.To) == 0 {
		v.add("to: at least one recipient is required")
	}
	seen := map[string]string{}
	total := 0
	for _, list := range []struct {
		field string
		addrs []string
	}{{"to", c.To}, {"cc", c.Cc}, {"bcc", c.Bcc}} {
		for i, raw := range list.addrs {
			field := fmt.Sprintf("%s[%d]", list.field, i)
			addr, err := parseAddress(raw)
			if err != nil {
				v.add("%s: %w", field, err)
				continue
			}
			total++
			key := strings.ToLower(addr.Address)
			if first, dup := seen[key]; dup {
				v.add("%s: %s is already listed as %s", field, addr.Address, first)
				continue
			}
			seen[key] = field
		}
	}
	limit := MaxRecipientsSMTP
	if c.SES != nil {
		limit = MaxRecipientsSES
	}
	if total > limit {
		v.add("to: %d recipients across to, cc and bcc; at most %d are allowed per message", total, limit)
	}
}

func (s *SMTPConfig) validate(v *validation) {
	if err := checkHost(s.Host); err != nil {
		v.add("smtp.host: %w", err)
	}
	mode, port := s.mode(), s.port()
	switch s.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		v.add("smtp.tls: %q: must be starttls, tls or none", s.TLS)
	}
	if s.Port < 0 || s.Port > 65535 {
		v.add("smtp.port: %d: must be between 1 and 65535", s.Port)
	}
	switch {
	case mode == TLSStartTLS && port == PortImplicit:
		v.add("smtp.port: 465 is the implicit-TLS port: set tls: tls, or use port 587 with starttls")
	case mode == TLSImplicit && port == PortSubmission:
		v.add("smtp.port: 587 is the STARTTLS submission port: set tls: starttls, or use port 465 with tls")
	}
	switch {
	case s.Username != "" && s.Password == "":
		v.add("smtp.password: is required with username")
	case s.Username == "" && s.Password != "":
		v.add("smtp.username: is required with password")
	}
	if strings.ContainsAny(s.Username, "\r\n\x00") {
		v.add("smtp.username: contains a line break or NUL")
	}
	if strings.ContainsAny(s.Password, "\r\n\x00") {
		v.add("smtp.password: contains a line break or NUL; check how the secret is stored")
	}
	if s.Username != "" && mode == TLSNone && !s.InsecureAllowPlainAuth {
		v.add("smtp.username: with tls: none the password would cross the network readable; use tls: starttls or tls, or set insecure_allow_plain_auth: true for a trusted local relay")
	}
	if s.InsecureAllowPlainAuth && mode != TLSNone {
		v.add("smtp.insecure_allow_plain_auth: applies only with tls: none (with %s the password is always encrypted)", mode)
	}
	if s.From == "" {
		v.add("smtp.from: is required")
	} else if _, err := parseAddress(s.From); err != nil {
		v.add("smtp.from: %w", err)
	}
	if s.HELO != "" {
		if err := checkHELO(s.HELO); err != nil {
			v.add("smtp.helo: %w", err)
		}
	}
	if s.CAFile != "" && strings.TrimSpace(s.CAFile) != s.CAFile {
		v.add("smtp.ca_file: %q: has leading or trailing white space", s.CAFile)
	}
	if _, err := s.timeout(); err != nil {
		v.add("smtp.timeout: %w", err)
	}
}

// mode is the TLS mode with its default: implicit TLS on port 465,
// STARTTLS otherwise.
func (s *SMTPConfig) mode() string {
	if s.TLS != "" {
		return s.TLS
	}
	if s.Port == PortImplicit {
		return TLSImplicit
	}
	return TLSStartTLS
}

// port is the port with its default for the TLS mode.
func (s *SMTPConfig) port() int {
	if s.Port != 0 {
		return s.Port
	}
	switch s.mode() {
	case TLSImplicit:
		return PortImplicit
	case TLSNone:
		return PortRelay
	}
	return PortSubmission
}

// timeout parses Timeout, DefaultTimeout when empty.
func (s *SMTPConfig) timeout() (time.Duration, error) {
	if s.Timeout == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s.Timeout)
	if err != nil {
		return 0, fmt.Errorf("%q: not a duration such as 30s or 1m", s.Timeout)
	}
	if d <= 0 || d > maxTimeout {
		return 0, fmt.Errorf("%q: must be more than 0 and at most %s", s.Timeout, maxTimeout)
	}
	return d, nil
}

// regionPattern is the shape of AWS region names (us-east-1,
// ap-northeast-1, us-gov-west-1, eu-central-2).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// configSetPattern is what SES accepts as a configuration set name:
// letters, digits, underscores and dashes, at most 64.
var configSetPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (s *SESConfig) validate(v *validation) {
	switch {
	case s.Region == "":
		v.add("ses.region: is required (the SES region, for example ap-northeast-1)")
	case !regionPattern.MatchString(s.Region):
		v.add("ses.region: %q: is not an AWS region name such as ap-northeast-1", s.Region)
	}
	if s.From == "" {
		v.add("ses.from: is required (a verified SES identity)")
	} else if _, err := parseAddress(s.From); err != nil {
		v.add("ses.from: %w", err)
	}
	if s.ConfigurationSet != "" && !configSetPattern.MatchString(s.ConfigurationSet) {
		v.add("ses.configuration_set: %q: only letters, digits, _ and -, at most 64", s.ConfigurationSet)
	}
	if s.Endpoint != "" {
		if err := checkEndpoint(s.Endpoint); err != nil {
			v.add("ses.endpoint: %q: %w", s.Endpoint, err)
		}
	}
	switch {
	case s.AccessKeyID != "" && s.SecretAccessKey == "":
		v.add("ses.secret_access_key: is required with access_key_id")
	case s.AccessKeyID == "" && s.SecretAccessKey != "":
		v.add("ses.access_key_id: is required with secret_access_key")
	}
	if s.SessionToken != "" && s.AccessKeyID == "" {
		v.add("ses.session_token: needs access_key_id and secret_access_key")
	}
	for _, f := range []struct{ name, value string }{
		{"access_key_id", s.AccessKeyID}, {"secret_access_key", s.SecretAccessKey}, {"session_token", s.SessionToken},
	} {
		if strings.IndexFunc(f.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			v.add("ses.%s: contains white space or control characters; check how the secret is stored", f.name)
		}
	}
}

// parseAddress parses one address of the configuration: "a@example.com"
// or "Name <a@example.com>". Group syntax and address lists are refused.
func parseAddress(raw string) (*mail.Address, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("is empty")
	}
	addr, err := mail.ParseAddress(raw)
	if err != nil {
		return nil, fmt.Errorf("%q: not an email address (%v)", raw, err)
	}
	local, domain, ok := strings.Cut(addr.Address, "@")
	if !ok || local == "" || domain == "" || strings.HasPrefix(domain, "[") {
		return nil, fmt.Errorf("%q: needs a domain name after @", raw)
	}
	return addr, nil
}

// checkHost checks an SMTP host name: a DNS name or an IP address, no
// scheme, port or path.
func checkHost(host string) error {
	switch {
	case host == "":
		return errors.New("is required")
	case strings.Contains(host, "://"):
		return fmt.Errorf("%q: give the host name only, without a scheme", host)
	case net.ParseIP(host) != nil:
		return nil
	case strings.Contains(host, ":"):
		return fmt.Errorf("%q: give the port in smtp.port, not in the host", host)
	}
	if len(host) > 253 {
		return errors.New("is longer than 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return fmt.Errorf("%q: is not a host name", host)
		}
		if strings.IndexFunc(label, func(r rune) bool { return !isHostRune(r) }) >= 0 {
			return fmt.Errorf("%q: is not a host name", host)
		}
	}
	return nil
}

// isHostRune reports the characters of a host name label: ASCII letters,
// digits, "-" and "_" (seen in internal names).
func isHostRune(r rune) bool {
	return r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// checkHELO checks the EHLO name: a host name or an address literal such
// as [192.0.2.1].
func checkHELO(name string) error {
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		inner := strings.TrimPrefix(name[1:len(name)-1], "IPv6:")
		if net.ParseIP(inner) == nil {
			return fmt.Errorf("%q: is not an address literal", name)
		}
		return nil
	}
	return checkHost(name)
}

// checkEndpoint checks an SES endpoint URL: https, or http to a loopback
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
