// Package webhook is the generic HTTP destination: it sends each message
// as one POST (or PUT, PATCH) to a URL, the way an EventBridge API
// destination does, so receivers built for EventBridge keep working.
//
// The body is the EventBridge event itself by default; Config.Message, the
// render.Override every destination has, shapes it instead: an EventBridge
// input transformer (input_paths and input_template, exactly as
// EventBridge defines them; seed 000's Backlog template works unchanged)
// or a Go template, in format text, json or html. The top-level keys
// template, input_paths and input_template are the same settings, kept
// where an EventBridge API destination target has them. Requests carry the delivery's
// Idempotency-Key, optional custom headers, API-key, Basic or bearer
// authorization as EventBridge connections do, and an optional
// HMAC-SHA256 signature (Sign, Verify) over the timestamp and body.
//
// Renderer.Render is the pure body builder, tested against golden files;
// the Notifier sends what it builds through notify.Client, which
// classifies every failure (408, 429 and 5xx retryable after Retry-After,
// other answers permanent) and keeps the URL's token out of errors.
package webhook
