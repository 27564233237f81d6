package webhook

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func TestConfigValidate(t *testing.T) {
	const hook = "https://example.com/hooks/abc?token=SECRETQUERYTOKEN"
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; none: valid
	}{
		{"minimal", Config{URL: hook}, nil},
		{"loopback http", Config{URL: "http://127.0.0.1:8080/hook"}, nil},
		{"everything", Config{
			URL: hook, Method: "PUT", Headers: map[string]string{"X-Team": "sec", "Content-Type": "application/cloudevents+json"},
			Auth: &Auth{APIKey: &APIKey{Name: "x-api-key", Value: "k"}}, Template: `{"t": {{ jsonString .Route }}}`,
			SigningSecret: strings.Repeat("s", 32), Timeout: "30s", Language: "ja",
		}, nil},
		{"transformer", Config{URL: hook, InputPaths: map[string]string{"t": "$.detail.findings[0].Title"}, InputTemplate: `{"t": "<t>"}`}, nil},
		{"basic", Config{URL: hook, Auth: &Auth{Basic: &Basic{Username: "u", Password: "p"}}}, nil},
		{"no url", Config{}, []string{"url: is required"}},
		{"relative url", Config{URL: "/hook"}, []string{"url: is not an absolute URL"}},
		{"http url", Config{URL: "http://example.com/hook?token=SECRETQUERYTOKEN"}, []string{"url: must use https"}},
		{"ftp url", Config{URL: "ftp://example.com/x"}, []string{"url: must be an https URL"}},
		{"user info", Config{URL: "https://u:SECRETPASSWORD@example.com/"}, []string{"url: must not contain a user name or password"}},
		{"fragment", Config{URL: hook + "#x"}, []string{"url: must not contain a fragment"}},
		{"method", Config{URL: hook, Method: "GET"}, []string{"method: \"GET\": must be POST, PUT or PATCH"}},
		{"lower-case method", Config{URL: hook, Method: "post"}, []string{"method: \"post\": write it in upper case"}},
		{"bad header name", Config{URL: hook, Headers: map[string]string{"X Team": "a"}}, []string{"headers.X Team: is not a valid header name"}},
		{"reserved header", Config{URL: hook, Headers: map[string]string{"idempotency-key": "a"}}, []string{"headers.idempotency-key: carries the delivery's idempotency key"}},
		{"header injection", Config{URL: hook, Headers: map[string]string{"X-A": "SECRETHEADER\r\nX-B: c"}}, []string{"headers.X-A: value contains line breaks"}},
		{"authorization twice", Config{URL: hook, Headers: map[string]string{"Authorization": "Bearer SECRETHEADER"}, Auth: &Auth{Bearer: "t"}},
			[]string{"headers.Authorization: is set by auth"}},
		{"two auth kinds", Config{URL: hook, Auth: &Auth{Bearer: "t", Basic: &Basic{Username: "u"}}}, []string{"auth: set exactly one of api_key, basic and bearer (2 set)"}},
		{"no auth kind", Config{URL: hook, Auth: &Auth{}}, []string{"auth: set exactly one"}},
		{"api key name", Config{URL: hook, Auth: &Auth{APIKey: &APIKey{Name: "", Value: "v"}}}, []string{"auth.api_key.name: \"\": is not a header name"}},
		{"api key reserved name", Config{URL: hook, Auth: &Auth{APIKey: &APIKey{Name: "Content-Length", Value: "v"}}}, []string{"auth.api_key.name:", "is set from the body"}},
		{"api key value", Config{URL: hook, Auth: &Auth{APIKey: &APIKey{Name: "X-Key", Value: "SECRET VALUE"}}}, []string{"auth.api_key.value: contains white space"}},
		{"basic user colon", Config{URL: hook, Auth: &Auth{Basic: &Basic{Username: "a:b"}}}, []string{"auth.basic.username:", "RFC 7617"}},
		{"basic no user", Config{URL: hook, Auth: &Auth{Basic: &Basic{Password: "SECRETPASSWORD"}}}, []string{"auth.basic.username: is required"}},
		{"both templates", Config{URL: hook, InputTemplate: "x", Template: "y"}, []string{"template and input_paths/input_template are both set"}},
		{"paths without template", Config{URL: hook, InputPaths: map[string]string{"a": "$.id"}}, []string{"input_template: is required with input_paths"}},
		{"bad input path", Config{URL: hook, InputPaths: map[string]string{"a": "$..id"}, InputTemplate: "<a>"}, []string{"input_paths: \"a\": path \"$..id\""}},
		{"undefined placeholder", Config{URL: hook, InputTemplate: `{"a": "<nope>"}`}, []string{"input_template:", "<nope> is not defined"}},
		{"bad go template", Config{URL: hook, Template: "{{ .Finding.Title "}, []string{"template: line 1: unclosed action"}},
		{"message and top-level keys", Config{URL: hook, Template: "x", Message: render.Override{Template: "y"}}, []string{"message: set either message or the top-level template"}},
		{"message template", Config{URL: hook, Message: render.Override{Template: "{{ .View.Title ", Format: "json"}}, []string{"message.template: line 1: unclosed action"}},
		{"message format", Config{URL: hook, Message: render.Override{Template: "x", Format: "xml"}}, []string{`message.format: "xml" is not one of`}},
		{"message html transformer", Config{URL: hook, Message: render.Override{InputTemplate: "<aws.events.rule-name>", Format: "html"}}, []string{"message.format: html is for template only"}},
		{"message json transformer not json", Config{URL: hook, Message: render.Override{InputTemplate: "rule <aws.events.rule-name>", Format: "json"}}, []string{"message.format: json, but message.input_template is not a JSON template"}},
		{"message paths without template", Config{URL: hook, Message: render.Override{InputPaths: map[string]string{"a": "$.id"}}}, []string{"message.input_template: is required with message.input_paths"}},
		{"short signing secret", Config{URL: hook, SigningSecret: "SECRETSHORT"}, []string{"signing_secret: must be at least 16 bytes"}},
		{"timeout", Config{URL: hook, Timeout: "10"}, []string{"timeout: \"10\": not a duration"}},
		{"timeout range", Config{URL: hook, Timeout: "1h"}, []string{"timeout: \"1h\": must be more than 0 and at most 5m0s"}},
		{"language", Config{URL: hook, Language: "de"}, []string{"language:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("valid config refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("invalid config accepted; want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, secret := range []string{"SECRETQUERYTOKEN", "SECRETPASSWORD", "SECRETHEADER", "SECRET VALUE", "SECRETSHORT"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes a secret: %q", err)
				}
			}
		})
	}
}

// TestSettings decodes settings as the config file gives them, strictly,
// nested auth included.
func TestSettings(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	tests := []struct {
		settings string
		want     string
	}{
		{`{"url": "https://example.com/h", "auth": {"basic": {"username": "u", "password": "p"}}}`, ""},
		{`{"url": "https://example.com/h", "auth": {"basic": {"user": "u"}}}`, `unknown field "user"`},
		{`{"url": "https://example.com/h", "signing-secret": "x"}`, `unknown field "signing-secret"`},
		{`{"url": "https://example.com/h", "headers": {"X-A": 1}}`, "settings:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.settings, func(t *testing.T) {
			n, err := notify.Typed(New)("hook", notifytest.Settings(tt.settings), env)
			if tt.want == "" {
				if err != nil || n == nil {
					t.Fatalf("got %v, %v", n, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
