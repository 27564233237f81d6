package source

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errorBody is the JSON body of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON answers status with the JSON encoding of body. body must
// encode: callers pass errorBody or bytes already encoded.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	_, _ = w.Write([]byte("\n"))
}

// writeError answers status with {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	b, err := json.Marshal(errorBody{Error: msg})
	if err != nil { // a string always encodes; keep the answer valid JSON anyway
		b = []byte(`{"error":"internal error"}`)
	}
	writeJSON(w, status, b)
}

// sizeText writes n bytes the way people read limits: "1048576 bytes
// (1 MiB)".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d bytes (%d MiB)", n, n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d bytes (%d KiB)", n, n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
