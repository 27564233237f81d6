package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testNow is a fixed "now" for tests: suppressions until 2026-01-01 have
// expired, those until 2030 have not.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// parseErrors parses src as t.yaml and returns its problems, one string each.
func parseErrors(t *testing.T, src string, opts ...Option) []string {
	t.Helper()
	opts = append([]Option{WithNow(testNow)}, opts...)
	cfg, err := Parse("t.yaml", []byte(src), opts...)
	if err == nil {
		if cfg == nil {
			t.Fatal("Parse returned neither a config nor an error")
		}
		return nil
	}
	if cfg != nil {
		t.Errorf("Parse returned a config together with an error")
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse error is %T, want ErrorList: %v", err, err)
	}
	return strings.Split(err.Error(), "\n")
}

// mustParse parses src as t.yaml and fails the test on any error.
func mustParse(t *testing.T, src string, opts ...Option) *Config {
	t.Helper()
	opts = append([]Option{WithNow(testNow)}, opts...)
	cfg, err := Parse("t.yaml", []byte(src), opts...)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// stdoutTypes is a WithDestinationTypes check knowing only "stdout", whose
// settings are absent, {} or {pretty: bool}.
func stdoutTypes(typ string, s *Settings) error {
	if typ != "stdout" {
		return errors.New("unknown destination type " + typ)
	}
	var st struct {
		Pretty bool `yaml:"pretty"`
	}
	return s.Decode(&st)
}
