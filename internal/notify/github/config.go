package github

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// DefaultBaseURL is the REST API root of github.com, used when
// Config.BaseURL is empty.
const DefaultBaseURL = "https://api.github.com/"

// GitHub's limits on the settings (Create an issue: "assignees … Only
// users with push access can set assignees"; at most 10 per issue; a
// label name is at most 50 characters).
const (
	MaxAssignees    = 10
	MaxLabelLength  = 50
	maxLabels       = 100
	maxLoginLength  = 100 // github.com logins are ≤ 39; GitHub Enterprise Server logins from LDAP or SAML can be longer
	maxRepoLength   = 100
	defaultSeverity = "severity:"
)

// Config is the github destination's settings, decoded strictly from the
// configuration file:
//
//	github:
//	  owner: example-org
//	  repo: security-findings
//	  token: ${env:GITHUB_TOKEN}
//
// A Config is read-only once Validate has passed; the Notifier keeps its
// own copy.
type Config struct {
	// Owner is the account (user or organization) that owns the repository.
	Owner string `json:"owner"`
	// Repo is the repository's name, without the owner.
	Repo string `json:"repo"`
	// Token is a personal access token (fine-grained with Issues: read and
	// write, or classic with the repo scope), a GitHub App installation
	// token or GITHUB_TOKEN. Secret: sent only in the Authorization header
	// to BaseURL's host, and never logged.
	Token string `json:"token"`
	// BaseURL is the REST API root: DefaultBaseURL for github.com, or
	// https://HOST/api/v3/ for GitHub Enterprise Server.
	BaseURL string `json:"base_url"`

	// Labels are put on every new issue, besides the severity label.
	Labels []string `json:"labels"`
	// AutoLabels adds a label naming the finding's severity to every new
	// issue (default true): severity:critical … severity:informational,
	// or what SeverityLabels says.
	AutoLabels *bool `json:"auto_labels"`
	// SeverityLabels overrides the automatic label of some severities:
	// keys are severity labels (CRITICAL, HIGH, MEDIUM, LOW,
	// INFORMATIONAL), values the GitHub label, "" for none.
	SeverityLabels map[string]string `json:"severity_labels"`
	// Assignees are the logins new issues are assigned to (at most 10).
	Assignees []string `json:"assignees"`

	// TitleTemplate replaces the built-in issue title: a Go template
	// executed on a render.View; the result is put on one line and cut to
	// MaxTitle characters. Digests always use the built-in title.
	TitleTemplate string `json:"title_template"`
	// BodyTemplate replaces the built-in issue body (render's Markdown
	// issue body): a Go template executed on a render.View. It must
	// escape finding text itself (markdownEscape). Digests always use the
	// built-in body.
	BodyTemplate string `json:"body_template"`
	// CommentTemplate replaces the built-in comment written on an
	// existing issue: a Go template executed on a render.View whose Event
	// says why (new, reminder, resolved, reopened).
	CommentTemplate string `json:"comment_template"`

	// Language of the built-in text: "ja" or "en" (default: the
	// configuration's language).
	Language string `json:"language"`
	// Message replaces the new issue's body (format text) or its title,
	// body and labels (format json, {title, body, labels}) with a Go
	// template or an EventBridge input transformer. Optional.
	Message render.Override `json:"message"`
}

// defaultSeverityLabels maps severity labels to the automatic issue label.
var defaultSeverityLabels = map[string]string{
	render.SeverityCritical:      defaultSeverity + "critical",
	render.SeverityHigh:          defaultSeverity + "high",
	render.SeverityMedium:        defaultSeverity + "medium",
	render.SeverityLow:           defaultSeverity + "low",
	render.SeverityInformational: defaultSeverity + "informational",
}

