package email

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestOverride checks the `message:` override: what it replaces in each
// format, for single findings and digests.
func TestOverride(t *testing.T) {
	all := samples(t)
	reminder, digest := all[2].msg, all[6].msg
	hostile := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Finding: hostileFinding(t)}
	tests := []struct {
		name      string
		override  render.Override
		msg       *notify.Message
		wantText  string // the text part, exactly; "" keeps the built-in one
		wantHTML  string // a substring of the HTML part; "" means no HTML part
		builtinIn bool   // the HTML part is the built-in one
	}{
		{
			name:     "text template: a text-only mail",
			override: render.Override{Template: "{{ .View.Severity.Name }}: {{ .View.Title }} ({{ .Kind }}, {{ .Route }})\n{{ .View.ConsoleURL }}\n"},
			msg:      reminder,
			wantText: "Informational: EC2.7 EBS default encryption should be enabled (reminder, system-a-controls)\nhttps://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub%253Aus-east-1%253A111111111111%253Asubscription%252Faws-foundational-security-best-practices%252Fv%252F1.0.0%252FEC2.7%252Ffinding%252F0003b335-cf3f-4f93-a025-6b1a7baced06\n",
		},
		{
			name:     "html template: replaces the HTML part, escaped",
			override: render.Override{Template: `<p class="t">{{ .View.Title }}</p>`, Format: render.FormatHTML},
			msg:      hostile,
			wantHTML: `<p class="t">&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;`,
		},
		{
			name:     "input transformer on the event",
			override: render.Override{InputPaths: map[string]string{"title": "$.detail.findings[0].Title", "account": "$.account"}, InputTemplate: "Finding <title> in <account>"},
			msg:      reminder,
			wantText: "Finding EC2.7 EBS default encryption should be enabled in 111111111111",
		},
		{
			name:      "template that ignores digests: built-in digest",
			override:  render.Override{Template: "{{ .View.Title }}"},
			msg:       digest,
			wantHTML:  "Security Hub digest: 14 findings",
			builtinIn: true,
		},
		{
			name:     "template that reads digests",
			override: render.Override{Template: "{{ with .Digest }}{{ .Title }}: {{ .Summary }}{{ else }}{{ .View.Title }}{{ end }}"},
			msg:      digest,
			wantText: "Security Hub digest: 14 findings: Critical: 5 / High: 1 / Medium: 1 / Low: 1 / Informational: 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig("smtp.example.com", 0)
			cfg.Message = tt.override
			ml, err := composer(t, cfg, render.English).Compose(tt.msg, at())
			if err != nil {
				t.Fatal(err)
			}
			raw, err := ml.Bytes(goldenBoundary)
			if err != nil {
				t.Fatal(err)
			}
			p := parseMail(t, raw)
			checkHeaderFields(t, p)
			if tt.wantText != "" && p.text("text/plain") != tt.wantText {
				t.Errorf("text part %q, want %q", p.text("text/plain"), tt.wantText)
			}
			html := p.text("text/html")
			switch {
			case tt.wantHTML == "" && len(p.parts) != 1:
				t.Errorf("%d parts; a text override sends the text alone", len(p.parts))
			case tt.wantHTML != "" && !strings.Contains(html, tt.wantHTML):
				t.Errorf("HTML part lacks %q:\n%s", tt.wantHTML, html)
			case tt.builtinIn && !strings.HasPrefix(html, "<!DOCTYPE html>"):
				t.Errorf("HTML part is not the built-in one:\n%s", html)
			}
			builtin, _ := composer(t, testConfig("smtp.example.com", 0), render.English).Compose(tt.msg, at())
			if ml.Subject != builtin.Subject {
				t.Errorf("subject %q; the override must not change it (%q)", ml.Subject, builtin.Subject)
			}
		})
	}
}

// TestOverrideGolden pins a text-only mail written by an override.
func TestOverrideGolden(t *testing.T) {
	cfg := testConfig("smtp.example.com", 0)
	cfg.Message = render.Override{Template: "[{{ .View.Severity.Label }}] {{ .View.Title }}\n{{ .View.Details }}\n\n{{ .View.Description }}\n\n{{ .View.ConsoleURL }}\n"}
	ml, err := composer(t, cfg, render.Japanese).Compose(samples(t)[0].msg, at())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ml.Bytes(goldenBoundary)
	if err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, raw)
	notifytest.Golden(t, filepath.Join("testdata", "golden", "ja-override-text.txt"), []byte(describe(p, ml.From.Address, ml.Recipients())))
}

// TestOverrideValidation checks the override's settings errors.
func TestOverrideValidation(t *testing.T) {
	for _, tt := range []struct {
		settings, want string
	}{
		{smtpSettings("", `, "message": {"template": "{}", "format": "json"}`), `message.format: "json": a mail body is "text" or "html"`},
		{smtpSettings("", `, "message": {"template": "{{ .View.Title"}`), "message.template"},
		{smtpSettings("", `, "message": {"format": "html"}`), "message: format is set but template and input_template are not"},
		{smtpSettings("", `, "message": {"input_paths": {"a": "$.x"}}`), "message.input_template: is required"},
	} {
		var cfg Config
		if err := notifytest.Settings(tt.settings).Decode(&cfg); err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.settings, err, tt.want)
		}
	}
}

// TestOverrideFailureIsPermanent checks that a template failing on a
// message fails the delivery permanently, before any connection.
func TestOverrideFailureIsPermanent(t *testing.T) {
	cfg := testConfig("127.0.0.1", refusedPort(t))
	cfg.Message = render.Override{Template: "{{ .View.NoSuchField }}"}
	env, _ := notifytest.NewEnv(t)
	_, err := newNotifier(t, cfg, env).Notify(t.Context(), samples(t)[0].msg)
	notifytest.CheckError(t, err, false, 0)
	if err != nil && !strings.Contains(err.Error(), "message.template") {
		t.Errorf("error %q does not name message.template", err)
	}
}

// TestSMTPDeliversOverride sends a text-only mail through SMTP.
func TestSMTPDeliversOverride(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	cfg := srv.config()
	cfg.Message = render.Override{Template: "{{ .View.Title }}\n"}
	env, _ := notifytest.NewEnv(t)
	if _, err := newNotifier(t, cfg, env).Notify(t.Context(), samples(t)[0].msg); err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, srv.received()[0].data)
	if len(p.parts) != 1 || p.parts[0].body != "199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.\n" {
		t.Errorf("received parts %+v", p.parts)
	}
}
