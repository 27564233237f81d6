package slack

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzBuildPayload renders hostile finding text in every message shape:
// the payload must stay valid JSON within Slack's limits, hold no
// unescaped "<" or ">" outside this package's own links, and link only to
// the Security Hub console.
//
//	go test -fuzz=FuzzBuildPayload -fuzztime=60s ./internal/notify/slack
func FuzzBuildPayload(f *testing.F) {
	for _, name := range allFixtures {
		fd := load(f, name).Finding
		res := ""
		if len(fd.Resources) > 0 {
			res = fd.Resources[0].ID
		}
		f.Add(fd.Title, fd.Description, res, fd.AccountID, fd.Remediation.URL, "route-a", "AwsAccountId=1", uint8(0))
	}
	for i, s := range hostileTexts {
		f.Add(s, strings.Repeat(s, 200), s, s, "https://evil.example/|"+s, s, s, uint8(i*37))
	}
	f.Add("t", strings.Repeat("あ&<", 40000), "r", "1", "", "", "", uint8(0xff))
	bases := make([]*finding.Finding, len(allFixtures))
	for i, name := range allFixtures {
		bases[i] = load(f, name).Finding
	}
	guardDuty := load(f, fixtureGuardDuty).Finding
	f.Fuzz(func(t *testing.T, title, description, resource, account, remediationURL, route, group string, flags uint8) {
		base := bases[int(flags)%len(bases)]
		fd := new(finding.Finding)
		*fd = *base
		fd.Title, fd.Description, fd.AccountID = title, description, account
		fd.Remediation.URL, fd.Remediation.Text = remediationURL, description
		fd.Resources = append(slices.Clone(base.Resources), finding.Resource{Type: title, ID: resource})
		fd.Severity.Label = title
		kinds := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindReopened, notify.KindResolved, notify.KindTest}
		m := &notify.Message{Kind: kinds[int(flags>>3)%len(kinds)], Route: route, Key: "k", Finding: fd}
		if flags&1 != 0 {
			m.Previous = thread
		}
		if flags&2 != 0 {
			m.Finding = nil
			m.Digest = &notify.Digest{GroupKey: group, Findings: []*finding.Finding{fd, guardDuty}, Total: 2 + len(route)}
		}
		cfg := hostileConfigs[int(flags>>2)&1]
		lang := render.English
		if flags&0x80 != 0 {
			lang = render.Japanese
		}
		p := BuildPayload(m, cfg, render.Options{Language: lang, Region: "us-east-1"})
		if problems := payloadProblems(p); len(problems) > 0 {
			t.Fatal(strings.Join(problems, "\n"))
		}
		for _, host := range linkTargets(t, p) {
			if host != "us-east-1.console.aws.amazon.com" {
				t.Fatalf("link to %q", host)
			}
		}
	})
}

// FuzzClip: clip never exceeds its limit, never splits a character or an
// entity, and leaves no raw "<", ">" or "&" that is not an entity.
//
//	go test -fuzz=FuzzClip -fuzztime=60s ./internal/notify/slack
func FuzzClip(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s, 10)
		f.Add(s, 3000)
	}
	f.Add("&&&&&&", 7)
	f.Add("🔥🔥🔥", 3)
	f.Add("abc", 0)
	f.Fuzz(func(t *testing.T, raw string, max int) {
		max %= 5000
		got := clip(raw, max, "… (cut)")
		if max <= 0 {
			if got != "" {
				t.Fatalf("clip(%q, %d) = %q", raw, max, got)
			}
			return
		}
		if units(got) > max {
			t.Fatalf("clip(%q, %d) = %q: %d units", raw, max, got, units(got))
		}
		if !utf8.ValidString(got) || strings.ContainsAny(got, "<>") {
			t.Fatalf("clip(%q, %d) = %q", raw, max, got)
		}
		rest := strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(got)
		if strings.Contains(rest, "&") {
			t.Fatalf("clip(%q, %d) = %q leaves a raw &", raw, max, got)
		}
	})
}

// FuzzParseAnswer reads arbitrary Web API answers: never a panic, a
// result only for "ok": true, and a retryable error only for the
// transient codes.
//
//	go test -fuzz=FuzzParseAnswer -fuzztime=60s ./internal/notify/slack
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{
		`{"ok":true,"channel":"C1H9RESGL","ts":"1503435956.000247","message":{"text":"Here's a message for you","type":"message","subtype":"bot_message","ts":"1503435956.000247"}}`,
		`{"ok":false,"error":"too_many_attachments"}`,
		`{"ok":false,"error":"ratelimited"}`,
		`{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}`,
		`{"ok":false,"error":"invalid_blocks","errors":["failed to match all allowed schemas [json-pointer:/blocks/0/text]"],"response_metadata":{"messages":["[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0/text]"]}}`,
		`{"ok":true,"channel":"C123ABC456","permalink":"https://ghostbusters.slack.com/archives/C1H9RESGA/p135854651500008"}`,
		`{"ok":true,"warning":"missing_charset","response_metadata":{"warnings":["missing_charset"]}}`,
		`<html>gateway</html>`, ``, `null`, `{"ok":"yes"}`,
	} {
		f.Add([]byte(s), "30")
	}
	f.Fuzz(func(t *testing.T, data []byte, retryAfter string) {
		header := http.Header{"Retry-After": {retryAfter}}
		resp, err := parseAnswer("chat.postMessage", data, 200, header, time.Unix(0, 0))
		if (resp == nil) == (err == nil) {
			t.Fatalf("answer %q: response %v and error %v", data, resp, err)
		}
		if err == nil {
			return
		}
		retry, after := notify.ShouldRetry(err)
		var code string
		if e, ok := asAPIError(err); ok {
			code = e.Code
		}
		if retry != transientCodes[code] || after < 0 || after > notify.MaxRetryAfter {
			t.Fatalf("answer %q: retry %v after %v for code %q", data, retry, after, code)
		}
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("error %q spans lines", err)
		}
	})
}

// FuzzConfigValidate checks arbitrary settings: never a panic, and the
// error never shows the token or the webhook URL.
//
//	go test -fuzz=FuzzConfigValidate -fuzztime=60s ./internal/notify/slack
func FuzzConfigValidate(f *testing.F) {
	f.Add("xoxb-1-2-abc", "#sec-alerts", "", "", "", "")
	f.Add("", "", "https://hooks.slack.com/services/T0/B0/abcdefgh", "", "", "ja")
	f.Add("xoxp-x", "C0123456789", "", "https://slack-gov.com/api/", "https://example.slack.com", "en")
	f.Add("ghp_secretvalue", "Bad Name", "http://evil/x", "::", "https://a/b", "fr")
	f.Fuzz(func(t *testing.T, token, channel, webhook, apiURL, workspace, lang string) {
		cfg := Config{Token: token, Channel: channel, WebhookURL: webhook, APIURL: apiURL, WorkspaceURL: workspace, Language: lang}
		err := cfg.Validate()
		if err == nil {
			if _, cerr := normalizeChannel(channel); channel != "" && cerr != nil {
				t.Fatalf("valid config with an invalid channel %q", channel)
			}
			return
		}
		public := channel + apiURL + workspace + lang
		for _, secret := range []string{token, webhook} {
			if len(secret) >= 8 && !strings.Contains(public, secret) && strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q shows a secret", err)
			}
		}
	})
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}
