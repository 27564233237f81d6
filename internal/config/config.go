package config

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Config is a checked config file. Load and Parse build it; afterwards it is
// read-only and safe to share between goroutines. Slices keep file order.
type Config struct {
	// File is the path or name the config was read from.
	File string
	// Store is the database: "sqlite:PATH" or a "postgres://" URL.
	Store string
	// Language of the built-in templates: "ja" or "en".
	Language string
	// Timezone is the IANA name of Location.
	Timezone string
	// Location is the time zone dates are read and shown in.
	Location *time.Location

	Sources     Sources
	SecurityHub SecurityHub
	// Delivery is how the queue delivers and retries; defaults when the
	// file has no delivery: key.
	Delivery     Delivery
	Destinations []*Destination
	Routes       []*Route
	Suppressions []*Suppression
	// Projects get scheduled reports, in file order: from projects:, a
	// list or {file: PATH} naming a .csv, .yaml or .yml file (relative
	// to the config file's directory).
	Projects []*Project
	// Reports is what the projects' reports share; nil when the file has
	// no reports: key.
	Reports *Reports
	// Members is member-account monitoring; nil when the file has no
	// members: key.
	Members *Members

	warnings []string
	secrets  []string
}

// Warnings returns the non-fatal problems Load found (expired suppressions,
// numbers where strings are probably meant, unused destinations, ...), each as
// "FILE:LINE:COL: message", in file order. No secret value appears in them.
func (c *Config) Warnings() []string {
	return slices.Clone(c.warnings)
}

// Secrets returns every value a ${env:...} or ${file:...} reference resolved
// to, followed by the values of the secret keys this package reads itself
// (sources.http api_key, basic_auth.password and bearer_token, and
// reports.storage.local.secret), however they are written, so that loggers
// and notifiers can scrub them from what they print. Destination packages add their own secret settings to the
// redaction they use. Each value appears once.
func (c *Config) Secrets() []string {
	return slices.Clone(c.secrets)
}

// Destination returns the destination called name, or nil.
func (c *Config) Destination(name string) *Destination {
	for _, d := range c.Destinations {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Defaults used when the file leaves a key out.
const (
	DefaultStore    = "sqlite:hubrelay.db"
	DefaultLanguage = "en"
)

var topLevelKeys = []string{"store", "language", "timezone", "sources", "securityhub", "delivery", "destinations", "routes", "suppress", "projects", "reports", "members"}

// decodeConfig reads the document body (nil for an empty file).
func (l *loader) decodeConfig(root ast.Node) *Config {
	cfg := &Config{File: l.file, Store: DefaultStore, Language: DefaultLanguage, Delivery: DefaultDelivery()}
	o, ok := l.object(root, "", topLevelKeys...)
	if !ok {
		return cfg
	}
	l.top = o
	if o.has("store") {
		if s, ok := l.stringValue(o.value("store"), "store"); ok {
			cfg.Store = s
			l.checkStore(o.value("store"), s)
		}
	}
	if o.has("language") {
		if s, ok := l.stringValue(o.value("language"), "language"); ok {
			if s == "ja" || s == "en" {
				cfg.Language = s
			} else {
				l.errorf(o.value("language"), "language: %q is not supported; use ja or en", s)
			}
		}
	}
	l.decodeTimezone(cfg, o)
	cfg.Sources = l.decodeSources(o.value("sources"))
	cfg.SecurityHub = l.decodeSecurityHub(o.value("securityhub"))
	cfg.Delivery = l.decodeDelivery(o.key("delivery"), o.value("delivery"))
	var declared []string
	cfg.Destinations, declared = l.decodeDestinations(o.value("destinations"), cfg.Delivery.Retry)
	cfg.Routes = l.decodeRoutes(o.value("routes"), declared)
	cfg.Suppressions = l.decodeSuppressions(o.value("suppress"), cfg.Location)
	l.decodeReporting(cfg, o, declared)
	l.checkUse(cfg, o)
	return cfg
}

func (l *loader) decodeTimezone(cfg *Config, o *object) {
	cfg.Timezone = "UTC"
	if cfg.Language == "ja" {
		cfg.Timezone = "Asia/Tokyo"
	}
	if o.has("timezone") {
		n := o.value("timezone")
		if s, ok := l.stringValue(n, "timezone"); ok {
			switch {
			case s == "" || s == "Local":
				l.errorf(n, "timezone: name an IANA time zone such as Asia/Tokyo or UTC")
			default:
				if _, err := time.LoadLocation(s); err != nil {
					l.errorf(n, "timezone: unknown time zone %q; use an IANA name such as Asia/Tokyo or UTC", s)
				} else {
					cfg.Timezone = s
				}
			}
		}
	}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		// Only the defaults get here: the system has no time zone database.
		l.errorAt(l.position(1, 1), "timezone: cannot load %q (%v); install tzdata or set timezone: UTC", cfg.Timezone, err)
		loc = time.UTC
	}
	cfg.Location = loc
}

// checkStore checks the store's form without echoing it: a DSN may hold a
// password.
func (l *loader) checkStore(n ast.Node, s string) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		if strings.TrimPrefix(s, "sqlite:") == "" {
			l.errorf(n, "store: give the database file, as in sqlite:hubrelay.db")
		}
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			l.errorf(n, "store: the postgres URL does not parse")
		}
	default:
		l.errorf(n, "store: want sqlite:PATH or a postgres:// URL")
	}
}

// checkUse reports what the routes, projects and members leave unused.
func (l *loader) checkUse(cfg *Config, o *object) {
	used := map[string]bool{}
	for _, r := range cfg.Routes {
		for _, to := range r.To {
			used[to] = true
		}
	}
	for _, p := range cfg.Projects {
		for _, to := range p.To {
			used[to] = true
		}
	}
	if cfg.Members != nil {
		for _, to := range cfg.Members.To {
			used[to] = true
		}
	}
	for _, d := range cfg.Destinations {
		if !used[d.Name] {
			l.warnAt(d.Pos, "destination %q is not used by any route, project or member monitoring", d.Name)
		}
	}
	if len(cfg.Routes) == 0 && len(l.errs) == 0 {
		at := l.position(1, 1)
		if k := o.key("routes"); k != nil {
			at = l.pos(k)
		}
		l.warnAt(at, "no routes: no finding will be delivered anywhere")
	}
}
