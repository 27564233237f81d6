// Package notify is the foundation every destination is built on: the
// Notifier interface, the Message it delivers and the Receipt it returns,
// the Error that decides retries, the shared HTTP client that classifies
// answers, the Redactor that keeps secrets out of errors and logs, and the
// Registry that turns a destination's config into a Notifier.
//
// A destination is one package under internal/notify/<name> that exposes a
// typed Config and a constructor, and one line in package destinations:
//
//	r.Register("slack", notify.Typed(slack.New))
//
// The queue calls Notify; only an *Error in the returned chain makes a
// delivery retryable, and only this package decides how HTTP answers and
// transport failures are classified (CheckResponse, Client).
package notify
