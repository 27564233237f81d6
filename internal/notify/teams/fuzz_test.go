package teams_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzBuildPayload renders findings whose texts are arbitrary (hostile
// Markdown, HTML and Slack markup, huge, invalid UTF-8) in every message
// shape, format and language, and checks that each payload is valid JSON
// that Teams takes, within the size budget, with every finding text
// escaped (validateBody).
//
//	go test -fuzz=FuzzBuildPayload -fuzztime=60s ./internal/notify/teams
func FuzzBuildPayload(f *testing.F) {
	base := load(f, fixtureEC27Event).Finding
	for _, name := range allFixtures {
		fd := load(f, name).Finding
		resource := ""
		if len(fd.Resources) > 0 {
			resource = fd.Resources[0].ID
		}
		f.Add(fd.ID, fd.Title, fd.Description, resource, fd.ProductName, fd.Remediation.Text, fd.Remediation.URL, uint8(0))
	}
	for i, h := range hostileTexts {
		f.Add("id-"+h.text, h.text, h.text, h.text, h.text, h.text, "https://evil.example/"+h.text, uint8(i))
	}
	// Long enough to be cut; the 100 KB cases are TestHugeDescriptionIsShortened
	// (a huge seed makes the fuzzer spend its time minimizing).
	f.Add("x", strings.Repeat("*", 400), strings.Repeat("[a](https://evil.example) ", 200), "r", "p", "", "", uint8(4))

	f.Fuzz(func(t *testing.T, id, title, description, resource, product, remediation, remediationURL string, shape uint8) {
		fd := *base
		fd.ID, fd.Title, fd.Description, fd.ProductName = id, title, description, product
		fd.Remediation = finding.Remediation{Text: remediation, URL: remediationURL}
		fd.Resources = []finding.Resource{{Type: "AwsS3Bucket", ID: resource}, {Type: resource, ID: title}}
		fd.AccountID, fd.ActionName = resource, product
		if fd.ID == "" {
			fd.ID = "fuzz" // a message needs a finding ID
		}
		m := fuzzMessage(&fd, base, title, shape)
		if err := m.Validate(); err != nil {
			t.Skip(err)
		}
		for _, format := range formats {
			for _, lang := range languages {
				body, err := teams.BuildPayload(m, format, render.Options{Language: lang})
				if err != nil {
					t.Fatalf("%s %s: %v", format, lang, err)
				}
				if err := validateBody(body, format); err != nil {
					t.Fatalf("%s %s: %v\n%s", format, lang, err, body)
				}
			}
		}
	})
}

// fuzzMessage makes one of the message shapes from the fuzzed finding.
func fuzzMessage(fd, other *finding.Finding, text string, shape uint8) *notify.Message {
	m := &notify.Message{Kind: notify.KindNew, Route: text, Key: "k", Finding: fd}
	switch shape % 6 {
	case 1:
		m.Kind, m.Previous = notify.KindReminder, &notify.Receipt{URL: text}
	case 2:
		m.Kind = notify.KindResolved
	case 3:
		m.Previous = &notify.Receipt{ID: text, URL: "https://example.com/" + text}
	case 4:
		m.Finding = nil
		m.Digest = &notify.Digest{GroupKey: text, Findings: []*finding.Finding{fd, other, fd}, Total: 3 + int(shape)}
	case 5:
		m.Kind = notify.KindTest
	}
	return m
}

// FuzzConfigValidate checks that Validate never panics and never quotes a
// URL, whatever the settings hold.
func FuzzConfigValidate(f *testing.F) {
	f.Add(sampleWorkflowURL, "", "", "")
	f.Add("", sampleWebhookURL, "connector", "ja")
	f.Add(sampleWorkflowURL, sampleWebhookURL, "adaptive", "en")
	f.Add("http://user:pass@host/path?sig=secretsecret", "ftp://x", "x\xff", "fr")
	f.Fuzz(func(t *testing.T, workflow, webhook, format, language string) {
		cfg := teams.Config{WorkflowURL: workflow, WebhookURL: webhook, Format: teams.Format(format), Language: language}
		err := cfg.Validate()
		if err == nil {
			return
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Errorf("error is not valid UTF-8: %q", msg)
		}
		for _, secret := range []string{workflow, webhook} {
			if len(secret) >= 8 && secret != format && secret != language && strings.Contains(msg, secret) &&
				!strings.Contains(format+language, secret) {
				t.Errorf("error quotes a URL: %q", msg)
			}
		}
	})
}
