package jira

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostileFinding puts text in every field of a published finding that a
// finding's producer controls.
func hostileFinding(base *finding.Finding, text string) *finding.Finding {
	f := *base
	f.ID = "id-" + text
	f.Title = text
	f.Description = text
	f.AccountID = text
	f.Region = text
	f.ProductName = text
	f.Types = []string{text}
	f.ActionName = text
	f.Remediation = finding.Remediation{Text: text, URL: text}
	f.Compliance.SecurityControlID = text
	f.Resources = []finding.Resource{{Type: text, ID: text, Region: text}, {Type: "AwsS3Bucket", ID: text}}
	return &f
}

// hostileSeeds are finding texts that try every kind of injection: Jira
// wiki markup, Markdown, Slack mrkdwn, HTML, links and mentions, huge text
// and invalid UTF-8.
var hostileSeeds = []string{
	"plain finding title",
	"[evil|https://phish.example] [~admin] [~accountid:5b10a2844c20165700ede21g] !https://t.example/p.gif! {color:red}x{color}",
	"h1. heading\nbq. quote\n* list\n# numbered\n---- \n||table||h||\n|cell|",
	"{code}x{code} {noformat}y{noformat} {{mono}} {panel}p{panel} {quote}q{quote} {html}<b>x</b>{html}",
	"*bold* _em_ -del- +ins+ ^sup^ ~sub~ ??cite?? :) (y) (!) (/) \\\\ line\\\\break \\*not\\*",
	"[phish](https://evil.example) ![img](https://t.example/p.gif) `code` **b** # h",
	"<script>alert(1)</script><img src=x onerror=alert(1)> &lt;b&gt; <a href=\"javascript:alert(1)\">x</a>",
	"@channel <!here> <@U123|user> <https://evil.example|click>",
	"javascript:alert(1) https://example.com/a]b|c}d!e https://ok.example/path?q=1#f.",
	"\xff\xfe invalid \xc3\x28 UTF-8",
	"\u202eevil\u202c bidi \x00 nul \r\n crlf \u2028 ls",
	"trailing backslash \\",
	"🔥" + strings.Repeat("長い説明文。", 200),
	strings.Repeat("A", 100<<10),
	strings.Repeat("<\"[{noformat}", 8000),
}

// FuzzBuildRequest renders hostile finding text into every kind of request,
// for both API versions and both languages, and checks that the payload
// stays valid: JSON that marshals, valid ADF (v3) within Jira's 32,767
// characters, a one-line summary of at most 255, labels without spaces, no
// markup the built-in texts do not write themselves (v2), and no link whose
// visible text hides its target; with description templates and with a
// message override that prints raw finding text.
//
//	go test -fuzz=FuzzBuildRequest -fuzztime=60s ./internal/notify/jira
func FuzzBuildRequest(f *testing.F) {
	for i, s := range hostileSeeds {
		f.Add(s, uint8(i*37))
	}
	base := fixture(f, fxEC28).Finding
	other := fixture(f, fxGuardDuty).Finding
	f.Fuzz(func(t *testing.T, text string, shape uint8) {
		version := []int{3, 2}[shape&1]
		lang := []render.Language{render.Japanese, render.English}[(shape>>1)&1]
		kind := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened}[(shape>>2)&3]
		hostile := hostileFinding(base, text)
		m := &notify.Message{Kind: kind, Route: text, Destination: "d", Key: text}
		if shape&16 != 0 {
			m.Digest = &notify.Digest{Findings: []*finding.Finding{hostile, hostileFinding(other, text), other}, Total: 9}
		} else {
			m.Finding = hostile
		}
		if shape&32 != 0 {
			m.Previous = &notify.Receipt{ID: "SEC-12"}
		}
		cfg := testConfig("https://example.atlassian.net")
		cfg.APIVersion = version
		cfg.Labels = append(cfg.Labels, text)
		if sanitizeLabel(text) == "" {
			cfg.Labels = cfg.Labels[:len(cfg.Labels)-1]
		}
		if shape&64 != 0 {
			cfg.SummaryTemplate = "{{ .Title }} / {{ .Description }}"
			cfg.DescriptionTemplate = "{{ .Title }}\n\n{{ .Description }}\nSee {{ .ConsoleURL }} and {{ .RemediationURL }}."
		}
		if shape&128 != 0 {
			// A message override printing raw finding text, for single
			// findings and digests alike.
			cfg.DescriptionTemplate = ""
			cfg.Message.Template = fuzzOverrideTemplate
		}
		req, err := BuildRequest(m, cfg, renderOptions(lang))
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		checkRequestPayload(t, req)
	})
}

// fuzzOverrideTemplate prints the finding's raw, uncleaned text, and a
// digest's top findings, with no escaping at all.
const fuzzOverrideTemplate = "{{ with .Digest }}{{ .Title }}\n{{ range .Top }}{{ .Title }} {{ .ConsoleURL }}\n{{ end }}" +
	"{{ else }}{{ .Finding.Title }}\n\n{{ .Finding.Description }}\n{{ .Finding.Remediation.URL }}{{ end }}\nroute: {{ .Route }}"

// FuzzEscapeWiki checks that escaped text holds no wiki markup and that
// Jira's reading of it (unescapeWiki) gives the text back.
//
//	go test -fuzz=FuzzEscapeWiki -fuzztime=60s ./internal/notify/jira
func FuzzEscapeWiki(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := EscapeWiki(s)
		if !utf8.ValidString(out) {
			t.Fatalf("EscapeWiki(%q) is not valid UTF-8", s)
		}
		if foreign := foreignWikiMarkup(out); len(foreign) > 0 {
			t.Fatalf("EscapeWiki(%q) = %q holds markup: %q", s, out, foreign)
		}
		if back := unescapeWiki(out); back != strings.ToValidUTF8(s, "\ufffd") {
			t.Fatalf("EscapeWiki(%q) = %q reads back as %q", s, out, back)
		}
	})
}

// unescapeWiki reads escaped text as Jira shows it: a backslash before a
// markup character is dropped, and so are the zero-width spaces EscapeWiki
// adds (after a literal backslash, before block markup at a line start).
func unescapeWiki(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == '\\' && i+1 < len(runes) && string(runes[i+1]) == zeroWidthSpace:
			b.WriteRune('\\')
			i++
		case r == '\\' && i+1 < len(runes) && strings.ContainsRune(wikiAlwaysEscaped+wikiPhraseMarks, runes[i+1]):
			b.WriteRune(runes[i+1])
			i++
		case string(r) == zeroWidthSpace && (i == 0 || runes[i-1] == '\n') && startsBlockMarkup(runes[i+1:]):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzSettings decodes arbitrary settings as the config file's would be,
// and checks that a config which validates builds a Notifier and valid
// requests, and that one which does not says which setting is wrong without
// quoting a token.
//
//	go test -fuzz=FuzzSettings -fuzztime=60s ./internal/notify/jira
func FuzzSettings(f *testing.F) {
	for _, s := range []string{
		`{"url":"https://example.atlassian.net","email":"a@example.com","api_token":"tok-123456789012","project_key":"SEC","issue_type":"Bug"}`,
		`{"url":"https://jira.example.com/jira","personal_access_token":"pat","project_key":"SEC","issue_type":10004,"api_version":2,"priority":"Major"}`,
		`{"url":"https://example.atlassian.net","email":"a@example.com","api_token":"t","project_key":"SEC","issue_type":"Bug","priority":{"CRITICAL":"Highest","low":"Low"},"labels":["a b","c"],"components":["x"],"custom_fields":{"customfield_10010":{"value":"x"}},"resolve_transition":"Close","reopen_transition":"Reopen","resolution":"Fixed","language":"ja"}`,
		`{"url":"http://jira.example.com","api_token":"t","project_key":"sec-1","issue_type":1.5,"priority":{"URGENT":"x"},"custom_fields":{"summary":1}}`,
		`{"url":"https://example.atlassian.net","summary_template":"{{ .Nope","description_template":"{{ end }}"}`,
		`{"issue_type": null, "priority": null}`,
		`{"issue_type": true}`,
	} {
		f.Add(s)
	}
	base := fixture(f, fxEC28).Finding
	f.Fuzz(func(t *testing.T, settings string) {
		env, _ := notifytest.NewEnv(t)
		n, err := notify.Typed(New)("jira-fuzz", notifytest.Settings(settings), env)
		if err != nil {
			if !strings.Contains(err.Error(), ":") {
				t.Errorf("error %q does not name the setting", err)
			}
			var cfg Config
			if notifytest.Settings(settings).Decode(&cfg) == nil {
				for _, secret := range []string{cfg.APIToken, cfg.PersonalAccessToken} {
					if len(secret) >= 8 && strings.Contains(err.Error(), secret) {
						t.Errorf("error %q quotes a token", err)
					}
				}
			}
			return
		}
		if n == nil {
			t.Fatal("no notifier and no error")
		}
		var cfg Config
		if err := notifytest.Settings(settings).Decode(&cfg); err != nil {
			t.Fatalf("decoded once, not twice: %v", err)
		}
		m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: base}
		req, err := BuildRequest(m, &cfg, renderOptions(render.English))
		if err != nil {
			// Only a template can fail on a valid config.
			if cfg.SummaryTemplate == "" && cfg.DescriptionTemplate == "" {
				t.Fatalf("build: %v", err)
			}
			return
		}
		checkRequestPayload(t, req)
	})
}