// Validate reports every problem of c, each naming its setting; it never
// quotes the token. It is pure (no network); notify.Typed calls it after
// decoding and New calls it again.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkLogin("owner", c.Owner))
	add(checkRepo(c.Repo))
	add(checkToken(c.Token))
	add(checkBaseURL(c.BaseURL))
	add(checkLabels(c.Labels))
	add(c.checkSeverityLabels())
	add(checkAssignees(c.Assignees))
	if _, err := render.ParseLanguage(c.Language); err != nil {
		add(fmt.Errorf("language: %w", err))
	}
	for _, t := range c.templates() {
		if _, err := render.NewTemplate(t.field, t.text, render.Options{}); err != nil {
			add(fmt.Errorf("%s: %w", t.field, err))
		}
	}
	if err := c.Message.Validate(); err != nil {
		add(err) // names message.…
	} else {
		add(c.checkMessageSetting())
	}
	return errors.Join(errs...)
}

type templateSetting struct{ field, text string }

// templates lists the template overrides that are set.
func (c *Config) templates() []templateSetting {
	var out []templateSetting
	for _, t := range []templateSetting{
		{"title_template", c.TitleTemplate},
		{"body_template", c.BodyTemplate},
		{"comment_template", c.CommentTemplate},
	} {
		if strings.TrimSpace(t.text) != "" {
			out = append(out, t)
		}
	}
	return out
}

// checkLogin accepts a GitHub account login: letters, digits, "-" and "_"
// (Enterprise Managed Users have "_shortcode" logins), not starting with
// "-". Anything else could change the API path it is put in.
func checkLogin(field, login string) error {
	if login == "" {
		return fmt.Errorf("%s: is required", field)
	}
	if len(login) > maxLoginLength {
		return fmt.Errorf("%s: %d characters is too long for a GitHub login", field, len(login))
	}
	for _, r := range login {
		if !(r == '-' || r == '_' || isASCIIAlnum(r)) {
			return fmt.Errorf("%s: %q is not a GitHub login (letters, digits, \"-\" and \"_\" only)", field, login)
		}
	}
	if login[0] == '-' {
		return fmt.Errorf("%s: %q is not a GitHub login (it cannot start with \"-\")", field, login)
	}
	return nil
}

// checkRepo accepts a repository name as GitHub allows it: ASCII letters,
// digits, ".", "-" and "_", at most 100 characters, not "." or "..".
func checkRepo(repo string) error {
	switch {
	case repo == "":
		return errors.New("repo: is required (the repository's name, without the owner)")
	case strings.Contains(repo, "/"):
		return fmt.Errorf("repo: %q must be the name only; put the owner in owner", repo)
	case len(repo) > maxRepoLength:
		return fmt.Errorf("repo: %d characters is longer than GitHub's 100", len(repo))
	case repo == "." || repo == "..":
		return fmt.Errorf("repo: %q is not a repository name", repo)
	}
	for _, r := range repo {
		if !(r == '.' || r == '-' || r == '_' || isASCIIAlnum(r)) {
			return fmt.Errorf("repo: %q is not a repository name (letters, digits, \".\", \"-\" and \"_\" only)", repo)
		}
	}
	return nil
}

