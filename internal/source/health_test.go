package source

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealth(t *testing.T) {
	errDown := errors.New("dial tcp 10.0.0.5:5432: password authentication failed for user hubrelay")
	tests := []struct {
		name   string
		h      http.Handler
		status int
		body   string
	}{
		{"liveness", Liveness(), 200, "ok\n"},
		{"ready", Readiness(func(context.Context) error { return nil }), 200, "ok\n"},
		{"nil check", Readiness(nil), 200, "ok\n"},
		{"store down", Readiness(func(context.Context) error { return errDown }), 503, "store unavailable\n"},
		{"check bounded by a deadline", Readiness(func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			return nil
		}), 200, "ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.h)
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || string(body) != tt.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tt.status, tt.body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}
