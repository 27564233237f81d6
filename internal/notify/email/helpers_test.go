package email

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// testPassword is the SMTP password of every test config; the leak checks
// hunt for it. It is long enough for the Redactor to look for it inside
// base64 (AUTH PLAIN sends it that way).
const testPassword = "smtp-TEST-pw-7c1e9a4b2d8f6e3a"

// Static AWS credentials of the SES tests (the access key ID is AWS's
// documentation example).
const (
	testAccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	testSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testSessionToken    = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalue0123456789"
)

// Fixtures of testdata (see testdata/SOURCES.md).
const (
	fxGuardDuty = "asff/08-guardduty-ssh-bruteforce.json"
	fxCIS113    = "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json"
	fxRDS1      = "asff/17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fxEC27      = "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	fxEC28      = "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json"
	fxInspector = "asff/21-inspector-v2-cve-ec2.getfindings.json"
	fxTrivy     = "asff/25-trivy-aquasecurity-cve-container.json"
	fxOCSFDuty  = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
	fxOCSFCIS   = "ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json"
)

// fixture decodes a finding file of testdata; every call decodes afresh,
// so callers may modify the result.
func fixture(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs[0])
	}
	if len(items) != 1 {
		t.Fatalf("%s: %d findings, want 1", name, len(items))
	}
	return items[0]
}

// testConfig is a full SMTP config as a person would write it, for host
// and port.
func testConfig(host string, port int) *Config {
	return &Config{
		SMTP: &SMTPConfig{
			Host:     host,
			Port:     port,
			Username: "alerts@example.com",
			Password: testPassword,
			From:     "Security Hub <alerts@example.com>",
		},
		To:      []string{"Security team <security@example.com>", "oncall@example.com"},
		Cc:      []string{"情報セキュリティ室 <infosec@example.co.jp>"},
		Bcc:     []string{"audit@example.com"},
		ReplyTo: "security@example.com",
	}
}

// testSESConfig is a full SES config sending through endpoint.
func testSESConfig(endpoint string) *Config {
	return &Config{
		SES: &SESConfig{
			Region:           "ap-northeast-1",
			From:             "Security Hub <alerts@example.com>",
			ConfigurationSet: "hubrelay-alerts",
			Endpoint:         endpoint,
			AccessKeyID:      testAccessKeyID,
			SecretAccessKey:  testSecretAccessKey,
			SessionToken:     testSessionToken,
		},
		To:  []string{"Security team <security@example.com>", "oncall@example.com"},
		Cc:  []string{"情報セキュリティ室 <infosec@example.co.jp>"},
		Bcc: []string{"audit@example.com"},
	}
}

// renderOptions are the options of the golden mails: the language, its
// usual time zone, and an aggregation region for console links.
func renderOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Location: render.DefaultLocation(lang), Region: "ap-northeast-1"}
}

// composer builds the Composer of cfg for lang.
func composer(t testing.TB, cfg *Config, lang render.Language) *Composer {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config: %v", err)
	}
	c, err := NewComposer("mail-security", cfg, renderOptions(lang))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Receipts of earlier deliveries, as the store hands them back.
var (
	// smtpFirst is the receipt of the first mail of a thread sent by SMTP.
	smtpFirst = notify.Receipt{ID: "<hubrelay.first0000000000000000000000000000@example.com>", Thread: "<hubrelay.first0000000000000000000000000000@example.com>"}
	// smtpLater is the receipt of a later mail of that thread.
	smtpLater = notify.Receipt{ID: "<hubrelay.later0000000000000000000000000000@example.com>", Thread: "<hubrelay.first0000000000000000000000000000@example.com>"}
	// sesFirst is the receipt of a first mail sent by SES.
	sesFirst = notify.Receipt{ID: "010601937f0a1b2c-3d4e5f60-7a8b-4c9d-8e0f-123456789abc-000000", Thread: "<hubrelay.first0000000000000000000000000000@example.com>"}
)

// sample is a named message for the golden tests.
type sample struct {
	name string
	msg  *notify.Message
}

// samples returns one message of every shape the destination handles,
// built from published findings.
func samples(t testing.TB) []sample {
	t.Helper()
	single := func(kind notify.Kind, fx, route string, prev *notify.Receipt) *notify.Message {
		it := fixture(t, fx)
		var p *notify.Receipt
		if prev != nil {
			cp := *prev
			p = &cp
		}
		return &notify.Message{
			Kind: kind, Route: route, Destination: "mail-security", Key: "delivery-" + string(kind) + "-" + filepath.Base(fx),
			Finding: it.Finding, Event: it.Event, Previous: p,
		}
	}
	var digest []*finding.Finding
	for _, fx := range []string{fxGuardDuty, fxCIS113, fxRDS1, fxEC27, fxEC28, fxInspector, fxTrivy, fxOCSFDuty, fxOCSFCIS} {
		digest = append(digest, fixture(t, fx).Finding)
	}
	return []sample{
		{"new-guardduty", single(notify.KindNew, fxGuardDuty, "account-a-guardduty", nil)},
		{"new-ocsf-config1", single(notify.KindNew, fxOCSFCIS, "system-a-controls", nil)},
		{"reminder-ec2.7", single(notify.KindReminder, fxEC27, "system-a-controls", &smtpFirst)},
		{"resolved-ec2.8", single(notify.KindResolved, fxEC28, "system-a-controls", &smtpLater)},
		{"resolved-without-previous", single(notify.KindResolved, fxEC28, "system-a-controls", nil)},
		{"reopened-rds1-after-ses", single(notify.KindReopened, fxRDS1, "system-a-controls", &sesFirst)},
		{"digest", &notify.Message{
			Kind: notify.KindNew, Route: "all-critical", Destination: "mail-security", Key: "digest-0001",
			Digest: &notify.Digest{GroupKey: "AwsAccountId=123456789012", Findings: digest, Total: 14},
		}},
		{"hostile", &notify.Message{
			Kind: notify.KindNew, Route: "account-a-guardduty", Destination: "mail-security", Key: "delivery-hostile",
			Finding: hostileFinding(t),
		}},
		{"test", &notify.Message{
			Kind: notify.KindTest, Destination: "mail-security",
			Finding: fixture(t, fxGuardDuty).Finding,
		}},
	}
}

// at is the time the golden mails are written.
func at() time.Time { return notifytest.Now() }

// hostileFinding is a finding whose text tries every injection a mail
// can suffer: HTML and script, Markdown and Slack markup, header
// injection, a bidi override, invalid UTF-8 and a javascript: link.
func hostileFinding(t testing.TB) *finding.Finding {
	t.Helper()
	f := fixture(t, fxGuardDuty).Finding
	f.Title = "<script>alert('title')</script> <b>bold</b> *stars* <!channel> @here\r\nBcc: victim@example.net"
	f.Description = "Line one <img src=x onerror=alert(1)> [link](javascript:alert(2))\n" +
		"</p></body></html><script>steal()</script>\n" +
		"\u202eevil\u202c bytes: \xff\xfe and a NUL \x00 end"
	f.Remediation.Text = "Click <a href=\"javascript:alert(3)\">here</a>"
	f.Remediation.URL = "javascript:alert(4)"
	f.Resources[0].ID = "i-123\r\nX-Injected: yes"
	return f
}

// writeFile writes text to path.
func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }
