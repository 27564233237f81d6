package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, must return
// either a config or an ErrorList of positioned errors, and must never show
// the value of a secret it resolved.
func FuzzParse(f *testing.F) {
	const secret = "fuzz-SECRET-value-42"
	f.Setenv("HUBRELAY_INGEST_KEY", secret)
	f.Setenv("BACKLOG_API_KEY", secret)
	f.Setenv("SLACK_BOT_TOKEN", secret)
	f.Setenv("HR_FUZZ", secret)
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed configs: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		"",
		"language: ja\n",
		"routes:\n  - name: a\n    pattern: |\n      {\"detail\": {\"x\": [1, }}\n    to: [d]\n",
		"destinations:\n  d: {stdout: {}}\nroutes:\n  - {name: r, to: [d], pattern: {source: [\"${env:HR_FUZZ}\"], account: [123456789012]}}\n",
		"suppress:\n  - {name: s, pattern: &p {source: [x]}, until: 2026-01-01}\n  - {name: t, pattern: *p}\n",
		"a: &a [*a]\n",
		"x: &x [1, 2]\ny: &y [*x, *x]\nz: [*y, *y]\n",
		"destinations:\n  b:\n    <<: {stdout: {}}\n",
		"store: ${env:HR_FUZZ}\nlanguage: ${env:HR_FUZZ}\n",
		"routes:\n  - name: r\n    filters: {SeverityLabel: [{Value: HIGH, Comparison: EQUALS}]}\n    to: [d]\n    group: {by: [Region], wait: 1d, max: 3}\n",
		"destinations:\n  s: {slack: {token: [t], chanel: c, timeout: {x: 1}, retries: 99999999999999999999}}\n  n: {nested: {inner: {widht: x}}}\n",
		"routes:\n  - name: r\n    pattern: '{\"a\": [1], \"a\": {\"\": [2], \"\": [3]}}'\n    to: [d]\n",
		"delivery: {workers: 8, lease: 1s, poll: 10ms, retry: {max_attempts: 3, max_age: 1h, min_backoff: 1s, max_backoff: 5m}}\n",
		"delivery:\n  retry: {min_backoff: 1m, max_backoff: 30s}\ndestinations:\n  a: {stdout: {}, retry: {max_backoff: 10ms}}\n",
		"destinations:\n  b:\n    slack: {token: t, channel: c}\n    retry: {max_attempts: 10000}\n    rate: {interval: 1s, concurrency: 1}\n" +
			"routes:\n  - {name: r, pattern: {source: [x]}, to: [b], send_resolved: true, repeat_interval: 1d}\n",
		"destinations:\n  a: {retry: {}, rate: {}}\n  b: {rate: {concurrency: -1}, stdout: {}, email: {}}\n  c: {retyr: {}, stdout: }\n",
		"sources:\n  http: {api_key: ${env:HR_FUZZ}, api_key_header: X-Key, basic_auth: {username: u, password: ${env:HR_FUZZ}}}\n",
		"sources:\n  http: {bearer_token: \"${env:HR_FUZZ} x\", api_key_header: Authorization, basic_auth: {username: \"a:b\"}}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data, WithDestinationTypes(slackAndStdout))
		if err == nil {
			if cfg == nil {
				t.Fatal("no config and no error")
			}
			for _, w := range cfg.Warnings() {
				if strings.Contains(w, secret) {
					t.Fatalf("secret in warning %q", w)
				}
			}
			if h := cfg.Sources.HTTP; h != nil {
				for _, v := range []string{h.APIKey, h.BasicPassword, h.BearerToken} {
					if v != "" && !slices.Contains(cfg.Secrets(), v) {
						t.Fatalf("credential %q of sources.http is not among Secrets()", v)
					}
				}
			}
			return
		}
		if cfg != nil {
			t.Fatal("config returned with an error")
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T is not a non-empty ErrorList", err)
		}
		for _, e := range list {
			if e.Pos.File != "fuzz.yaml" || e.Pos.Line < 1 || e.Pos.Column < 1 {
				t.Fatalf("bad position in %q", e.Error())
			}
		}
		if strings.Contains(list.Detailed(), secret) {
			t.Fatalf("secret in errors:\n%s", list.Detailed())
		}
	})
}
