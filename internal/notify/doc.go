// Package notify is the foundation every destination is built on: the
// Notifier interface, the Message it delivers and the Receipt it returns,
// the Error that decides retries, the shared HTTP client that classifies
// answers, the Redactor that keeps secrets out of errors and logs, and the
// Registry that turns a destination's config into a Notifier.
//
// # Writing a destination
//
// A destination is one package under internal/notify/<name> and one line
// in package destinations:
//
//	r.Register("slack", notify.Typed(slack.New))
//
// The package declares a Config (fields with json tags; the config file's
// YAML decoder reads them too) that implements Validator when some
// settings need checking, and a constructor
//
//	func New(name string, cfg *Config, env notify.Env) (*Notifier, error)
//
// that declares its secret fields and takes what it needs from env:
//
//	red := env.Redactor.With(cfg.Token, cfg.WebhookURL)
//	client := notify.NewClient(env, red) // classifies and scrubs HTTP failures
//	log := red.Logger(env.Logger)        // scrubs what is logged
//
// The payload is built by a pure function and tested against golden files
// (notifytest.Golden); Notify sends it. Its tests run the shared contract
// checks notifytest.CheckRetry and notifytest.CheckNoSecretLeak.
//
// # Retries
//
// The queue calls Notify and reads the error with ShouldRetry: only an
// *Error in the chain makes a delivery retryable (Retry), and only this
// package decides how HTTP answers (CheckResponse) and transport failures
// (Client) are classified.
package notify
