// Package source holds hubrelay's inputs. This file set is the HTTP
// source: the endpoint an EventBridge API destination (or anything else
// that can POST JSON) calls, and the /healthz and /readyz probes served
// beside it.
//
// The HTTP source answers 202 only after the Handler it was given has
// returned, and the Handler returns only after everything the request
// produced is committed, so an acknowledged event is never lost. Every
// failure that sending the event again could cure (the store is down, the
// server is shutting down) is answered 503 with Retry-After, which
// EventBridge retries; bad input is answered 400, which it does not.
package source
