package email

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// smtpSettings is a valid SMTP settings object with extra fields spliced
// in (they replace earlier ones of the same name: encoding/json keeps the
// last).
func smtpSettings(smtpExtra, extra string) string {
	return fmt.Sprintf(`{"smtp": {"host": "smtp.example.com", "username": "alerts", "password": %q, "from": "alerts@example.com"%s},
	 "to": ["security@example.com"]%s}`, testPassword, smtpExtra, extra)
}

func sesSettings(sesExtra, extra string) string {
	return fmt.Sprintf(`{"ses": {"region": "ap-northeast-1", "from": "alerts@example.com"%s}, "to": ["security@example.com"]%s}`, sesExtra, extra)
}

// TestValidate checks that every bad setting is reported with its field
// name, and that good settings pass.
func TestValidate(t *testing.T) {
	tooMany := make([]string, MaxRecipientsSES+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("%q", fmt.Sprintf("r%d@example.com", i))
	}
	tests := []struct {
		name     string
		settings string
		want     []string // substrings of the error; none: valid
	}{
		{"smtp minimal", smtpSettings("", ""), nil},
		{"smtp full", smtpSettings(`, "port": 2525, "tls": "starttls", "helo": "relay.example.com", "ca_file": "/etc/ssl/ca.pem", "timeout": "1m"`,
			`, "cc": ["Ops <ops@example.com>"], "bcc": ["audit@example.com"], "reply_to": "sec@example.com", "language": "ja",
			   "subject_template": "[{{ .Severity.Label }}] {{ .Title }}", "digest_subject_template": "{{ .Title }}"`), nil},
		{"smtp implicit tls", smtpSettings(`, "port": 465`, ""), nil},
		{"smtp relay without auth", `{"smtp": {"host": "10.0.0.25", "tls": "none", "from": "a@example.com"}, "to": ["b@example.com"]}`, nil},
		{"smtp plain auth allowed", smtpSettings(`, "tls": "none", "insecure_allow_plain_auth": true`, ""), nil},
		{"ses minimal", sesSettings("", ""), nil},
		{"ses full", sesSettings(`, "configuration_set": "hubrelay-alerts", "endpoint": "https://email.ap-northeast-1.amazonaws.com",
			"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "secret", "session_token": "token"`, ""), nil},

		{"both transports", `{"smtp": {"host": "h", "from": "a@example.com"}, "ses": {"region": "us-east-1", "from": "a@example.com"}, "to": ["b@example.com"]}`,
			[]string{"smtp: set either smtp or ses, not both"}},
		{"no transport", `{"to": ["b@example.com"]}`, []string{"smtp: set smtp (an SMTP server) or ses (Amazon SES)"}},
		{"no host", `{"smtp": {"from": "a@example.com"}, "to": ["b@example.com"]}`, []string{"smtp.host: is required"}},
		{"host with port", smtpSettings(`, "host": "smtp.example.com:587"`, ""), []string{"smtp.host:", "give the port in smtp.port"}},
		{"host with scheme", smtpSettings(`, "host": "smtp://smtp.example.com"`, ""), []string{"smtp.host:", "without a scheme"}},
		{"host with space", smtpSettings(`, "host": "smtp example.com"`, ""), []string{"smtp.host:", "is not a host name"}},
		{"unknown tls mode", smtpSettings(`, "tls": "ssl"`, ""), []string{`smtp.tls: "ssl": must be starttls, tls or none`}},
		{"port out of range", smtpSettings(`, "port": 70000`, ""), []string{"smtp.port: 70000"}},
		{"starttls on 465", smtpSettings(`, "port": 465, "tls": "starttls"`, ""), []string{"smtp.port: 465 is the implicit-TLS port"}},
		{"implicit tls on 587", smtpSettings(`, "port": 587, "tls": "tls"`, ""), []string{"smtp.port: 587 is the STARTTLS submission port"}},
		{"username without password", smtpSettings(`, "password": ""`, ""), []string{"smtp.password: is required with username"}},
		{"password without username", smtpSettings(`, "username": ""`, ""), []string{"smtp.username: is required with password"}},
		{"password with a line break", smtpSettings(`, "password": "pw\n"`, ""), []string{"smtp.password: contains a line break"}},
		{"auth over plain text", smtpSettings(`, "tls": "none"`, ""), []string{"smtp.username: with tls: none", "insecure_allow_plain_auth"}},
		{"plain auth flag with tls", smtpSettings(`, "insecure_allow_plain_auth": true`, ""), []string{"smtp.insecure_allow_plain_auth: applies only with tls: none"}},
		{"no from", smtpSettings(`, "from": ""`, ""), []string{"smtp.from: is required"}},
		{"bad from", smtpSettings(`, "from": "alerts at example.com"`, ""), []string{`smtp.from: "alerts at example.com": not an email address`}},
		{"bad helo", smtpSettings(`, "helo": "my host"`, ""), []string{"smtp.helo:"}},
		{"helo address literal", smtpSettings(`, "helo": "[192.0.2.1]"`, ""), nil},
		{"timeout not a duration", smtpSettings(`, "timeout": "forever"`, ""), []string{`smtp.timeout: "forever": not a duration`}},
		{"timeout zero", smtpSettings(`, "timeout": "0s"`, ""), []string{`smtp.timeout: "0s": must be more than 0`}},
		{"timeout too long", smtpSettings(`, "timeout": "1h"`, ""), []string{`smtp.timeout: "1h"`}},
		{"no recipients", `{"smtp": {"host": "h", "tls": "none", "from": "a@example.com"}}`, []string{"to: at least one recipient is required"}},
		{"bad recipient", smtpSettings("", `, "to": ["a@example.com", "not an address"]`), []string{`to[1]: "not an address": not an email address`}},
		{"empty recipient", smtpSettings("", `, "cc": [""]`), []string{"cc[0]: is empty"}},
		{"group syntax", smtpSettings("", `, "to": ["team: a@example.com, b@example.com;"]`), []string{"to[0]:"}},
		{"address literal domain", smtpSettings("", `, "to": ["a@[192.0.2.1]"]`), []string{"to[0]:", "needs a domain name"}},
		{"duplicate recipient", smtpSettings("", `, "bcc": ["Security@Example.com"]`), []string{"bcc[0]: Security@Example.com is already listed as to[0]"}},
		{"too many for SES", sesSettings("", `, "to": [`+strings.Join(tooMany, ",")+`]`), []string{"to: 51 recipients across to, cc and bcc; at most 50"}},
		{"bad reply_to", smtpSettings("", `, "reply_to": "nobody"`), []string{`reply_to: "nobody"`}},
		{"bad language", smtpSettings("", `, "language": "fr"`), []string{`language "fr": must be "ja" or "en"`}},
		{"bad subject template", smtpSettings("", `, "subject_template": "{{ .Title"`), []string{"subject_template: render: template \"email-subject\""}},
		{"bad digest subject template", smtpSettings("", `, "digest_subject_template": "{{ nope }}"`), []string{"digest_subject_template:"}},
		{"ses without region", `{"ses": {"from": "a@example.com"}, "to": ["b@example.com"]}`, []string{"ses.region: is required"}},
		{"ses bad region", sesSettings(`, "region": "tokyo"`, ""), []string{`ses.region: "tokyo": is not an AWS region name`}},
		{"ses without from", sesSettings(`, "from": ""`, ""), []string{"ses.from: is required"}},
		{"ses bad configuration set", sesSettings(`, "configuration_set": "my set"`, ""), []string{`ses.configuration_set: "my set"`}},
		{"ses http endpoint", sesSettings(`, "endpoint": "http://email.example.com"`, ""), []string{"ses.endpoint:", "must use https"}},
		{"ses endpoint with query", sesSettings(`, "endpoint": "https://email.example.com/?x=1"`, ""), []string{"ses.endpoint:", "must not hold"}},
		{"ses loopback endpoint", sesSettings(`, "endpoint": "http://127.0.0.1:4566"`, ""), nil},
		{"ses key without secret", sesSettings(`, "access_key_id": "AKIA"`, ""), []string{"ses.secret_access_key: is required with access_key_id"}},
		{"ses secret without key", sesSettings(`, "secret_access_key": "s"`, ""), []string{"ses.access_key_id: is required with secret_access_key"}},
		{"ses token alone", sesSettings(`, "session_token": "t"`, ""), []string{"ses.session_token: needs access_key_id"}},
		{"ses secret with space", sesSettings(`, "access_key_id": "AKIA", "secret_access_key": "a b"`, ""), []string{"ses.secret_access_key: contains white space"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg Config
			if err := notifytest.Settings(tt.settings).Decode(&cfg); err != nil {
				t.Fatalf("decode: %v", err)
			}
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %s", tt.settings)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Errorf("error quotes the password: %q", err)
			}
		})
	}
}

