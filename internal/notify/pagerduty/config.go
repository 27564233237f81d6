package pagerduty

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

// The Events API v2 endpoints: the default (US) service region and the EU
// service region.
const (
	DefaultURL = "https://events.pagerduty.com/v2/enqueue"
	EUURL      = "https://events.eu.pagerduty.com/v2/enqueue"
)

// enqueuePath is the Events API v2 alert endpoint's path.
const enqueuePath = "/v2/enqueue"

// RoutingKeyLength is the length of an Events API v2 integration key
// ("the 32 character Integration Key for an integration on a service or
// on a global ruleset").
const RoutingKeyLength = 32

// maxSettingLength bounds component, group and class. PagerDuty documents
// no limit for them; 255 characters keeps them the short labels the
// Common Event Format describes.
const maxSettingLength = 255

// PagerDuty's severities (payload.severity).
const (
	SeverityCritical = "critical"
	SeverityError    = "error"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

// severities lists PagerDuty's severities, most severe first.
var severities = []string{SeverityCritical, SeverityError, SeverityWarning, SeverityInfo}

// Config is the pagerduty destination's settings, decoded strictly from
// the configuration file:
//
//	pagerduty:
//	  routing_key: ${env:PAGERDUTY_ROUTING_KEY}
//
// A Config is read-only once Validate has passed; the Notifier keeps its
// own copy.
type Config struct {
	// RoutingKey is the 32-character integration key of an Events API v2
	// integration on a service, or of an event orchestration or ruleset.
	// Secret: it travels in the event body and is never logged.
	RoutingKey string `json:"routing_key"`
	// URL is the Events API v2 endpoint: DefaultURL, or EUURL for an
	// account in the EU service region. A bare https://host is completed
	// with /v2/enqueue.
	URL string `json:"url"`
	// Severities overrides how Security Hub severity labels map to
	// PagerDuty severities: keys CRITICAL, HIGH, MEDIUM, LOW,
	// INFORMATIONAL; values critical, error, warning, info. Unlisted
	// labels keep the default: CRITICAL → critical, HIGH → error,
	// MEDIUM → warning, LOW and INFORMATIONAL → info.
	Severities map[string]string `json:"severities"`
	// Component, Group and Class replace the derived payload fields
	// (default: the first resource's type, the AWS account ID, and the
	// control ID or first finding type).
	Component string `json:"component"`
	Group     string `json:"group"`
	Class     string `json:"class"`
	// SummaryTemplate replaces the built-in alert summary: a Go template
	// executed on a render.View; the result is put on one line and cut to
	// MaxSummary characters. Digests always use the built-in summary.
	SummaryTemplate string `json:"summary_template"`
	// Language of the built-in text: "ja" or "en" (default: the
	// configuration's language).
	Language string `json:"language"`
	// Message replaces the alert's summary (format text), or adds to its
	// custom_details or replaces its whole payload (format json), with a
	// Go template or an EventBridge input transformer. Optional.
	Message render.Override `json:"message"`
}

// defaultSeverities maps Security Hub severity labels to PagerDuty
// severities when the configuration does not say otherwise.
var defaultSeverities = map[string]string{
	render.SeverityCritical:      SeverityCritical,
	render.SeverityHigh:          SeverityError,
	render.SeverityMedium:        SeverityWarning,
	render.SeverityLow:           SeverityInfo,
	render.SeverityInformational: SeverityInfo,
}

// Validate reports every problem of c, each naming its setting; it never
// quotes the routing key. It is pure (no network); notify.Typed calls it
// after decoding and New calls it again.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkRoutingKey(c.RoutingKey))
	add(checkURL(c.URL))
	add(c.checkSeverities())
	add(checkSetting("component", c.Component))
	add(checkSetting("group", c.Group))
	add(checkSetting("class", c.Class))
	if _, err := render.ParseLanguage(c.Language); err != nil {
		add(fmt.Errorf("language: %w", err))
	}
	if strings.TrimSpace(c.SummaryTemplate) != "" {
		if _, err := render.NewTemplate("summary_template", c.SummaryTemplate, render.Options{}); err != nil {
			add(fmt.Errorf("summary_template: %w", err))
		}
	}
	if err := c.Message.Validate(); err != nil {
		add(err) // names message.…
	} else {
		add(c.checkMessageSetting())
	}
	return errors.Join(errs...)
}

