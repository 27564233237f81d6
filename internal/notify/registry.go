package notify

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Decoder decodes one destination's settings into a typed config. The
// config package's per-destination settings implement it with strict
// decoding (unknown fields are errors) and errors that name FILE:LINE:COL.
type Decoder interface {
	// Decode decodes the settings into v, a pointer to a config struct.
	Decode(v any) error
}

// Factory builds the Notifier for one configured destination called name
// from its settings. In a CheckOnly env it decodes and validates and
// returns (nil, nil) without building anything. Use Typed to make one from
// a typed constructor; a Factory must be safe to call concurrently.
type Factory func(name string, dec Decoder, env Env) (Notifier, error)

// Registry maps each destination type name of the config file ("slack",
// "file", ...) to its Factory. Package destinations holds the one list;
// nothing registers itself.
//
// Register is called while the program is wired; every method is safe for
// concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
	notices   map[string]bool
}

// RegisterOption says what a destination type can do besides delivering
// findings and digests.
type RegisterOption func(r *Registry, typ string)

// TakesNotices registers a destination type as able to deliver notices
// (Message.Notice): member-account alerts and report links. Types
// registered without it get a permanent error for a notice, and the config
// refuses them as recipients of one.
func TakesNotices(r *Registry, typ string) { r.notices[typ] = true }

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{factories: map[string]Factory{}, notices: map[string]bool{}}
}

// Register adds destination type typ. Registering an empty name, a nil
// Factory or a name twice is a programming error in the destinations list
// and panics, as http.ServeMux.Handle does.
func (r *Registry) Register(typ string, f Factory, opts ...RegisterOption) {
	if typ == "" || strings.TrimSpace(typ) != typ {
		panic(fmt.Sprintf("notify: register: invalid destination type name %q", typ))
	}
	if f == nil {
		panic(fmt.Sprintf("notify: register %q: nil factory", typ))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.factories[typ]; dup {
		panic(fmt.Sprintf("notify: register %q: registered twice", typ))
	}
	r.factories[typ] = f
	for _, o := range opts {
		o(r, typ)
	}
}

// NoticeTypes returns the registered type names that take notices, sorted.
func (r *Registry) NoticeTypes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var types []string
	for typ := range r.notices {
		types = append(types, typ)
	}
	slices.Sort(types)
	return types
}

// Notices reports whether destination type typ takes notices.
func (r *Registry) Notices(typ string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.notices[typ]
}

// Types returns the registered type names, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	types := make([]string, 0, len(r.factories))
	for typ := range r.factories {
		types = append(types, typ)
	}
	slices.Sort(types)
	return types
}

// Check decodes and validates a destination's settings without building
// it; the config package calls it while loading. The error names the
// type; the Decoder's errors name the file position.
func (r *Registry) Check(typ string, dec Decoder) error {
	f, err := r.factory(typ)
	if err != nil {
		return err
	}
	if _, err := f("", dec, Env{checkOnly: true}); err != nil {
		return fmt.Errorf("%s: %w", typ, err)
	}
	return nil
}

// New builds the Notifier for the destination called name of type typ.
// env is completed with WithDefaults. The returned Notifier enforces the
// parts of the Notifier contract that do not depend on the destination:
// it rejects an invalid Message as a permanent error without calling the
// destination, returns a retryable error for a context that is already
// done, makes an unclassified error caused by context cancellation
// retryable, recovers a panicking destination into a permanent error
// (logged with its stack), and scrubs every returned error with
// env.Redactor once more. It implements io.Closer and closes the
// destination's Notifier when that is an io.Closer.
func (r *Registry) New(typ, name string, dec Decoder, env Env) (Notifier, error) {
	if name == "" {
		return nil, fmt.Errorf("%s: destination name is empty", typ)
	}
	f, err := r.factory(typ)
	if err != nil {
		return nil, fmt.Errorf("destination %q: %w", name, err)
	}
	env = env.WithDefaults()
	env.checkOnly = false
	n, err := f(name, dec, env)
	if err != nil {
		return nil, env.Redactor.Error(fmt.Errorf("destination %q (%s): %w", name, typ, err))
	}
	if n == nil {
		return nil, fmt.Errorf("destination %q (%s): factory returned no notifier", name, typ)
	}
	return &guarded{name: name, typ: typ, next: n, notices: r.Notices(typ), red: env.Redactor, log: env.Redactor.Logger(env.Logger)}, nil
}

func (r *Registry) factory(typ string) (Factory, error) {
	r.mu.RLock()
	f, ok := r.factories[typ]
	r.mu.RUnlock()
	if ok {
		return f, nil
	}
	types := r.Types()
	if len(types) == 0 {
		return nil, fmt.Errorf("unknown destination type %q: no types are registered", typ)
	}
	return nil, fmt.Errorf("unknown destination type %q (known: %s)", typ, strings.Join(types, ", "))
}