// TestValidateReportsEveryProblem checks that all problems come at once.
func TestValidateReportsEveryProblem(t *testing.T) {
	var cfg Config
	if err := notifytest.Settings(`{"smtp": {"tls": "ssl"}, "to": ["x"], "language": "de"}`).Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	err := cfg.Validate()
	for _, want := range []string{"smtp.host:", "smtp.tls:", "smtp.from:", "to[0]:", `language "de"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// TestDefaults checks the TLS mode and port each combination implies.
func TestDefaults(t *testing.T) {
	tests := []struct {
		port     int
		tls      string
		wantMode string
		wantPort int
	}{
		{0, "", TLSStartTLS, 587},
		{465, "", TLSImplicit, 465},
		{0, TLSImplicit, TLSImplicit, 465},
		{0, TLSNone, TLSNone, 25},
		{2525, "", TLSStartTLS, 2525},
		{25, TLSStartTLS, TLSStartTLS, 25},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("port %d tls %q", tt.port, tt.tls), func(t *testing.T) {
			s := &SMTPConfig{Port: tt.port, TLS: tt.tls}
			if s.mode() != tt.wantMode || s.port() != tt.wantPort {
				t.Errorf("mode %s port %d, want %s %d", s.mode(), s.port(), tt.wantMode, tt.wantPort)
			}
		})
	}
}

// TestSettingsThroughRegistry checks the settings path the config loader
// takes: strict decoding (a misspelt field fails with its position) and
// validation, with the type named.
func TestSettingsThroughRegistry(t *testing.T) {
	r := notify.NewRegistry()
	r.Register("email", notify.Typed(New))
	if err := r.Check("email", notifytest.Settings(smtpSettings("", ""))); err != nil {
		t.Errorf("valid settings: %v", err)
	}
	err := r.Check("email", notifytest.Settings(`{"smtp": {"host": "h", "passwrd": "x"}}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "passwrd"`) || !strings.Contains(err.Error(), "settings:1:") {
		t.Errorf("misspelt field: %v", err)
	}
	err = r.Check("email", notifytest.Settings(`{"smtp": {"host": "h", "from": "a@example.com"}, "to": []}`))
	if err == nil || !strings.HasPrefix(err.Error(), "email: ") || !strings.Contains(err.Error(), "to: at least one recipient") {
		t.Errorf("invalid settings: %v", err)
	}
}

// TestNewFailures checks what New refuses after validation: an unreadable
// or empty CA file.
func TestNewFailures(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	empty := t.TempDir() + "/empty.pem"
	if err := writeFile(empty, "not a certificate"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ caFile, want string }{
		{t.TempDir() + "/missing.pem", "smtp.ca_file:"},
		{empty, "holds no PEM certificate"},
	} {
		cfg := testConfig("smtp.example.com", 0)
		cfg.SMTP.CAFile = tt.caFile
		if _, err := New("mail", cfg, env); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ca_file %s: %v, want %q", tt.caFile, err, tt.want)
		}
	}
}