// FuzzAnswers feeds arbitrary failure answers through the transport that
// explains Jira's errors and reads X-RateLimit-Reset, and checks that it
// never fails, keeps the status, writes a Retry-After notify can read, and
// turns a Jira error collection into one line.
//
//	go test -fuzz=FuzzAnswers -fuzztime=60s ./internal/notify/jira
func FuzzAnswers(f *testing.F) {
	f.Add(400, `{"errorMessages":["x"],"errors":{"summary":"required"}}`, "")
	f.Add(429, `{"errorMessages":[],"errors":{}}`, "2026-01-02T03:06Z")
	f.Add(429, "", "2026-01-02T12:06:07.123+09:00")
	f.Add(503, "<html>\n</html>", "yesterday")
	f.Add(404, `{"errorMessages":["a\nb"],"errors":{"x":"line\r\nbreak"}}`, "")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body, reset string) {
		if status < 400 || status > 599 {
			status = 400 + (status%200+200)%200
		}
		header := http.Header{}
		if reset != "" {
			header.Set("X-RateLimit-Reset", reset)
		}
		tr := &answerTransport{now: func() time.Time { return now }, next: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: header.Clone(), Body: io.NopCloser(strings.NewReader(body))}, nil
		})}
		req, _ := http.NewRequest(http.MethodPost, "https://example.atlassian.net/rest/api/3/issue", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil || resp.StatusCode != status {
			t.Fatalf("RoundTrip = %v, %v", resp, err)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		if explained := explainJiraError([]byte(body)); explained != "" && string(got) != explained {
			t.Errorf("Jira error body read as %q, want %q", got, explained)
		}
		if explainJiraError([]byte(body)) == "" && string(got) != body {
			t.Errorf("other body changed: %q → %q", body, got)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if _, ok := notify.ParseRetryAfter(ra, now); !ok {
				t.Errorf("Retry-After %q is not one notify reads", ra)
			}
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestHostileSeedsRenderSafely(t *testing.T) {
	// The fuzz seeds, each in every shape, as a plain test.
	base := fixture(t, fxEC28).Finding
	other := fixture(t, fxGuardDuty).Finding
	for _, text := range hostileSeeds {
		step := 1
		if len(text) > 10_000 {
			step = 9 // every shape bit still varies
		}
		for shape := 0; shape < 128; shape += step {
			version := []int{3, 2}[shape&1]
			m := &notify.Message{Kind: []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened}[(shape>>2)&3],
				Route: "r", Destination: "d", Key: "k", Finding: hostileFinding(base, text)}
			if shape&16 != 0 {
				m.Finding = nil
				m.Digest = &notify.Digest{Findings: []*finding.Finding{hostileFinding(base, text), hostileFinding(other, text)}, Total: 4}
			}
			if shape&32 != 0 {
				m.Previous = &notify.Receipt{ID: "SEC-12"}
			}
			cfg := testConfig("https://example.atlassian.net")
			cfg.APIVersion = version
			if shape&64 != 0 {
				cfg.DescriptionTemplate = "{{ .Description }} {{ .ConsoleURL }}"
			}
			req, err := BuildRequest(m, cfg, renderOptions([]render.Language{render.Japanese, render.English}[(shape>>1)&1]))
			if err != nil {
				t.Fatal(err)
			}
			checkRequestPayload(t, req)
		}
	}
}
