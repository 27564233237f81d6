package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExpandRefs(t *testing.T) {
	env := map[string]string{"A": "alpha", "B": "beta"}
	resolve := func(kind, arg string) (string, error) {
		if kind == "env" {
			if v, ok := env[arg]; ok {
				return v, nil
			}
		}
		return "", os.ErrNotExist
	}
	tests := []struct {
		in, want string
		errs     int
	}{
		{"plain", "plain", 0},
		{"${env:A}", "alpha", 0},
		{"x-${env:A}-${env:B}-y", "x-alpha-beta-y", 0},
		{"$${env:A}", "${env:A}", 0},
		{"$$${env:A}", "$${env:A}", 0}, // left to right: a literal "$", then the escape
		{"cost $5 and ${", "cost $5 and ${", 1},
		{"${env:NOPE} then ${env:A}", " then alpha", 1},
		{"$x ${}", "$x ", 1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var secrets []string
			got, errs := expandRefs(tt.in, resolve, &secrets)
			if got != tt.want || len(errs) != tt.errs {
				t.Errorf("expandRefs(%q) = %q, %d errors; want %q, %d errors", tt.in, got, len(errs), tt.want, tt.errs)
			}
		})
	}
}

func TestSecretReferences(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("keys/crlf", "crlf-secret\r\n")
	write("keys/two-newlines", "two\n\n")
	write("keys/empty", "\n")
	t.Setenv("HR_TEST_TOKEN", "tok-123456")
	t.Setenv("HR_TEST_EMPTY", "")
	cfgPath := filepath.Join(dir, "hubrelay.yaml")

	tests := []struct {
		name    string
		apiKey  string // the YAML value of sources.http.api_key
		want    string // the resolved value; "" when an error is wanted
		wantErr string
	}{
		{"env", "${env:HR_TEST_TOKEN}", "tok-123456", ""},
		{"embedded env", "Bearer ${env:HR_TEST_TOKEN}!", "Bearer tok-123456!", ""},
		{"file, CRLF trimmed", "${file:keys/crlf}", "crlf-secret", ""},
		{"file, only one newline trimmed", "${file:keys/two-newlines}", "two\n", ""},
		{"absolute file", "${file:" + filepath.Join(dir, "keys/crlf") + "}", "crlf-secret", ""},
		{"escape", "'$${env:HR_TEST_TOKEN}'", "${env:HR_TEST_TOKEN}", ""},
		{"unset env", "${env:HR_TEST_UNSET}", "", "2:20: ${env:HR_TEST_UNSET}: environment variable HR_TEST_UNSET is not set"},
		{"empty env", "x${env:HR_TEST_EMPTY}", "", "2:21: ${env:HR_TEST_EMPTY}: environment variable HR_TEST_EMPTY is empty"},
		{"bad env name", "${env:1X}", "", `2:20: ${env:1X}: "1X" is not an environment variable name (letters, digits and _, not starting with a digit)`},
		{"missing file", "${file:keys/none}", "", "2:20: ${file:keys/none}: cannot read " + filepath.Join(dir, "keys/none") + ": no such file or directory"},
		{"empty file", "${file:keys/empty}", "", "2:20: ${file:keys/empty}: " + filepath.Join(dir, "keys/empty") + " is empty"},
		{"unknown kind", "${vault:x}", "", `2:20: unknown reference "${vault:...}": use ${env:NAME} or ${file:PATH} (write "$${" for a literal "${")`},
		{"unterminated", "${env:X", "", `2:20: unterminated "${": write ${env:NAME} or ${file:PATH}, or "$${" for a literal "${"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "sources:\n  http: {api_key: " + quoteFlow(tt.apiKey) + "}\n"
			cfg, err := Parse(cfgPath, []byte(src))
			if tt.wantErr != "" {
				if err == nil || err.Error() != cfgPath+":"+tt.wantErr {
					t.Fatalf("got error %v, want %s:%s", err, cfgPath, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Sources.HTTP.APIKey; got != tt.want {
				t.Errorf("api_key = %q, want %q", got, tt.want)
			}
		})
	}
}

// quoteFlow double-quotes v for a flow mapping unless it is already quoted.
func quoteFlow(v string) string {
	if strings.HasPrefix(v, "'") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `\`, `\\`) + `"`
}

// TestSecretsNeverInErrors puts resolved secrets everywhere a value can end
// up in a message and checks that none of the errors or warnings shows them.
func TestSecretsNeverInErrors(t *testing.T) {
	const token = "s3cr3t-T0KEN-value"
	t.Setenv("HR_TEST_SECRET", token)
	t.Setenv("HR_TEST_PG", "postgres://u:"+token+"@db/x")
	src := `store: ${env:HR_TEST_PG}x
language: ${env:HR_TEST_SECRET}
timezone: ${env:HR_TEST_SECRET}
securityhub: {region: "${env:HR_TEST_SECRET}"}
sources:
  http: {path: "${env:HR_TEST_SECRET}", listen: "${env:HR_TEST_SECRET}", api_key_header: "${env:HR_TEST_SECRET}",
         basic_auth: {username: "${env:HR_TEST_SECRET}:", password: "${env:HR_TEST_SECRET}"}, bearer_token: " ${env:HR_TEST_SECRET}"}
delivery: {workers: ${env:HR_TEST_SECRET}, lease: ${env:HR_TEST_SECRET}, retry: {max_age: ${env:HR_TEST_SECRET}}}
destinations:
  d:
    stdout: {pretty: "${env:HR_TEST_SECRET}", token: "${env:HR_TEST_SECRET}"}
    retry: {min_backoff: ${env:HR_TEST_SECRET}, max_attempts: ${env:HR_TEST_SECRET}}
    rate: {interval: ${env:HR_TEST_SECRET}, concurrency: ${env:HR_TEST_SECRET}}
routes:
  - name: ${env:HR_TEST_SECRET}
    pattern: '{"source": ["${env:HR_TEST_SECRET}"], "x": ${env:HR_TEST_SECRET}}'
    to: ["${env:HR_TEST_SECRET}"]
    repeat_interval: ${env:HR_TEST_SECRET}
    group: {by: ["${env:HR_TEST_SECRET}"], wait: "${env:HR_TEST_SECRET}"}
    send_resolved: ${env:HR_TEST_SECRET}
suppress:
  - name: s
    pattern: {source: [x]}
    until: ${env:HR_TEST_SECRET}
`
	check := func(typ string, s *Settings) error {
		var st struct {
			Pretty bool `yaml:"pretty"`
		}
		if err := s.Decode(&st); err != nil {
			return err
		}
		return s.Errorf("token", "token %s is revoked", token)
	}
	_, err := Parse("t.yaml", []byte(src), WithDestinationTypes(check))
	if err == nil {
		t.Fatal("want errors")
	}
	list := err.(ErrorList)
	if len(list) < 20 {
		t.Errorf("got only %d errors:\n%v", len(list), err)
	}
	for _, text := range []string{err.Error(), list.Detailed()} {
		if strings.Contains(text, token) || strings.Contains(text, "T0KEN") {
			t.Errorf("a secret leaked into the errors:\n%s", text)
		}
	}
}

func TestSecretsList(t *testing.T) {
	t.Setenv("HR_TEST_A", "aaaa")
	t.Setenv("HR_TEST_B", "bbbb")
	cfg := mustParse(t, "sources:\n  http:\n    api_key: ${env:HR_TEST_A}-${env:HR_TEST_B}-${env:HR_TEST_A}\n")
	// The references' values first, then the whole api_key: it is a secret
	// as a whole, not only its referenced parts.
	if got, want := cfg.Secrets(), []string{"aaaa", "bbbb", "aaaa-bbbb-aaaa"}; !slices.Equal(got, want) {
		t.Errorf("Secrets() = %q, want %q", got, want)
	}
	if got := cfg.Sources.HTTP.APIKey; got != "aaaa-bbbb-aaaa" {
		t.Errorf("api_key = %q", got)
	}
}

func TestScrubLongestFirst(t *testing.T) {
	got := scrub("key=abcdef short=abc", []string{"abc", "abcdef"})
	if got != "key=[secret] short=[secret]" {
		t.Errorf("scrub = %q", got)
	}
}

func TestUnquotedReferencesInFlowCollections(t *testing.T) {
	t.Setenv("HR_TEST_FLOW", "flow-value")
	tests := []struct {
		name, src, want string
	}{
		{"flow mapping", "sources:\n  http: {path: /x, api_key: ${env:HR_TEST_FLOW}}\n", "flow-value"},
		{"flow mapping, embedded", "sources:\n  http: {api_key: a${env:HR_TEST_FLOW}b, path: /x}\n", "aflow-valueb"},
		{"block", "sources:\n  http:\n    api_key: ${env:HR_TEST_FLOW} # comment ${env:NOT_READ}\n", "flow-value"},
		{"escape stays literal", "sources:\n  http: {api_key: '$${env:HR_TEST_FLOW}'}\n", "${env:HR_TEST_FLOW}"},
		{"text like a placeholder is left alone", "sources:\n  http: {api_key: zqaa0_____, path: /${env:HR_TEST_FLOW}}\n", "zqaa0_____"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src)
			if got := cfg.Sources.HTTP.APIKey; got != tt.want {
				t.Errorf("api_key = %q, want %q", got, tt.want)
			}
		})
	}
	_, err := Parse("t.yaml", []byte("sources:\n  http: {path: /x, api_key: ${env:HR_TEST_UNSET_FLOW}}\n"))
	if err == nil || err.Error() != "t.yaml:2:29: ${env:HR_TEST_UNSET_FLOW}: environment variable HR_TEST_UNSET_FLOW is not set" {
		t.Errorf("got %v", err)
	}
}
