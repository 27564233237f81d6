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

// equalLines compares got with want line by line. A want line ending in "…"
// only has to be a prefix: messages written by the pattern compiler are
// checked up to the position and the path inside the pattern.
func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		if prefix, ok := strings.CutSuffix(want[i], "…"); ok {
			same = strings.HasPrefix(got[i], prefix)
		} else {
			same = got[i] == want[i]
		}
	}
	if !same {
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
