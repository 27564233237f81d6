package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Config is the jira destination's settings, decoded strictly from the
// configuration file:
//
//	jira:
//	  url: https://example.atlassian.net
//	  email: secbot@example.com
//	  api_token: ${env:JIRA_API_TOKEN}
//	  project_key: SEC
//	  issue_type: Bug
//
// A Config is read-only once Validate has passed; the Notifier keeps its own
// copy.
type Config struct {
	// URL is the Jira site's base URL: https://example.atlassian.net for
	// Jira Cloud, https://jira.example.com (or with a context path,
	// https://example.com/jira) for Jira Server or Data Center.
	URL string `json:"url"`
	// APIVersion is the REST API version: 3 (Jira Cloud, ADF text) or 2
	// (Server and Data Center, wiki markup text). 0 picks 3 for
	// *.atlassian.net and 2 for every other host.
	APIVersion int `json:"api_version"`

	// Email and APIToken authenticate with HTTP Basic auth, as Jira Cloud
	// asks: base64(email:api_token).
	Email    string `json:"email"`
	APIToken string `json:"api_token"`
	// PersonalAccessToken authenticates with "Authorization: Bearer", as
	// Jira Server and Data Center 8.14 and later accept. Set either it or
	// Email and APIToken.
	PersonalAccessToken string `json:"personal_access_token"`

	// ProjectKey is the key of the project issues are created in (SEC).
	ProjectKey string `json:"project_key"`
	// IssueType is the issue type of new issues: its name (Bug, Task) or
	// its numeric ID (10001).
	IssueType NameOrID `json:"issue_type"`
	// Priority is the priority name of new issues, or a map from severity
	// label to priority name. Unset (or a severity the map does not name):
	// the project's default priority.
	Priority Priority `json:"priority"`
	// Labels are added to every new issue. Jira labels cannot contain
	// spaces: each run of white space becomes "_".
	Labels []string `json:"labels"`
	// Components are the names of project components new issues belong to.
	Components []string `json:"components"`
	// CustomFields sets custom fields of new issues: the key is the field
	// ID (customfield_10010), the value is sent as written, so it takes the
	// shape the field's type documents ("text", 3, {"value": "Prod"},
	// [{"name": "x"}]).
	CustomFields map[string]any `json:"custom_fields"`

	// SummaryTemplate replaces the built-in summary "[High] <title>": a Go
	// template executed on a render.View. The result is put on one line and
	// cut to 255 characters. Digests always use the built-in summary.
	SummaryTemplate string `json:"summary_template"`
	// DescriptionTemplate replaces the built-in description: a Go template
	// executed on a render.View. Its output is plain text: blank lines
	// separate paragraphs and http(s) URLs become links; nothing in it is
	// read as markup, so finding text needs no escaping. Digests always use
	// the built-in description.
	DescriptionTemplate string `json:"description_template"`
	// Message replaces the description of new issues (single findings, and
	// digests when its template reads .Digest) with a Go template or an
	// EventBridge input transformer; see render.Override and messageOverride.
	// Format text only: the output is plain text laid out as
	// DescriptionTemplate's is (ADF paragraphs on v3, escaped wiki markup on
	// v2). It cannot be combined with DescriptionTemplate; SummaryTemplate
	// still sets the summary. Comments keep the built-in text.
	Message render.Override `json:"message"`

	// ResolveTransition is the workflow transition applied when a finding
	// is resolved (default "Done"). It is matched, ignoring case, against
	// the names of the transitions the issue offers, then against the names
	// of the statuses they lead to.
	ResolveTransition string `json:"resolve_transition"`
	// ReopenTransition is the transition applied when a resolved finding
	// fails again (default "To Do"), matched the same way.
	ReopenTransition string `json:"reopen_transition"`
	// Resolution, when set, is the resolution name (Done, Fixed) sent with
	// the resolve transition, for workflows whose transition screen asks
	// for one.
	Resolution string `json:"resolution"`

	// Language of the built-in text: "ja" or "en" (default: the
	// configuration's language).
	Language string `json:"language"`
}

