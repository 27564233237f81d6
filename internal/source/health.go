package source

import (
	"context"
	"net/http"
	"time"
)

// readyTimeout bounds one readiness check.
const readyTimeout = 2 * time.Second

// Liveness is the /healthz handler: it answers 200 "ok" while the process
// serves HTTP at all. Safe for concurrent use.
func Liveness() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
}

// Readiness is the /readyz handler: it answers 200 "ok" when check (for
// example a store ping) returns nil within 2 s, and 503 "store
// unavailable" otherwise. check's error is never shown: it may name hosts
// or users. A nil check is always ready. Safe for concurrent use when check
// is.
func Readiness(check func(ctx context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if check != nil {
			ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
			err := check(ctx)
			cancel()
			if err != nil {
				writeText(w, http.StatusServiceUnavailable, "store unavailable\n")
				return
			}
		}
		writeText(w, http.StatusOK, "ok\n")
	})
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
