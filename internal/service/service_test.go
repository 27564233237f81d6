package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// testTimeout bounds every wait of a test; reaching it is a failure, not
// a measurement.
const testTimeout = 60 * time.Second

func TestOpen(t *testing.T) {
	const password = "pg-pass-5be0c7d9a1"
	tests := []struct {
		name string
		// setup returns the config and options to open.
		setup   func(t *testing.T) (*config.Config, service.Options)
		wantErr string // "" means Open succeeds
	}{
		{
			name: "opens and migrates the store",
			setup: func(t *testing.T) (*config.Config, service.Options) {
				f := newFixture(t, dsn(t, store.DialectSQLite), "", failedControls.To("file-a"))
				return f.cfg, service.Options{Registry: destinations.Registry()}
			},
		},
		{
			name: "no registry",
			setup: func(t *testing.T) (*config.Config, service.Options) {
				f := newFixture(t, dsn(t, store.DialectSQLite), "", failedControls.To("file-a"))
				return f.cfg, service.Options{}
			},
			wantErr: "no destination registry",
		},
		{
			name: "store does not answer; its password stays out",
			setup: func(t *testing.T) (*config.Config, service.Options) {
				f := newFixture(t, "postgres://hubrelay:"+password+"@127.0.0.1:1/hubrelay?connect_timeout=5", "", failedControls.To("file-a"))
				return f.cfg, service.Options{Registry: destinations.Registry()}
			},
			wantErr: "store: ",
		},
		{
			name: "destination cannot start",
			setup: func(t *testing.T) (*config.Config, service.Options) {
				f := newFixture(t, dsn(t, store.DialectSQLite), "", failedControls.To("file-a"))
				// The file destination's path is a directory: it cannot
				// be opened for appending.
				if err := os.Mkdir(filepath.Join(f.dir, "file-a.jsonl"), 0o700); err != nil {
					t.Fatal(err)
				}
				return f.cfg, service.Options{Registry: destinations.Registry()}
			},
			wantErr: `destination "file-a"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, opt := tt.setup(t)
			svc, err := service.Open(context.Background(), cfg, opt)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer svc.Close()
				if _, err := svc.Store().SchemaVersion(context.Background()); err != nil {
					t.Errorf("SchemaVersion: %v", err)
				}
				if err := svc.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if err := svc.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
				return
			}
			if err == nil {
				svc.Close()
				t.Fatalf("Open succeeded; want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Open error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("Open error shows the store password: %q", err)
			}
		})
	}
}

// TestHandler posts through Handler (without Serve: nothing is delivered)
// and checks each answer and what the store holds.
func TestHandler(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			f := newFixture(t, dsn(t, dialect), "", failedControls.To("file-a"), accountFindings.To("file-b"))
			svc := f.open(t, nil)
			srv := httptest.NewServer(svc.Handler())
			defer srv.Close()
			ev := loadEvents(t)
			ctx := context.Background()

			steps := []struct {
				name       string
				method     string
				path       string
				body       string
				key        string // the x-api-key sent; "" sends the fixture's
				wantStatus int
				want       []string // substrings of the answer
			}{
				{"new finding: two deliveries", http.MethodPost, "/events", string(ev.body(1)), "", http.StatusAccepted,
					[]string{`"findings":1`, `"deliveries":2`, `"duplicates":0`}},
				{"same finding again: duplicates", http.MethodPost, "/events", string(ev.body(1)), "", http.StatusAccepted,
					[]string{`"findings":1`, `"deliveries":0`, `"duplicates":2`}},
				{"another finding", http.MethodPost, "/events", string(ev.body(2)), "", http.StatusAccepted,
					[]string{`"deliveries":2`}},
				{"wrong api key", http.MethodPost, "/events", string(ev.body(3)), "not-the-key", http.StatusUnauthorized,
					[]string{`"error":"unauthorized"`}},
				{"not JSON: names the body", http.MethodPost, "/events", `{"detail": `, "", http.StatusBadRequest,
					[]string{"request body"}},
				{"GET on the ingest path", http.MethodGet, "/events", "", "", http.StatusMethodNotAllowed, nil},
				{"healthz", http.MethodGet, "/healthz", "", "", http.StatusOK, []string{"ok"}},
				{"readyz", http.MethodGet, "/readyz", "", "", http.StatusOK, []string{"ok"}},
				{"metrics", http.MethodGet, "/metrics", "", "", http.StatusOK,
					[]string{`hubrelay_findings_received_total{source="http"} 3`, `hubrelay_http_requests_total{code="202"} 3`}},
			}
			for _, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					req, err := http.NewRequestWithContext(ctx, st.method, srv.URL+st.path, strings.NewReader(st.body))
					if err != nil {
						t.Fatal(err)
					}
					key := st.key
					if key == "" {
						key = f.ingestKey
					}
					req.Header.Set(ingestKeyHeader, key)
					if st.body != "" {
						req.Header.Set("Content-Type", "application/json")
					}
					resp, err := srv.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						t.Fatal(err)
					}
					if resp.StatusCode != st.wantStatus {
						t.Fatalf("status %d, want %d; body %s", resp.StatusCode, st.wantStatus, body)
					}
					for _, w := range st.want {
						if !strings.Contains(string(body), w) {
							t.Errorf("answer lacks %q:\n%.2000s", w, body)
						}
					}
				})
			}
			// Two findings, two routes each, none delivered: the queue
			// does not run without Serve.
			if c := nonzero(counts(t, svc.Store())); c[store.StatusPending] != 4 || len(c) != 1 {
				t.Errorf("store holds %v; want 4 pending", c)
			}
		})
	}
}

// TestServe runs the whole service on a listener: a POSTed finding is
// committed, answered 202 and delivered to both routes' destinations.
func TestServe(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			rcv := newReceiver(t)
			f := newFixture(t, dsn(t, dialect), rcv.URL(), failedControls.To("hook"), accountFindings.To("file-b"))
			rcv.expect(f)
			svc := f.open(t, nil)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan error, 1)
			go func() { served <- svc.Serve(ctx, ln) }()
			base := "http://" + ln.Addr().String()

			wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
			defer wcancel()
			ev := loadEvents(t)
			code, body, err := f.post(wctx, http.DefaultClient, base, ev.body(7))
			if err != nil || code != http.StatusAccepted {
				t.Fatalf("POST: %d %s %v", code, body, err)
			}
			rcv.wait(wctx, t, 1)
			waitCounts(wctx, t, svc.Store(), store.StatusDelivered, 2)

			cancel()
			if err := <-served; err != nil {
				t.Fatalf("Serve: %v", err)
			}
			got, problems := rcv.result()
			if len(problems) > 0 {
				t.Errorf("webhook requests: %v", problems)
			}
			if _, ok := got[token(7)]; !ok || len(got) != 1 {
				t.Errorf("webhook received %v; want finding %s once", got, token(7))
			}
			data, err := os.ReadFile(filepath.Join(f.dir, "file-b.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(data), token(7)); n == 0 || strings.Count(string(data), "\n") != 1 {
				t.Errorf("file destination holds %q; want one record of finding %s", data, token(7))
			}
			if c := nonzero(counts(t, svc.Store())); c[store.StatusDelivered] != 2 || len(c) != 1 {
				t.Errorf("store holds %v; want 2 delivered", c)
			}
			fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			if resp, err := fresh.Get(base + "/healthz"); err == nil {
				resp.Body.Close()
				t.Errorf("the listener still answers after Serve returned: %s", resp.Status)
			}
		})
	}
}

// TestServeGracefulStop stops the service while a delivery is in flight:
// readiness turns 503 at once, Serve waits for the delivery, records it,
// and input posted afterwards is refused.
func TestServeGracefulStop(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			rcv := newReceiver(t)
			release := make(chan struct{})
			rcv.answerWith(http.StatusOK, "{}", release)
			f := newFixture(t, dsn(t, dialect), rcv.URL(), failedControls.To("hook"))
			rcv.expect(f)
			svc := f.open(t, nil)
			// Serve without a listener runs the queue; the endpoints are
			// served here, so they stay reachable while Serve stops.
			srv := httptest.NewServer(svc.Handler())
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan error, 1)
			go func() { served <- svc.Serve(ctx, nil) }()

			wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
			defer wcancel()
			ev := loadEvents(t)
			if code, body, err := f.post(wctx, srv.Client(), srv.URL, ev.body(1)); err != nil || code != http.StatusAccepted {
				t.Fatalf("POST: %d %s %v", code, body, err)
			}
			if code := status(t, srv.URL+"/readyz"); code != http.StatusOK {
				t.Fatalf("readyz while serving: %d", code)
			}
			rcv.wait(wctx, t, 1) // the delivery is in flight, held by the receiver

			cancel()
			for status(t, srv.URL+"/readyz") != http.StatusServiceUnavailable {
				select {
				case <-wctx.Done():
					t.Fatal("readyz never answered 503 while stopping")
				case <-time.After(5 * time.Millisecond):
				}
			}
			if code := status(t, srv.URL+"/healthz"); code != http.StatusOK {
				t.Errorf("healthz while stopping: %d, want 200", code)
			}
			select {
			case err := <-served:
				t.Fatalf("Serve returned (%v) with a delivery in flight", err)
			default:
			}
			close(release)
			select {
			case err := <-served:
				if err != nil {
					t.Fatalf("Serve: %v", err)
				}
			case <-wctx.Done():
				t.Fatal("Serve did not return after the delivery finished")
			}
			if c := nonzero(counts(t, svc.Store())); c[store.StatusDelivered] != 1 || len(c) != 1 {
				t.Errorf("store holds %v; want the in-flight delivery recorded as delivered", c)
			}

			// The ingester is closed: nothing more is accepted.
			code, body, err := f.post(wctx, srv.Client(), srv.URL, ev.body(2))
			if err != nil {
				t.Fatal(err)
			}
			if code == http.StatusAccepted {
				t.Errorf("POST after stop answered 202: %s", body)
			}
			if c := nonzero(counts(t, svc.Store())); c[store.StatusDelivered] != 1 || len(c) != 1 {
				t.Errorf("store holds %v after a POST past stop; want it unchanged", c)
			}
			if _, err := svc.Ingester().Body(wctx, "http", ev.body(3)); !errors.Is(err, ingest.ErrClosed) {
				t.Errorf("Body after stop: %v, want ingest.ErrClosed", err)
			}
		})
	}
}

// TestSecretsStayOut drives every path that reports an error (bad
// credentials, bad input echoing a secret, a destination answering with
// the secrets it got) and checks that no secret reaches the log, an HTTP
// answer or the delivery's stored error.
func TestSecretsStayOut(t *testing.T) {
	rcv := newReceiver(t)
	f := newFixture(t, dsn(t, store.DialectSQLite), rcv.URL(), failedControls.To("hook"))
	rcv.expect(f)
	// A broken receiver echoing what it got: the destination's error
	// carries the answer.
	rcv.answerWith(http.StatusBadRequest, `{"error":"bad token `+f.hookToken+` bearer `+f.hookBearer+` url `+rcv.URL()+`/hook?token=`+f.hookToken+`"}`, nil)
	secrets := []string{f.ingestKey, f.hookToken, f.hookBearer}
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := f.open(t, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- svc.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
	defer wcancel()
	ev := loadEvents(t)

	requests := []struct {
		name   string
		key    string
		body   string
		status int
	}{
		{"accepted", f.ingestKey, string(ev.body(1)), http.StatusAccepted},
		{"key with a suffix", f.ingestKey + "x", string(ev.body(2)), http.StatusUnauthorized},
		{"body echoing the key", f.ingestKey, `{"` + f.ingestKey + `": ` + f.hookBearer, http.StatusBadRequest},
		{"key as the body", f.ingestKey, f.ingestKey, http.StatusBadRequest},
	}
	var answers strings.Builder
	for _, r := range requests {
		t.Run(r.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(wctx, http.MethodPost, base+"/events", strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(ingestKeyHeader, r.key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != r.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, r.status, body)
			}
			answers.Write(body)
		})
	}
	// The one accepted finding's delivery fails for good (400, one
	// attempt) with the receiver's answer as its error.
	waitCounts(wctx, t, svc.Store(), store.StatusDead, 1)
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	dels, err := svc.Store().Deliveries(context.Background(), store.Filter{Status: []store.Status{store.StatusDead}})
	if err != nil || len(dels) != 1 {
		t.Fatalf("dead deliveries: %v %v", dels, err)
	}
	stored, err := json.Marshal(dels)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dels[0].LastError, "400") {
		t.Errorf("stored error %q does not say what the destination answered", dels[0].LastError)
	}
	places := map[string]string{"log": logs.String(), "HTTP answers": answers.String(), "stored delivery": string(stored)}
	for where, text := range places {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows secret %q:\n%.3000s", where, s, text)
			}
		}
	}
	if !strings.Contains(logs.String(), "unauthorized") || !strings.Contains(logs.String(), "delivery dead") {
		t.Errorf("log lacks the refused request or the dead delivery:\n%.3000s", logs.String())
	}
}

// status GETs url and returns the status code.
func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
