package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/render"
)

// DefaultTimeout bounds one request when Config.Timeout is empty.
// EventBridge API destinations wait at most 5 seconds; receivers that
// answer slower (ticket systems) get some room, since a request that times
// out is retried and may then act twice.
const DefaultTimeout = 10 * time.Second

// maxTimeout is the longest Config.Timeout accepted.
const maxTimeout = 5 * time.Minute

// minSigningSecret is the shortest signing secret accepted, in bytes.
const minSigningSecret = 16

// Config is the webhook destination's settings, decoded strictly from the
// configuration file:
//
//	webhook:
//	  url: https://example.backlog.jp/api/v2/issues?apiKey=${env:BACKLOG_API_KEY}
//	  input_paths: {Summary: $.detail.findings[0].Title}
//	  input_template: '{"summary": "<Summary>"}'
//
// The body is the EventBridge event itself (what EventBridge API
// destinations send) unless the override (Message, or its top-level
// shorthand InputPaths/InputTemplate/Template) says otherwise. A Config is a
// plain value; Validate does not modify it.
type Config struct {
	// URL receives the requests: https, or http to localhost. It may hold
	// a token in its path or query. Secret.
	URL string `json:"url"`
	// Method is POST (the default), PUT or PATCH.
	Method string `json:"method"`
	// Headers are sent with every request. Their values are treated as
	// secrets, except those of Content-Type, Accept and User-Agent.
	Headers map[string]string `json:"headers"`
	// Auth authenticates as EventBridge connections do: an API key header,
	// Basic or a bearer token.
	Auth *Auth `json:"auth"`
	// Message replaces the body (by default the EventBridge event) with
	// the output of a Go template or an EventBridge input transformer, in
	// format text, json or html: a render.Override, as every destination
	// has. See Renderer.Render.
	Message render.Override `json:"message"`
	// InputPaths, InputTemplate and Template are the same settings as
	// message.input_paths, message.input_template and message.template,
	// kept at the top level where EventBridge API destinations have their
	// input transformer, so a target's InputPathsMap and InputTemplate paste
	// in as they are. Format is then text (Content-Type from the output).
	// Not together with Message.
	InputPaths    map[string]string `json:"input_paths"`
	InputTemplate string            `json:"input_template"`
	Template      string            `json:"template"`
	// SigningSecret, when set, signs every request with HMAC-SHA256 (see
	// Sign). Secret.
	SigningSecret string `json:"signing_secret"`
	// Timeout bounds one request, as a Go duration ("10s", the default).
	Timeout string `json:"timeout"`
	// Language overrides the program's language for Template: "ja" or
	// "en".
	Language string `json:"language"`
}

// Auth is how requests authenticate; exactly one field is set.
type Auth struct {
	// APIKey sends the header Name: Value.
	APIKey *APIKey `json:"api_key"`
	// Basic sends "Authorization: Basic base64(username:password)".
	Basic *Basic `json:"basic"`
	// Bearer sends "Authorization: Bearer <token>". Secret.
	Bearer string `json:"bearer"`
}

// APIKey is an API key sent in a header, as an EventBridge connection's
// API key authorization does.
type APIKey struct {
	// Name is the header name, such as X-Api-Key.
	Name string `json:"name"`
	// Value is the key. Secret.
	Value string `json:"value"`
}

// Basic is HTTP Basic authentication (RFC 7617).
type Basic struct {
	Username string `json:"username"`
	// Password is secret.
	Password string `json:"password"`
}

// reservedHeaders are set by this destination or by HTTP itself and cannot
// be configured.
var reservedHeaders = map[string]string{
	"Host":              "is set from the URL",
	"Content-Length":    "is set from the body",
	"Transfer-Encoding": "is set by HTTP",
	"Connection":        "is set by HTTP",
	"Idempotency-Key":   "carries the delivery's idempotency key",
	HeaderSignature:     "carries the signature (set signing_secret)",
	HeaderTimestamp:     "carries the signature's timestamp (set signing_secret)",
	HeaderKind:          "carries the message kind",
}

// publicHeaders are configured headers whose values are not secrets.
var publicHeaders = map[string]bool{"Content-Type": true, "Accept": true, "User-Agent": true}

// Validate reports every problem of c, each naming its setting; it never
// quotes a secret. It compiles the override (message, or the top-level
// input transformer or template) to report its errors, and is otherwise pure (no network). notify.Typed
// calls it after decoding.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if err := checkURL(c.URL); err != nil {
		add("url: %w", err)
	}
	switch strings.ToUpper(c.Method) {
	case "", http.MethodPost, http.MethodPut, http.MethodPatch:
		if c.Method != strings.ToUpper(c.Method) {
			add("method: %q: write it in upper case (%s)", c.Method, strings.ToUpper(c.Method))
		}
	default:
		add("method: %q: must be POST, PUT or PATCH", c.Method)
	}
	names := make([]string, 0, len(c.Headers))
	for name := range c.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := checkHeader(name, c.Headers[name], c.Auth != nil); err != nil {
			add("headers.%s: %w", name, err)
		}
	}
	if c.Auth != nil {
		for _, err := range c.Auth.validate() {
			add("%w", err)
		}
	}
	if err := c.checkOverride(); err != nil {
		add("%w", err)
	}
	if c.SigningSecret != "" && len(c.SigningSecret) < minSigningSecret {
		add("signing_secret: must be at least %d bytes; generate one with `openssl rand -hex 32`", minSigningSecret)
	}
	if _, err := c.timeout(); err != nil {
		add("timeout: %w", err)
	}
	if c.Language != "" {
		if _, err := render.ParseLanguage(c.Language); err != nil {
			add("language: %w", err)
		}
	}
	return errors.Join(errs...)
}

