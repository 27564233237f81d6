package slack

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	const secretToken = "xoxb-123-456-TOPSECRET"
	const secretHook = "https://hooks.slack.com/services/T0/B0/TOPSECRET"
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; none: valid
	}{
		{"bot token and channel name", Config{Token: secretToken, Channel: "#sec-alerts"}, nil},
		{"channel name without hash", Config{Token: secretToken, Channel: "sec-alerts"}, nil},
		{"japanese channel name", Config{Token: secretToken, Channel: "#セキュリティ"}, nil},
		{"channel ID", Config{Token: secretToken, Channel: "C0123456789"}, nil},
		{"private channel ID", Config{Token: secretToken, Channel: "G0123456789"}, nil},
		{"user token", Config{Token: "xoxp-1-2-3", Channel: "#x"}, nil},
		{"rotating token", Config{Token: "xoxe.xoxb-1-abc", Channel: "#x"}, nil},
		{"webhook", Config{WebhookURL: secretHook}, nil},
		{"all optional settings", Config{Token: secretToken, Channel: "#x", ReplyBroadcast: true,
			WorkspaceURL: "https://example.slack.com", APIURL: "https://slack-gov.com/api/", Language: "ja"}, nil},
		{"local api_url over http", Config{Token: secretToken, Channel: "#x", APIURL: "http://127.0.0.1:8080/api/"}, nil},

		{"nothing", Config{}, []string{"token: set token and channel"}},
		{"token without channel", Config{Token: secretToken}, []string{"channel: is required with token"}},
		{"channel without token", Config{Channel: "#x"}, []string{"token: is required with channel"}},
		{"webhook and token", Config{WebhookURL: secretHook, Token: secretToken}, []string{"webhook_url: set either webhook_url"}},
		{"webhook and channel", Config{WebhookURL: secretHook, Channel: "#x"}, []string{"webhook_url: set either"}},
		{"not a slack token", Config{Token: "ghp_TOPSECRET", Channel: "#x"}, []string{"token: is not a Slack bot or user token"}},
		{"prefix only", Config{Token: "xoxb-", Channel: "#x"}, []string{"token: is not a Slack"}},
		{"token with newline", Config{Token: secretToken + "\n", Channel: "#x"}, []string{"token: contains white space"}},
		{"upper-case channel name", Config{Token: secretToken, Channel: "#Sec-Alerts"}, []string{`channel: "#Sec-Alerts" is neither`}},
		{"channel with space", Config{Token: secretToken, Channel: "sec alerts"}, []string{"channel:"}},
		{"channel with period", Config{Token: secretToken, Channel: "sec.alerts"}, []string{"channel:"}},
		{"channel mention", Config{Token: secretToken, Channel: "<!channel>"}, []string{"channel:"}},
		{"user name", Config{Token: secretToken, Channel: "@alice"}, []string{"channel:"}},
		{"long channel name", Config{Token: secretToken, Channel: strings.Repeat("a", 81)}, []string{"channel:"}},
		{"hash only", Config{Token: secretToken, Channel: "#"}, []string{"channel:"}},
		{"webhook over http", Config{WebhookURL: "http://hooks.slack.com/services/T0/B0/TOPSECRET"}, []string{"webhook_url: must use https"}},
		{"webhook without path", Config{WebhookURL: "https://hooks.slack.com/"}, []string{"webhook_url: has no path"}},
		{"webhook not a URL", Config{WebhookURL: "hooks.slack.com/services/T0/B0/TOPSECRET"}, []string{"webhook_url: must be an https URL"}},
		{"webhook with password", Config{WebhookURL: "https://u:TOPSECRET@hooks.slack.com/services/x"}, []string{"webhook_url: must not contain a user name"}},
		{"bad api_url", Config{Token: secretToken, Channel: "#x", APIURL: "ftp://slack.com/api/"}, []string{"api_url:"}},
		{"workspace_url with path", Config{Token: secretToken, Channel: "#x", WorkspaceURL: "https://example.slack.com/archives"}, []string{"workspace_url:"}},
		{"workspace_url over http", Config{Token: secretToken, Channel: "#x", WorkspaceURL: "http://example.slack.com"}, []string{"workspace_url:"}},
		{"bad language", Config{Token: secretToken, Channel: "#x", Language: "fr"}, []string{"language:"}},
		{"several problems at once", Config{Token: "bad", Channel: "Bad Name", Language: "fr"}, []string{"token:", "channel:", "language:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", tt.cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "TOPSECRET") {
				t.Errorf("error %q shows a secret", err)
			}
		})
	}
}

// TestSettingsDecoding: the settings are decoded strictly and checked
// through the registry, as the config loader does.
func TestSettingsDecoding(t *testing.T) {
	r := notify.NewRegistry()
	r.Register("slack", notify.Typed(New))
	tests := []struct {
		name, settings, want string
	}{
		{"valid", `{"token": "xoxb-1-2", "channel": "#sec"}`, ""},
		{"unknown field", `{"token": "xoxb-1-2", "channel": "#sec", "chanel": "#x"}`, `unknown field "chanel"`},
		{"wrong type", `{"token": "xoxb-1-2", "channel": "#sec", "reply_broadcast": "yes"}`, "settings:1:"},
		{"invalid", `{"token": "xoxb-1-2"}`, "slack: channel: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Check("slack", notifytest.Settings(tt.settings))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check: %v; want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestNewAddsSecretsToRedactor(t *testing.T) {
	env, logs := notifytest.NewEnv(t)
	n, err := New("s", &Config{Token: "xoxb-1-SECRETVALUE", Channel: "#x"}, env)
	if err != nil {
		t.Fatal(err)
	}
	n.log.Info("token is xoxb-1-SECRETVALUE")
	if strings.Contains(logs.String(), "SECRETVALUE") {
		t.Errorf("the destination's logger shows its token: %s", logs)
	}
	if !strings.Contains(n.red.String("xoxb-1-SECRETVALUE"), notify.Redacted) {
		t.Error("the destination's Redactor does not know its token")
	}
}

func TestNormalizeChannel(t *testing.T) {
	for in, want := range map[string]string{
		"#sec-alerts":   "sec-alerts",
		"sec-alerts":    "sec-alerts",
		" #sec_alerts ": "sec_alerts",
		"C0123456789":   "C0123456789",
		"D0123ABCDE":    "D0123ABCDE",
		"#セキュリティ-アラート":  "セキュリティ-アラート",
		"c0123456789":   "c0123456789", // a lower-case name, not an ID
	} {
		got, err := normalizeChannel(in)
		if err != nil || got != want {
			t.Errorf("normalizeChannel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
