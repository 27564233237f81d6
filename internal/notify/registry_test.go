package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// fakeConfig and fakeNotifier stand for a destination package.
type fakeConfig struct {
	URL   string `json:"url"`
	Token string `json:"token"`
	Fail  string `json:"fail"` // how Notify fails; "" succeeds
}

func (c *fakeConfig) Validate() error {
	if c.URL == "" {
		return errors.New("url: is required")
	}
	return nil
}

type fakeNotifier struct {
	cfg    *fakeConfig
	closed atomic.Bool
}

func (n *fakeNotifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	switch n.cfg.Fail {
	case "error":
		return notify.Receipt{ID: "partial"}, notify.Retry(fmt.Errorf("fake: rejected token %s", n.cfg.Token), 0)
	case "panic":
		panic("fake: boom with token " + n.cfg.Token)
	case "deadline":
		return notify.Receipt{}, fmt.Errorf("fake: %w", context.DeadlineExceeded)
	case "classified-deadline":
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("fake: %w", context.DeadlineExceeded))
	}
	return notify.Receipt{ID: "1700000000.000100", Channel: "C1"}, nil
}

func (n *fakeNotifier) Close() error {
	n.closed.Store(true)
	return nil
}

// fakeRegistry registers "fake", counting the notifiers built.
func fakeRegistry(builds *atomic.Int32) *notify.Registry {
	r := notify.NewRegistry()
	r.Register("fake", notify.Typed(func(name string, cfg *fakeConfig, env notify.Env) (*fakeNotifier, error) {
		builds.Add(1)
		if cfg.URL == "refuse" {
			return nil, fmt.Errorf("fake: cannot use token %s", cfg.Token)
		}
		return &fakeNotifier{cfg: cfg}, nil
	}))
	r.Register("another", notify.Typed(func(name string, cfg *fakeConfig, env notify.Env) (*fakeNotifier, error) {
		return &fakeNotifier{cfg: cfg}, nil
	}))
	return r
}

func validMessage() *notify.Message {
	return &notify.Message{Kind: notify.KindNew, Destination: "d", Finding: &finding.Finding{ID: "f-1"}}
}

func TestRegistryTypes(t *testing.T) {
	var builds atomic.Int32
	got := fakeRegistry(&builds).Types()
	if strings.Join(got, ",") != "another,fake" {
		t.Errorf("Types() = %v, want [another fake]", got)
	}
}