func isASCIIAlnum(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// checkToken checks the token's shape without ever quoting it.
func checkToken(token string) error {
	if token == "" {
		return errors.New("token: is required (a personal access token or app installation token with Issues read and write)")
	}
	for _, r := range token {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII {
			return errors.New("token: must be printable ASCII without spaces (check the secret reference)")
		}
	}
	return nil
}

// checkBaseURL accepts the REST API root: an absolute https URL (http
// only for a loopback test server) without credentials, query or
// fragment. A host other than api.github.com (or api.*) must carry the
// API path, /api/v3/ on GitHub Enterprise Server.
func checkBaseURL(base string) error {
	if base == "" {
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("base_url: %q must be an absolute https URL such as https://ghe.example.com/api/v3/", base)
	}
	loopback := isLoopback(u.Hostname())
	switch {
	case u.Scheme == "http" && !loopback:
		return errors.New("base_url: must use https (http is accepted only for a local test server)")
	case u.User != nil:
		return errors.New("base_url: must not contain a user name or password; put the token in token")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("base_url: must not have a query")
	case u.Fragment != "":
		return errors.New("base_url: must not have a fragment")
	case !loopback && !strings.HasPrefix(strings.ToLower(u.Hostname()), "api.") && strings.Trim(u.Path, "/") == "":
		return fmt.Errorf("base_url: %q has no API path; GitHub Enterprise Server's REST API is at https://%s/api/v3/", base, u.Host)
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

// checkLabelName accepts a label name GitHub can create.
func checkLabelName(field, name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%s: is blank", field)
	case utf8.RuneCountInString(name) > MaxLabelLength:
		return fmt.Errorf("%s: %q is longer than GitHub's %d characters", field, name, MaxLabelLength)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("%s: holds control characters or invalid UTF-8", field)
	}
	return nil
}

func checkLabels(labels []string) error {
	if len(labels) > maxLabels {
		return fmt.Errorf("labels: %d labels; at most %d", len(labels), maxLabels)
	}
	seen := map[string]int{}
	for i, l := range labels {
		field := fmt.Sprintf("labels[%d]", i)
		if err := checkLabelName(field, l); err != nil {
			return err
		}
		key := strings.ToLower(l) // GitHub label names are case-insensitive
		if j, dup := seen[key]; dup {
			return fmt.Errorf("%s: %q repeats labels[%d]", field, l, j)
		}
		seen[key] = i
	}
	return nil
}

func (c *Config) checkSeverityLabels() error {
	keys := make([]string, 0, len(c.SeverityLabels))
	for k := range c.SeverityLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, k := range keys {
		upper := strings.ToUpper(k)
		if other, dup := seen[upper]; dup {
			return fmt.Errorf("severity_labels.%s: repeats severity_labels.%s", k, other)
		}
		seen[upper] = k
		if !slices.Contains(render.SeverityLabels(), upper) {
			return fmt.Errorf("severity_labels.%s: not a severity label; use CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL", k)
		}
		if v := c.SeverityLabels[k]; v != "" {
			if err := checkLabelName("severity_labels."+k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkAssignees(assignees []string) error {
	if len(assignees) > MaxAssignees {
		return fmt.Errorf("assignees: %d logins; GitHub assigns at most %d per issue", len(assignees), MaxAssignees)
	}
	seen := map[string]int{}
	for i, a := range assignees {
		field := fmt.Sprintf("assignees[%d]", i)
		if err := checkLogin(field, strings.TrimPrefix(a, "@")); err != nil {
			return err
		}
		key := strings.ToLower(strings.TrimPrefix(a, "@"))
		if j, dup := seen[key]; dup {
			return fmt.Errorf("%s: %q repeats assignees[%d]", field, a, j)
		}
		seen[key] = i
	}
	return nil
}

// apiRoot is BaseURL (or DefaultBaseURL) with the trailing slash go-github
// requires.
func (c *Config) apiRoot() string {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base
}

// autoLabels reports whether new issues get a severity label.
func (c *Config) autoLabels() bool {
	return c.AutoLabels == nil || *c.AutoLabels
}

// severityLabel returns the automatic label for a severity label ("" for
// none).
func (c *Config) severityLabel(severity string) string {
	if !c.autoLabels() {
		return ""
	}
	severity = strings.ToUpper(severity)
	for k, v := range c.SeverityLabels {
		if strings.EqualFold(k, severity) {
			return v
		}
	}
	return defaultSeverityLabels[severity]
}

// issueLabels returns the labels of a new issue about a finding of the
// given severity: the severity label first, then Labels, without
// repeats (compared as GitHub does, ignoring case).
func (c *Config) issueLabels(severity string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range append([]string{c.severityLabel(severity)}, c.Labels...) {
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		seen[strings.ToLower(l)] = true
		out = append(out, l)
	}
	return out
}

// assignees returns the logins without a leading "@".
func (c *Config) assignees() []string {
	if len(c.Assignees) == 0 {
		return nil
	}
	out := make([]string, len(c.Assignees))
	for i, a := range c.Assignees {
		out[i] = strings.TrimPrefix(a, "@")
	}
	return out
}