// Defaults of the optional settings.
const (
	DefaultResolveTransition = "Done"
	DefaultReopenTransition  = "To Do"
)

// customFieldKey is the shape of a custom field ID.
var customFieldKey = regexp.MustCompile(`^customfield_[0-9]{1,18}$`)

// Validate checks the settings without touching the network. Errors name the
// setting and never contain a token. notify.Typed calls it after decoding;
// New calls it again.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(validateURL(c.URL))
	add(c.validateAPIVersion())
	add(c.validateAuth())
	add(validateProjectKey(c.ProjectKey))
	add(validateName("issue_type", string(c.IssueType), true))
	add(c.Priority.validate())
	for i, l := range c.Labels {
		if sanitizeLabel(l) == "" {
			add(fmt.Errorf("labels[%d]: %q has no characters a Jira label can hold", i, l))
		}
	}
	for i, comp := range c.Components {
		add(validateName(fmt.Sprintf("components[%d]", i), comp, true))
	}
	add(c.validateCustomFields())
	add(validateName("resolve_transition", c.ResolveTransition, false))
	add(validateName("reopen_transition", c.ReopenTransition, false))
	add(validateName("resolution", c.Resolution, false))
	if _, err := render.ParseLanguage(c.Language); err != nil {
		add(fmt.Errorf("language: %w", err))
	}
	for _, t := range []struct{ field, text string }{
		{"summary_template", c.SummaryTemplate},
		{"description_template", c.DescriptionTemplate},
	} {
		if strings.TrimSpace(t.text) == "" {
			continue
		}
		if _, err := render.NewTemplate(t.field, t.text, render.Options{}); err != nil {
			add(fmt.Errorf("%s: %w", t.field, err))
		}
	}
	add(c.validateMessage())
	return errors.Join(errs...)
}

// validateMessage checks the message override: valid as render defines it,
// format text (a Jira description is ADF or wiki markup that hubrelay
// writes itself, so neither JSON nor HTML output has a place), and not
// together with description_template, which replaces the same text.
func (c *Config) validateMessage() error {
	if c.Message.IsZero() {
		return nil
	}
	if err := c.Message.Validate(); err != nil {
		return err
	}
	switch c.Message.Format {
	case "", render.FormatText:
	default:
		return fmt.Errorf("message.format: %q is not supported by jira: the override replaces the issue description, which hubrelay lays out as ADF (API v3) or wiki markup (API v2) from plain text; use format text", c.Message.Format)
	}
	if strings.TrimSpace(c.DescriptionTemplate) != "" {
		return errors.New("message: cannot be combined with description_template; both replace the issue description (move the template to message.template)")
	}
	return nil
}

// validateURL accepts a Jira site's base URL: an absolute https URL with a
// host and an optional context path, and nothing that would change the API
// path or carry credentials. Plain http is accepted only for a loopback
// host (a test server), since every request carries the token.
func validateURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("url: is required (e.g. https://example.atlassian.net)")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("url: must be the Jira site's address, e.g. https://example.atlassian.net or https://jira.example.com")
	}
	switch {
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return errors.New("url: must use https; every request carries the token (http is accepted only for a local test server)")
	case u.User != nil:
		return errors.New("url: must not contain a user name or password; use email and api_token, or personal_access_token")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("url: must not have a query")
	case u.Fragment != "":
		return errors.New("url: must not have a fragment")
	case strings.Contains(u.Path, "/rest/"):
		return errors.New("url: give the site's address only, without /rest/api/")
	case strings.Contains(u.Path, "/browse/"):
		return errors.New("url: give the site's address only, without /browse/")
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

// isCloudHost reports whether host is a Jira Cloud site.
func isCloudHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return strings.HasSuffix(host, ".atlassian.net")
}

func (c *Config) validateAPIVersion() error {
	switch c.APIVersion {
	case 0, 2, 3:
		return nil
	}
	return fmt.Errorf("api_version: %d must be 3 (Jira Cloud) or 2 (Jira Server and Data Center)", c.APIVersion)
}

