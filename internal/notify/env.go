package notify

import (
	"io"
	"log/slog"
	"net/http"
	"time"
)

// DefaultHTTPTimeout bounds each request of the HTTP client WithDefaults
// supplies when Env.HTTPClient is nil.
const DefaultHTTPTimeout = 30 * time.Second

// Env is what a destination may take from outside its own config. The
// program builds one Env and Registry.New hands it (completed by
// WithDefaults) to every Factory; there are no package-level defaults to
// reach for instead. An Env is a value: a Factory may keep it, and must not
// modify what its pointers point to.
type Env struct {
	// HTTPClient sends every HTTP request. Destinations use it through
	// NewClient, or hand it to their API library.
	HTTPClient *http.Client
	// Logger receives the destination's logs; wrap it with
	// Redactor.Logger before use.
	Logger *slog.Logger
	// Language selects built-in message templates: "ja" or "en".
	Language string
	// Location is the time zone times are shown in.
	Location *time.Location
	// Region is the Security Hub aggregation region, for console links.
	Region string
	// Now is the clock.
	Now func() time.Time
	// Stdout is where the stdout destination writes.
	Stdout io.Writer
	// Redactor knows every resolved secret of the configuration.
	Redactor *Redactor

	checkOnly bool
}

// WithDefaults returns e with its empty fields filled: an HTTP client with
// DefaultHTTPTimeout, a logger that discards, language "en", UTC, the
// system clock and a Redactor without secrets. Stdout is left nil: only
// the program decides where standard output is. Registry.New calls it;
// tests that build a destination directly may too.
func (e Env) WithDefaults() Env {
	if e.HTTPClient == nil {
		e.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if e.Logger == nil {
		e.Logger = slog.New(slog.DiscardHandler)
	}
	if e.Language == "" {
		e.Language = "en"
	}
	if e.Location == nil {
		e.Location = time.UTC
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Redactor == nil {
		e.Redactor = NewRedactor()
	}
	return e
}

// CheckOnly reports whether the Factory is called by Registry.Check: it
// must then decode and validate its config and return (nil, nil) without
// building anything, touching the network or creating files. Factories
// made with Typed do this already.
func (e Env) CheckOnly() bool { return e.checkOnly }
