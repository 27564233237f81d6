package teams_test

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
)

const (
	sampleWorkflowURL = "https://prod-12.japaneast.logic.azure.com:443/workflows/0f3c9ee5f1a24b7e9d6c2a8b5e4d3c21/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xq7Zr2LmVb9Nc4Kd8Tf1Hs6Pw3Jy5Ga0Ue2Io7Ra4Sk"
	sampleWebhookURL  = "https://contoso.webhook.office.com/webhookb2/5f1c9d2e-7a3b-4c8d-9e0f-1a2b3c4d5e6f@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/8b2d7e4f1a9c4e6b8d3f2a1c5e7b9d0f/3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
)

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  teams.Config
		want []string // substrings of the error; none: valid
	}{
		{"workflow", teams.Config{WorkflowURL: sampleWorkflowURL}, nil},
		{"workflow adaptive", teams.Config{WorkflowURL: sampleWorkflowURL, Format: teams.FormatAdaptive, Language: "ja"}, nil},
		{"powerplatform workflow", teams.Config{WorkflowURL: "https://default0123.45.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0f3c9ee5f1a24b7e/triggers/manual/paths/invoke?api-version=1&sig=abcdefgh12345678"}, nil},
		{"webhook", teams.Config{WebhookURL: sampleWebhookURL}, nil},
		{"webhook connector", teams.Config{WebhookURL: sampleWebhookURL, Format: teams.FormatConnector}, nil},
		{"local test server", teams.Config{WebhookURL: "http://127.0.0.1:8080/hook"}, nil},
		{"nothing", teams.Config{}, []string{"workflow_url: is required"}},
		{"both", teams.Config{WorkflowURL: sampleWorkflowURL, WebhookURL: sampleWebhookURL}, []string{"workflow_url: set either"}},
		{"workflow connector", teams.Config{WorkflowURL: sampleWorkflowURL, Format: teams.FormatConnector}, []string{"format: connector", "Adaptive Cards only"}},
		{"unknown format", teams.Config{WebhookURL: sampleWebhookURL, Format: "messagecard"}, []string{`format: "messagecard" is not one of "adaptive"`}},
		{"http", teams.Config{WorkflowURL: "http://prod-12.japaneast.logic.azure.com/workflows/x/triggers"}, []string{"workflow_url: must use https"}},
		{"not a url", teams.Config{WebhookURL: "contoso.webhook.office.com/webhookb2/x"}, []string{"webhook_url: must be an https URL"}},
		{"no path", teams.Config{WebhookURL: "https://contoso.webhook.office.com/"}, []string{"webhook_url: has no path"}},
		{"user info", teams.Config{WebhookURL: "https://user:secretpass@contoso.webhook.office.com/webhookb2/x"}, []string{"webhook_url: must not contain a user name"}},
		{"white space", teams.Config{WorkflowURL: sampleWorkflowURL + "\n"}, []string{"workflow_url: contains white space"}},
		{"bad language", teams.Config{WorkflowURL: sampleWorkflowURL, Language: "fr"}, []string{"language:"}},
		{"several", teams.Config{WebhookURL: "ftp://x/y", Format: "x", Language: "de"}, []string{"webhook_url:", "format:", "language:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", c.cfg)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, secret := range []string{"Xq7Zr2LmVb9Nc4Kd8Tf1Hs6Pw3Jy5Ga0Ue2Io7Ra4Sk", "8b2d7e4f1a9c4e6b8d3f2a1c5e7b9d0f", "secretpass"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes a secret: %v", err)
				}
			}
		})
	}
}

// TestSettingsDecoding decodes settings the way the config file does
// (strict, positions in errors) through notify.Typed.
func TestSettingsDecoding(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	factory := notify.Typed(teams.New)
	cases := []struct {
		name     string
		settings string
		want     string
	}{
		{"workflow", `{"workflow_url": "` + sampleWorkflowURL + `"}`, ""},
		{"connector", `{"webhook_url": "` + sampleWebhookURL + `", "format": "connector", "language": "ja"}`, ""},
		{"unknown field", `{"workflow_url": "` + sampleWorkflowURL + `",` + "\n" + ` "channel": "#sec"}`, `settings:2:2: json: unknown field "channel"`},
		{"wrong type", `{"workflow_url": 12}`, "settings:1:"},
		{"invalid", `{"format": "connector"}`, "workflow_url: is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := factory("teams-sec", notifytest.Settings(c.settings), env)
			if c.want == "" {
				if err != nil || n == nil {
					t.Fatalf("factory = %v, %v", n, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}