// validateAuth checks that exactly one way of authenticating is configured,
// without ever quoting a token.
func (c *Config) validateAuth() error {
	basic := c.Email != "" || c.APIToken != ""
	bearer := c.PersonalAccessToken != ""
	switch {
	case basic && bearer:
		return errors.New("personal_access_token: cannot be combined with email and api_token; set one way of authenticating")
	case bearer:
		return validateToken("personal_access_token", c.PersonalAccessToken)
	case c.Email == "" && c.APIToken == "":
		return errors.New("api_token: is required with email (Jira Cloud), or set personal_access_token (Server and Data Center)")
	case c.Email == "":
		return errors.New("email: is required with api_token: the Atlassian account's e-mail address")
	case c.APIToken == "":
		return errors.New("api_token: is required with email")
	case strings.ContainsAny(c.Email, ":") || strings.IndexFunc(c.Email, unsafeRune) >= 0:
		return errors.New("email: must not contain ':', spaces or control characters")
	}
	return validateToken("api_token", c.APIToken)
}

func validateToken(field, token string) error {
	if strings.IndexFunc(token, unsafeRune) >= 0 {
		return fmt.Errorf("%s: must not contain spaces or control characters", field)
	}
	return nil
}

func unsafeRune(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// validateProjectKey accepts the key of a Jira project. Jira's default key
// format is an upper-case letter followed by upper-case letters, digits and
// underscores; administrators may allow others, so only what can never be a
// key is refused.
func validateProjectKey(key string) error {
	switch {
	case key == "":
		return errors.New("project_key: is required (the key of the project issues go to, e.g. SEC)")
	case strings.IndexFunc(key, unsafeRune) >= 0 || strings.ContainsAny(key, "/?#%-"):
		return fmt.Errorf("project_key: %q is not a project key (letters, digits and underscores, e.g. SEC)", key)
	case len(key) > 255:
		return errors.New("project_key: is longer than 255 characters")
	}
	return nil
}

// validateName checks a setting that holds a Jira name (issue type,
// component, transition, priority).
func validateName(field, name string, required bool) error {
	switch {
	case strings.TrimSpace(name) == "":
		if required {
			return fmt.Errorf("%s: is required", field)
		}
		if name != "" {
			return fmt.Errorf("%s: is blank", field)
		}
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%s: must not contain control characters", field)
	case len(name) > 255:
		return fmt.Errorf("%s: is longer than 255 characters", field)
	}
	return nil
}

func (c *Config) validateCustomFields() error {
	keys := make([]string, 0, len(c.CustomFields))
	for k := range c.CustomFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !customFieldKey.MatchString(k) {
			return fmt.Errorf("custom_fields.%s: the key must be a custom field ID such as customfield_10010", k)
		}
		v := c.CustomFields[k]
		if v == nil {
			return fmt.Errorf("custom_fields.%s: has no value", k)
		}
		if _, err := json.Marshal(v); err != nil {
			return fmt.Errorf("custom_fields.%s: the value cannot be sent as JSON: %w", k, err)
		}
	}
	return nil
}

// apiVersion is the REST API version to use.
func (c *Config) apiVersion() int {
	if c.APIVersion != 0 {
		return c.APIVersion
	}
	if u, err := url.Parse(c.URL); err == nil && isCloudHost(u.Hostname()) {
		return 3
	}
	return 2
}

// baseURL is the site's address without a trailing slash.
func (c *Config) baseURL() string {
	return strings.TrimRight(c.URL, "/")
}

func (c *Config) resolveTransition() string {
	if strings.TrimSpace(c.ResolveTransition) != "" {
		return strings.TrimSpace(c.ResolveTransition)
	}
	return DefaultResolveTransition
}

func (c *Config) reopenTransition() string {
	if strings.TrimSpace(c.ReopenTransition) != "" {
		return strings.TrimSpace(c.ReopenTransition)
	}
	return DefaultReopenTransition
}