func TestRegistryCheck(t *testing.T) {
	tests := []struct {
		name     string
		typ      string
		settings notify.Decoder
		wantErr  string
	}{
		{"valid", "fake", notifytest.Settings(`{"url": "https://example.com", "token": "t"}`), ""},
		{"unknown type", "slak", notifytest.Settings(`{}`), `unknown destination type "slak" (known: another, fake)`},
		{"unknown field", "fake", notifytest.Settings("{\n  \"url\": \"x\",\n  \"chanel\": \"y\"\n}"), `fake: settings:3:`},
		{"wrong type", "fake", notifytest.Settings(`{"url": 5}`), `fake: settings:1:`},
		{"invalid", "fake", notifytest.Settings(`{"token": "t"}`), "fake: url: is required"},
		{"nil decoder is empty settings", "fake", nil, "fake: url: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var builds atomic.Int32
			err := fakeRegistry(&builds).Check(tt.typ, tt.settings)
			if builds.Load() != 0 {
				t.Errorf("Check built %d notifiers; it must only decode and validate", builds.Load())
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRegistryNew(t *testing.T) {
	const token = "fake-token-0123456789"
	var builds atomic.Int32
	reg := fakeRegistry(&builds)
	env, _ := notifytest.NewEnv(t)
	env.Redactor = notify.NewRedactor(token)

	if _, err := reg.New("fake", "", notifytest.Settings(`{"url":"x"}`), env); err == nil {
		t.Error("New accepted an empty name")
	}
	if _, err := reg.New("nope", "n", notifytest.Settings(`{}`), env); err == nil || !strings.Contains(err.Error(), `destination "n": unknown destination type "nope"`) {
		t.Errorf("New of an unknown type = %v", err)
	}
	_, err := reg.New("fake", "n", notifytest.Settings(`{"url":"refuse","token":"`+token+`"}`), env)
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), `destination "n" (fake)`) {
		t.Errorf("constructor error = %v; want it named and scrubbed", err)
	}

	n, err := reg.New("fake", "slack-a", notifytest.Settings(`{"url":"x"}`), env)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := n.Notify(t.Context(), validMessage())
	if err != nil || rc.ID != "1700000000.000100" {
		t.Fatalf("Notify = %+v, %v", rc, err)
	}
	closer, ok := n.(io.Closer)
	if !ok {
		t.Fatal("a Registry-built Notifier must be an io.Closer")
	}
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryNotifierGuards(t *testing.T) {
	const token = "fake-token-0123456789"
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name        string
		fail        string
		ctx         context.Context
		m           *notify.Message
		wantRetry   bool
		wantErr     string
		wantReceipt string
	}{
		{name: "nil message is permanent", m: nil, wantErr: "message: nil"},
		{name: "invalid message is permanent", m: &notify.Message{Kind: "bogus", Finding: &finding.Finding{ID: "f"}}, wantErr: `kind "bogus"`},
		{name: "cancelled context is retryable", ctx: cancelled, m: validMessage(), wantRetry: true, wantErr: "context canceled"},
		{name: "destination error is scrubbed, receipt kept", fail: "error", m: validMessage(), wantRetry: true, wantErr: "fake: rejected token [REDACTED]", wantReceipt: "partial"},
		{name: "panic becomes a permanent error", fail: "panic", m: validMessage(), wantErr: "destination panicked: fake: boom with token [REDACTED]"},
		{name: "unclassified deadline becomes retryable", fail: "deadline", m: validMessage(), wantRetry: true, wantErr: "fake: context deadline exceeded"},
		{name: "classified deadline stays as classified", fail: "classified-deadline", m: validMessage(), wantErr: "fake: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var builds atomic.Int32
			env, logs := notifytest.NewEnv(t)
			env.Redactor = notify.NewRedactor(token)
			n, err := fakeRegistry(&builds).New("fake", "d", notifytest.Settings(`{"url":"x","token":"`+token+`","fail":"`+tt.fail+`"}`), env)
			if err != nil {
				t.Fatal(err)
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			rc, err := n.Notify(ctx, tt.m)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Notify error = %v, want one containing %q", err, tt.wantErr)
			}
			if retry, _ := notify.ShouldRetry(err); retry != tt.wantRetry {
				t.Errorf("retryable = %v, want %v", retry, tt.wantRetry)
			}
			if rc.ID != tt.wantReceipt {
				t.Errorf("receipt ID = %q, want %q", rc.ID, tt.wantReceipt)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(logs.String(), token) {
				t.Errorf("token leaked: error %q, logs %s", err, logs)
			}
			if tt.fail == "panic" && !strings.Contains(logs.String(), "destination panicked") {
				t.Errorf("the panic was not logged: %s", logs)
			}
		})
	}
}

func TestRegistryRegisterProgrammingErrors(t *testing.T) {
	f := notify.Typed(func(string, *fakeConfig, notify.Env) (*fakeNotifier, error) { return &fakeNotifier{}, nil })
	tests := []struct {
		name string
		typ  string
		f    notify.Factory
	}{
		{"empty name", "", f},
		{"spaces", " fake", f},
		{"nil factory", "fake2", nil},
		{"duplicate", "fake", f},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := notify.NewRegistry()
			r.Register("fake", f)
			defer func() {
				if recover() == nil {
					t.Error("Register did not panic")
				}
			}()
			r.Register(tt.typ, tt.f)
		})
	}
}

func TestTypedConstructorReturningNil(t *testing.T) {
	f := notify.Typed(func(string, *fakeConfig, notify.Env) (*fakeNotifier, error) { return nil, nil })
	n, err := f("x", notifytest.Settings(`{"url":"u"}`), notify.Env{})
	if err == nil || n != nil {
		t.Errorf("Typed with a nil constructor result = %v, %v; want an error", n, err)
	}
}

// TestRawFactoryCheckOnly shows a hand-written Factory honouring CheckOnly.
func TestRawFactoryCheckOnly(t *testing.T) {
	var built bool
	r := notify.NewRegistry()
	r.Register("raw", func(name string, dec notify.Decoder, env notify.Env) (notify.Notifier, error) {
		var cfg fakeConfig
		if err := dec.Decode(&cfg); err != nil {
			return nil, err
		}
		if env.CheckOnly() {
			return nil, nil
		}
		built = true
		return &fakeNotifier{cfg: &cfg}, nil
	})
	if err := r.Check("raw", notifytest.Settings(`{}`)); err != nil || built {
		t.Fatalf("Check = %v, built = %v", err, built)
	}
	if _, err := r.New("raw", "r", notifytest.Settings(`{}`), notify.Env{}); err != nil || !built {
		t.Fatalf("New = %v, built = %v", err, built)
	}
}

func TestEnvWithDefaults(t *testing.T) {
	env := notify.Env{}.WithDefaults()
	if env.HTTPClient == nil || env.HTTPClient.Timeout != notify.DefaultHTTPTimeout || env.Logger == nil ||
		env.Location == nil || env.Now == nil || env.Redactor == nil || env.Language != "en" {
		t.Errorf("WithDefaults left a field empty: %+v", env)
	}
	if env.Stdout != nil {
		t.Error("WithDefaults must not pick a standard output")
	}
	var buf bytes.Buffer
	given := notify.Env{Logger: slog.New(slog.NewTextHandler(&buf, nil)), Language: "ja"}.WithDefaults()
	given.Logger.Info("kept")
	if given.Language != "ja" || !strings.Contains(buf.String(), "kept") {
		t.Error("WithDefaults replaced a field that was set")
	}
}