// checkRoutingKey checks the key's shape without ever quoting it.
func checkRoutingKey(key string) error {
	if key == "" {
		return errors.New("routing_key: is required (the integration key of an Events API v2 integration)")
	}
	for _, r := range key {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return errors.New("routing_key: must be letters and digits only (check the secret reference)")
		}
	}
	if len(key) != RoutingKeyLength {
		return fmt.Errorf("routing_key: is %d characters; an Events API v2 integration key has %d", len(key), RoutingKeyLength)
	}
	return nil
}

// checkURL accepts the Events API endpoint: an absolute https URL (http
// only for a loopback test server) without credentials, query or
// fragment, whose path is empty or /v2/enqueue.
func checkURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("url: %q must be an absolute https URL such as %s", raw, EUURL)
	}
	switch {
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return errors.New("url: must use https (http is accepted only for a local test server)")
	case u.User != nil:
		return errors.New("url: must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("url: must not have a query")
	case u.Fragment != "":
		return errors.New("url: must not have a fragment")
	case strings.TrimRight(u.Path, "/") != "" && strings.TrimRight(u.Path, "/") != enqueuePath:
		return fmt.Errorf("url: path %q is not the Events API v2 endpoint %s", u.Path, enqueuePath)
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

func (c *Config) checkSeverities() error {
	keys := make([]string, 0, len(c.Severities))
	for k := range c.Severities {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, k := range keys {
		upper := strings.ToUpper(k)
		if other, dup := seen[upper]; dup {
			return fmt.Errorf("severities.%s: repeats severities.%s", k, other)
		}
		seen[upper] = k
		if !slices.Contains(render.SeverityLabels(), upper) {
			return fmt.Errorf("severities.%s: not a severity label; use CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL", k)
		}
		if v := c.Severities[k]; !slices.Contains(severities, v) {
			return fmt.Errorf("severities.%s: %q is not a PagerDuty severity; use critical, error, warning or info", k, v)
		}
	}
	return nil
}

// checkSetting accepts an optional one-line label.
func checkSetting(field, value string) error {
	switch {
	case value == "":
		return nil
	case strings.TrimSpace(value) == "":
		return fmt.Errorf("%s: is blank; leave it out for the default", field)
	case !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl):
		return fmt.Errorf("%s: must be one line of text", field)
	case utf8.RuneCountInString(value) > maxSettingLength:
		return fmt.Errorf("%s: is longer than %d characters", field, maxSettingLength)
	}
	return nil
}

// endpoint is the URL events are posted to.
func (c *Config) endpoint() string {
	if c.URL == "" {
		return DefaultURL
	}
	u, _ := url.Parse(c.URL) // validated
	u.Path = enqueuePath
	u.RawPath = ""
	return u.String()
}

// severityFor returns the PagerDuty severity of a finding with the given
// Security Hub label and normalized score. An empty label is read from
// the score as ASFF defines the ranges (0 INFORMATIONAL, 1–39 LOW, 40–69
// MEDIUM, 70–89 HIGH, 90–100 CRITICAL); a label that is neither known nor
// derivable maps to warning, so an unknown finding still reaches someone.
func (c *Config) severityFor(label string, normalized int) string {
	label = strings.ToUpper(strings.TrimSpace(label))
	if label == "" && normalized > 0 {
		label = labelOfScore(normalized)
	}
	for k, v := range c.Severities {
		if strings.EqualFold(k, label) {
			return v
		}
	}
	if s, ok := defaultSeverities[label]; ok {
		return s
	}
	return SeverityWarning
}

// labelOfScore is the severity label of a normalized score (ASFF
// Severity.Normalized ranges).
func labelOfScore(n int) string {
	switch {
	case n >= 90:
		return render.SeverityCritical
	case n >= 70:
		return render.SeverityHigh
	case n >= 40:
		return render.SeverityMedium
	case n >= 1:
		return render.SeverityLow
	}
	return render.SeverityInformational
}

// severityRank orders PagerDuty severities, 0 most severe.
func severityRank(s string) int {
	if i := slices.Index(severities, s); i >= 0 {
		return i
	}
	return len(severities)
}