func (a *Auth) validate() []error {
	var errs []error
	set := 0
	if a.APIKey != nil {
		set++
		switch {
		case !isToken(a.APIKey.Name):
			errs = append(errs, fmt.Errorf("auth.api_key.name: %q: is not a header name", a.APIKey.Name))
		case reservedHeaders[http.CanonicalHeaderKey(a.APIKey.Name)] != "":
			errs = append(errs, fmt.Errorf("auth.api_key.name: %q: %s", a.APIKey.Name, reservedHeaders[http.CanonicalHeaderKey(a.APIKey.Name)]))
		}
		if err := checkSecret(a.APIKey.Value); err != nil {
			errs = append(errs, fmt.Errorf("auth.api_key.value: %w", err))
		}
	}
	if a.Basic != nil {
		set++
		switch {
		case a.Basic.Username == "":
			errs = append(errs, errors.New("auth.basic.username: is required"))
		case strings.ContainsAny(a.Basic.Username, ":\r\n") || strings.IndexFunc(a.Basic.Username, isControl) >= 0:
			errs = append(errs, fmt.Errorf("auth.basic.username: %q: must not contain \":\" or control characters (RFC 7617)", a.Basic.Username))
		}
		if strings.IndexFunc(a.Basic.Password, isControl) >= 0 {
			errs = append(errs, errors.New("auth.basic.password: contains control characters; check how the secret is stored"))
		}
	}
	if a.Bearer != "" {
		set++
		if err := checkSecret(a.Bearer); err != nil {
			errs = append(errs, fmt.Errorf("auth.bearer: %w", err))
		}
	}
	if set != 1 {
		errs = append(errs, fmt.Errorf("auth: set exactly one of api_key, basic and bearer (%d set)", set))
	}
	return errs
}

// method returns the HTTP method, defaulted.
func (c *Config) method() string {
	if c.Method == "" {
		return http.MethodPost
	}
	return c.Method
}

// timeout parses Timeout, defaulted.
func (c *Config) timeout() (time.Duration, error) {
	if c.Timeout == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(c.Timeout)
	if err != nil {
		return 0, fmt.Errorf("%q: not a duration such as 10s or 1m", c.Timeout)
	}
	if d <= 0 || d > maxTimeout {
		return 0, fmt.Errorf("%q: must be more than 0 and at most %s", c.Timeout, maxTimeout)
	}
	return d, nil
}

// secrets lists the secret values of c, for the Redactor.
func (c *Config) secrets() []string {
	s := []string{c.URL, c.SigningSecret}
	for name, value := range c.Headers {
		if !publicHeaders[http.CanonicalHeaderKey(name)] {
			s = append(s, value)
		}
	}
	if a := c.Auth; a != nil {
		s = append(s, a.Bearer)
		if a.APIKey != nil {
			s = append(s, a.APIKey.Value)
		}
		if a.Basic != nil {
			s = append(s, a.Basic.Password)
		}
	}
	return s
}

// checkURL checks the webhook URL without quoting it (it may hold a
// token): https, or http to a loopback address; a host; no user
// information or fragment.
func checkURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return errors.New("is not an absolute URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return errors.New("must use https (http is accepted only for localhost)")
	default:
		return errors.New("must be an https URL")
	}
	if u.User != nil {
		return errors.New("must not contain a user name or password; use auth.basic")
	}
	if u.Fragment != "" {
		return errors.New("must not contain a fragment (#…)")
	}
	return nil
}

// checkHeader checks one configured header without quoting its value.
func checkHeader(name, value string, hasAuth bool) error {
	canonical := http.CanonicalHeaderKey(name)
	switch {
	case !isToken(name):
		return errors.New("is not a valid header name")
	case reservedHeaders[canonical] != "":
		return errors.New(reservedHeaders[canonical])
	case canonical == "Authorization" && hasAuth:
		return errors.New("is set by auth; remove one of them")
	case strings.IndexFunc(value, func(r rune) bool { return isControl(r) && r != '\t' }) >= 0:
		return errors.New("value contains line breaks or control characters")
	}
	return nil
}

// checkSecret checks a token that goes into a header.
func checkSecret(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case strings.IndexFunc(s, func(r rune) bool { return isControl(r) || r == ' ' }) >= 0:
		return errors.New("contains white space or control characters; check how the secret is stored")
	}
	return nil
}

// isToken reports whether s is an HTTP field name (RFC 9110 token).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hasTopLevelOverride reports whether the top-level shorthand of the
// override (template, input_paths, input_template) is used.
func (c *Config) hasTopLevelOverride() bool {
	return c.Template != "" || len(c.InputPaths) > 0 || c.InputTemplate != ""
}

// override returns the body override: Message, or the top-level
// shorthand as an Override of format text.
func (c *Config) override() render.Override {
	if c.hasTopLevelOverride() {
		return render.Override{Template: c.Template, InputPaths: c.InputPaths, InputTemplate: c.InputTemplate}
	}
	return c.Message
}

// checkOverride validates the override, naming the settings as the
// configuration spells them: message.template, or template for the
// top-level shorthand.
func (c *Config) checkOverride() error {
	if c.hasTopLevelOverride() && !c.Message.IsZero() {
		return errors.New("message: set either message or the top-level template, input_paths and input_template (the same settings), not both")
	}
	err := c.override().Validate()
	if err == nil || !c.hasTopLevelOverride() {
		return err
	}
	return errors.New(topLevelFields(err.Error()))
}

// topLevelFields renames the message.* fields of an override error to the
// top-level shorthand's: "message.template: …" → "template: …",
// "message: template and … are both set" → "template and … are both set".
func topLevelFields(msg string) string {
	msg = strings.TrimPrefix(msg, "message: ")
	return strings.ReplaceAll(msg, "message.", "")
}
