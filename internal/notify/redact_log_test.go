package notify

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

type credentials struct {
	User  string
	Token string
}

type tokenValuer struct{ token string }

func (v tokenValuer) LogValue() slog.Value { return slog.StringValue("token=" + v.token) }

func TestRedactorLogger(t *testing.T) {
	red := NewRedactor(testToken)
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		keep string // what must still be logged
	}{
		{"message", func(l *slog.Logger) { l.Info("posting with " + testToken) }, "posting with [REDACTED]"},
		{"string attr", func(l *slog.Logger) { l.Info("x", "token", testToken) }, `"token":"[REDACTED]"`},
		{"error attr", func(l *slog.Logger) { l.Error("x", "err", errors.New("bad token "+testToken)) }, `"err":"bad token [REDACTED]"`},
		{"struct attr", func(l *slog.Logger) { l.Info("x", "cred", credentials{User: "bot", Token: testToken}) }, `bot`},
		{"bytes attr", func(l *slog.Logger) { l.Info("x", "body", []byte(`{"t":"`+testToken+`"}`)) }, `[REDACTED]`},
		{"group", func(l *slog.Logger) { l.Info("x", slog.Group("req", slog.String("auth", "Bearer "+testToken))) }, `"auth":"Bearer [REDACTED]"`},
		{"WithAttrs", func(l *slog.Logger) { l.With("token", testToken).Info("x") }, `"token":"[REDACTED]"`},
		{"WithGroup", func(l *slog.Logger) { l.WithGroup("slack").Info("x", "token", testToken) }, `"slack":{"token":"[REDACTED]"}`},
		{"LogValuer", func(l *slog.Logger) { l.Info("x", "v", tokenValuer{testToken}) }, `"v":"token=[REDACTED]"`},
		{"key", func(l *slog.Logger) { l.Info("x", testToken, 1) }, `"[REDACTED]":1`},
		{"harmless values untouched", func(l *slog.Logger) { l.Info("x", "n", 3, "ok", true, "cred", credentials{User: "bot"}) }, `"n":3,"ok":true,"cred":{"User":"bot","Token":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(red.Logger(slog.New(slog.NewJSONHandler(&buf, nil))))
			out := buf.String()
			if strings.Contains(out, testToken) {
				t.Errorf("token leaked: %s", out)
			}
			if !strings.Contains(out, tt.keep) {
				t.Errorf("log %s does not contain %s", out, tt.keep)
			}
		})
	}
}

func TestRedactorLoggerNil(t *testing.T) {
	l := NewRedactor(testToken).Logger(nil)
	l.Info("nothing happens " + testToken) // must not panic
	if l.Enabled(t.Context(), slog.LevelError) {
		t.Error("a nil logger should discard")
	}
}
