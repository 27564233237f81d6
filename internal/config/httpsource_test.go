package config

import (
	"slices"
	"strings"
	"testing"
)

func TestHTTPSourceAuth(t *testing.T) {
	t.Setenv("HR_TEST_BASIC_PW", "basic-pw-from-env")
	t.Setenv("HR_TEST_BEARER", "bearer-from-env")
	tests := []struct {
		name                          string
		http                          string // the value of sources.http
		header, key, user, pw, bearer string
		secrets                       []string
		warnings                      []string
	}{
		{
			name: "defaults", http: "{}", header: "x-api-key",
			warnings: []string{`t.yaml:2:3: sources.http: no api_key: anyone who can reach /events can post findings`},
		},
		{
			name: "api key in a header of its own", http: "{api_key: literal-key-1, api_key_header: X-Hubrelay-Key}",
			header: "X-Hubrelay-Key", key: "literal-key-1", secrets: []string{"literal-key-1"},
		},
		{
			name: "api key in Authorization, as an API destination connection can send it", http: "{api_key: Bearer-xyz-1, api_key_header: authorization}",
			header: "authorization", key: "Bearer-xyz-1", secrets: []string{"Bearer-xyz-1"},
		},
		{
			name: "basic auth from env", http: "{basic_auth: {username: eventbridge, password: \"${env:HR_TEST_BASIC_PW}\"}}",
			header: "x-api-key", user: "eventbridge", pw: "basic-pw-from-env", secrets: []string{"basic-pw-from-env"},
		},
		{
			name: "basic auth written out: the password is still a secret", http: "{basic_auth: {username: eb, password: \"p@ss word:1\"}}",
			header: "x-api-key", user: "eb", pw: "p@ss word:1", secrets: []string{"p@ss word:1"},
		},
		{
			name: "bearer token", http: "{bearer_token: literal-bearer.token_~+/=}",
			header: "x-api-key", bearer: "literal-bearer.token_~+/=", secrets: []string{"literal-bearer.token_~+/="},
		},
		{
			name: "bearer token from env with an api key", http: "{bearer_token: \"${env:HR_TEST_BEARER}\", api_key: k-123}",
			header: "x-api-key", key: "k-123", bearer: "bearer-from-env", secrets: []string{"bearer-from-env", "k-123"},
		},
		{
			name: "every credential at once, the API key in Authorization", http: "{api_key: Key-1, api_key_header: Authorization, basic_auth: {username: u, password: pw-1}, bearer_token: tok-1}",
			header: "Authorization", key: "Key-1", user: "u", pw: "pw-1", bearer: "tok-1", secrets: []string{"Key-1", "pw-1", "tok-1"},
		},
		{
			name: "a header without a key is warned about", http: "{api_key_header: X-Key, bearer_token: tok-1}",
			header: "X-Key", bearer: "tok-1", secrets: []string{"tok-1"},
			warnings: []string{`t.yaml:2:26: sources.http.api_key_header: has no effect without api_key`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, "sources:\n  http: "+tt.http+"\n"+dests+"routes:\n  - {name: r, pattern: {source: [x]}, to: [d, e]}\n")
			h := cfg.Sources.HTTP
			got := []string{h.APIKeyHeader, h.APIKey, h.BasicUser, h.BasicPassword, h.BearerToken}
			want := []string{tt.header, tt.key, tt.user, tt.pw, tt.bearer}
			if !slices.Equal(got, want) {
				t.Errorf("header, key, user, password, bearer = %q, want %q", got, want)
			}
			if !slices.Equal(cfg.Secrets(), tt.secrets) {
				t.Errorf("Secrets() = %q, want %q", cfg.Secrets(), tt.secrets)
			}
			equalLines(t, cfg.Warnings(), tt.warnings)
		})
	}
}

func TestHTTPSourceAuthErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "header names",
			src:  "sources:\n  http: {api_key: k1, api_key_header: \"x api key\"}\n",
			want: []string{`t.yaml:2:39: sources.http.api_key_header: "x api key" is not an HTTP header name (letters, digits and !#$%&'*+-.^_` + "`" + `|~)`},
		},
		{
			name: "header name wrong type, empty",
			src:  "sources:\n  http:\n    api_key: k1\n    api_key_header: 7\n    bearer_token: \"\"\n",
			want: []string{
				`t.yaml:4:21: sources.http.api_key_header: want a string, got a number; quote it`,
				`t.yaml:5:19: sources.http.bearer_token: must not be empty (leave bearer_token out if it is not wanted)`,
			},
		},
		{
			name: "empty api key",
			src:  "sources:\n  http: {api_key: ''}\n",
			want: []string{`t.yaml:2:19: sources.http.api_key: must not be empty (leave api_key out if it is not wanted)`},
		},
		{
			name: "basic auth needs both keys",
			src:  "sources:\n  http:\n    basic_auth: {username: eb}\n",
			want: []string{`t.yaml:3:17: sources.http.basic_auth: missing required key "password"`},
		},
		{
			name: "basic auth empty, null password, unknown key",
			src:  "sources:\n  http:\n    basic_auth:\n      password:\n      user: eb\n",
			want: []string{
				`t.yaml:4:7: sources.http.basic_auth: missing required key "username"`,
				`t.yaml:4:7: sources.http.basic_auth.password: must not be empty`,
				`t.yaml:5:7: sources.http.basic_auth: unknown key "user"`,
			},
		},
		{
			name: "basic auth values",
			src:  "sources:\n  http:\n    basic_auth: {username: \"a:b\", password: [pw]}\n",
			want: []string{
				`t.yaml:3:28: sources.http.basic_auth.username: must not contain ':' or control characters`,
				`t.yaml:3:45: sources.http.basic_auth.password: want a string, got a list`,
			},
		},
		{
			name: "basic auth not a mapping",
			src:  "sources:\n  http:\n    basic_auth: eb:pw\n",
			want: []string{`t.yaml:3:17: sources.http.basic_auth: want a mapping (key: value), got a string`},
		},
		{
			name: "bearer token with a space",
			src:  "sources:\n  http:\n    basic_auth: {username: u, password: pw-1}\n    bearer_token: \"Bearer abc\"\n",
			want: []string{`t.yaml:4:19: sources.http.bearer_token: must be printable ASCII without spaces`},
		},
		{
			name: "unknown key",
			src:  "sources:\n  http: {api_key: k1, bearer: t1}\n",
			want: []string{`t.yaml:2:23: sources.http: unknown key "bearer"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

// TestHTTPSecretsNotShown checks that the credentials of the HTTP source,
// from references or written out, appear neither in error messages nor in
// the source lines quoted under them, nor in warnings.
func TestHTTPSecretsNotShown(t *testing.T) {
	const fromEnv = "env-PASSWORD-value-77"
	const literal = "literal-PASSWORD-value-88"
	t.Setenv("HR_TEST_HTTP_SECRET", fromEnv)
	tests := []struct {
		name, src string
	}{
		{"env password on a line with an error", "sources:\n  http: {basic_auth: {username: \"u:\", password: \"${env:HR_TEST_HTTP_SECRET}\"}, tls: 1}\n"},
		{"literal password on a line with an error", "sources:\n  http: {basic_auth: {username: \"u:\", password: " + literal + "}, tls: 1}\n"},
		{"literal bearer token on a line with an error", "sources:\n  http: {basic_auth: {username: u, password: pw-x}, bearer_token: " + literal + ", tls: 1}\n"},
		{"literal api key in a bad header", "sources:\n  http: {api_key: " + literal + ", api_key_header: \"a b\"}\n"},
		{"bearer token with a space from env", "sources:\n  http: {bearer_token: \"x ${env:HR_TEST_HTTP_SECRET}\"}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("want an error")
			}
			text := err.Error() + "\n" + err.(ErrorList).Detailed()
			for _, secret := range []string{fromEnv, literal, "PASSWORD"} {
				if strings.Contains(text, secret) {
					t.Errorf("%q shows in the errors:\n%s", secret, text)
				}
			}
			if !strings.Contains(text, "[secret]") && strings.Contains(tt.src, "PASSWORD") {
				t.Errorf("the quoted source line was not scrubbed:\n%s", text)
			}
		})
	}
	cfg := mustParse(t, "sources:\n  http: {api_key_header: X-K, basic_auth: {username: u, password: "+literal+"}}\n"+
		dests+"routes:\n  - {name: r, pattern: {source: [x]}, to: [d, e]}\n")
	for _, w := range cfg.Warnings() {
		if strings.Contains(w, literal) {
			t.Errorf("secret in warning %q", w)
		}
	}
	if len(cfg.Warnings()) != 1 {
		t.Errorf("warnings = %q, want the api_key_header one", cfg.Warnings())
	}
}

func TestValidHeaderName(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"x-api-key", true}, {"X_Key.1", true}, {"!#$%&'*+-.^_`|~", true},
		{"", false}, {"x key", false}, {"x:key", false}, {"é", false}, {"x\tkey", false}, {"(x)", false},
	} {
		t.Run(tt.s, func(t *testing.T) {
			if got := validHeaderName(tt.s); got != tt.ok {
				t.Errorf("validHeaderName(%q) = %v, want %v", tt.s, got, tt.ok)
			}
		})
	}
}
