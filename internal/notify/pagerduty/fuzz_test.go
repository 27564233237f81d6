package pagerduty

import (
	"encoding/json"
	"strings"
	"testing"
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
	f.CompanyName = text
	f.GeneratorID = text
	f.Types = []string{text, text, text, text, text, text, text, text, text, text, text, text}
	f.Remediation = finding.Remediation{Text: text, URL: text}
	f.Compliance.SecurityControlID = text
	f.Compliance.Status = text
	f.Workflow = text
	f.RecordState = text
	f.ActionName = text
	f.Severity.Label = text
	var resources []finding.Resource
	for range 15 {
		resources = append(resources, finding.Resource{Type: text, ID: text, Region: text})
	}
	f.Resources = resources
	return &f
}

var hostileSeeds = []string{
	"plain finding title",
	"<script>alert(1)</script> <img src=x onerror=alert(1)> &amp; \"quotes\" 'single'",
	"[phish](https://evil.example) *b* `c` @channel <!here>",
	"javascript:alert(1)",
	"\xff\xfe invalid \xc3\x28 UTF-8",
	"\u202eevil\u202c bidi \x00 nul \r\n crlf \u2028 line separator",
	"🔥" + strings.Repeat("長い説明文。", 200),
	strings.Repeat("A", 100<<10),
	strings.Repeat("\u2028<", 30000),
	strings.Repeat("😀", 40000),
}

// checkEvent asserts that an event is one the Events API accepts: valid
// JSON within 512 KB, the documented required fields and enums, a
// dedup_key within 255 characters and a one-line summary within 1024.
func checkEvent(t *testing.T, ev Event) {
	t.Helper()
	body, err := Marshal(ev)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if !json.Valid(body) || !utf8.Valid(body) {
		t.Fatal("the body is not valid UTF-8 JSON")
	}
	if len(body) > MaxEventBytes {
		t.Fatalf("the body is %d bytes, over %d", len(body), MaxEventBytes)
	}
	if ev.RoutingKey != testRoutingKey || (ev.EventAction != ActionTrigger && ev.EventAction != ActionResolve) {
		t.Errorf("routing_key or event_action wrong: %q", ev.EventAction)
	}
	if ev.DedupKey == "" || len(ev.DedupKey) > MaxDedupKey || !utf8.ValidString(ev.DedupKey) {
		t.Errorf("dedup_key %q is empty, too long or invalid", ev.DedupKey)
	}
	if ev.EventAction == ActionResolve {
		if ev.Payload != nil {
			t.Error("a resolve carries a payload")
		}
		return
	}
	p := ev.Payload
	if p == nil {
		t.Fatal("a trigger without payload")
	}
	if strings.TrimSpace(p.Summary) == "" || strings.ContainsAny(p.Summary, "\r\n") || utf16Len(p.Summary) > MaxSummary {
		t.Errorf("summary %q must be one non-empty line of at most %d characters", p.Summary, MaxSummary)
	}
	if strings.TrimSpace(p.Source) == "" || utf16Len(p.Source) > MaxSource {
		t.Errorf("source %q is empty or too long", p.Source)
	}
	if severityRank(p.Severity) >= len(severities) {
		t.Errorf("severity %q is not PagerDuty's", p.Severity)
	}
	for _, l := range ev.Links {
		if !strings.HasPrefix(l.Href, "https://") && !strings.HasPrefix(l.Href, "http://") {
			t.Errorf("link %q is not an http(s) URL", l.Href)
		}
	}
	if ev.ClientURL != "" && !strings.HasPrefix(ev.ClientURL, "http") {
		t.Errorf("client_url %q is not an http(s) URL", ev.ClientURL)
	}
}

// FuzzBuildEvent builds events from hostile finding text (HTML and
// Markdown injection, 100 KB descriptions, invalid UTF-8, line
// separators) in every message shape and both languages, and checks that
// the event stays one PagerDuty accepts (checkEvent).
//
//	go test -fuzz=FuzzBuildEvent -fuzztime=60s ./internal/notify/pagerduty
func FuzzBuildEvent(f *testing.F) {
	for i, s := range hostileSeeds {
		f.Add(s, uint8(i))
	}
	base := fixture(f, fxRDS1).Finding
	other := fixture(f, fxGuardDuty).Finding
	builders := map[render.Language]*Builder{}
	for _, lang := range []render.Language{render.Japanese, render.English} {
		b, err := NewBuilder(testConfig(""), renderOptions(lang))
		if err != nil {
			f.Fatal(err)
		}
		builders[lang] = b
	}
	f.Fuzz(func(t *testing.T, text string, shape uint8) {
		lang := []render.Language{render.Japanese, render.English}[shape&1]
		kind := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened, notify.KindTest}[int(shape>>1)%5]
		m := &notify.Message{Kind: kind, Route: text, Destination: text, Key: text}
		if shape&16 != 0 && kind != notify.KindTest {
			m.Digest = &notify.Digest{GroupKey: text, Findings: []*finding.Finding{hostileFinding(base, text), hostileFinding(other, text), other}, Total: 9}
		} else {
			m.Finding = hostileFinding(base, text)
		}
		if shape&32 != 0 {
			m.Previous = &notify.Receipt{ID: text}
		}
		ev, err := builders[lang].Build(m)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		checkEvent(t, ev)
	})
}

func TestHostileSeedsBuildValidEvents(t *testing.T) {
	base := fixture(t, fxRDS1).Finding
	for _, text := range hostileSeeds {
		for _, kind := range []notify.Kind{notify.KindNew, notify.KindResolved} {
			for _, digest := range []bool{false, true} {
				m := &notify.Message{Kind: kind, Route: "r", Destination: "d", Key: "k"}
				if digest {
					m.Digest = &notify.Digest{GroupKey: text, Findings: []*finding.Finding{hostileFinding(base, text)}, Total: 1}
				} else {
					m.Finding = hostileFinding(base, text)
				}
				ev, err := BuildEvent(m, testConfig(""), renderOptions(render.Japanese))
				if err != nil {
					t.Fatal(err)
				}
				checkEvent(t, ev)
			}
		}
	}
}

// TestHugeFindingStaysSmall: every field at 100 KB still makes an event
// far below the 512 KB limit, with the summary cut visibly.
func TestHugeFindingStaysSmall(t *testing.T) {
	huge := strings.Repeat("\u2028<&", 35<<10) // characters JSON writes as 6-byte escapes
	m := &notify.Message{Kind: notify.KindNew, Route: huge, Destination: "d", Key: "k", Finding: hostileFinding(fixture(t, fxRDS1).Finding, huge)}
	ev, err := BuildEvent(m, testConfig(""), renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	body, err := Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxEventBytes/2 {
		t.Errorf("event is %d bytes; want it well under %d", len(body), MaxEventBytes)
	}
	if !strings.HasSuffix(ev.Payload.Summary, "(truncated)") {
		t.Errorf("summary %q… does not show it was cut", ev.Payload.Summary[:40])
	}
	if !strings.HasPrefix(ev.DedupKey, "sha256:") {
		t.Errorf("dedup_key of a huge id is %q…; want the hash", ev.DedupKey[:20])
	}
}

// FuzzDedupKey: any key becomes a valid dedup_key, deterministically.
func FuzzDedupKey(f *testing.F) {
	for _, k := range []string{"arn:aws:securityhub:eu-west-1:1:finding/x", "", strings.Repeat("k", 256), "\xff", "a\nb"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		got := DedupKey(key)
		if key == "" {
			if got != "" {
				t.Fatalf("DedupKey(\"\") = %q", got)
			}
			return
		}
		if got == "" || len(got) > MaxDedupKey || !utf8.ValidString(got) || hasControl(got) || got != DedupKey(key) {
			t.Fatalf("DedupKey(%q) = %q", key, got)
		}
		if DedupKey(got) != got {
			t.Fatalf("DedupKey is not stable on its own output %q", got)
		}
	})
}

// FuzzExplainError reads arbitrary error answers.
func FuzzExplainError(f *testing.F) {
	f.Add(`{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}`)
	f.Add(`{"status":"unrecognized object","message":"Event object format is unrecognized","errors":["JSON parse error"]}`)
	f.Add(`429 - Request Limit Exceeded`)
	f.Add(`{"errors":[""," x "]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		text, ok := explainError([]byte(body))
		if !ok && text != "" {
			t.Fatalf("explainError(%q) = %q without ok", body, text)
		}
		if ok && strings.ContainsAny(text, "\n") && !strings.Contains(body, "\n") && !strings.Contains(body, `\n`) {
			t.Fatalf("explanation %q has a line break the body did not", text)
		}
	})
}

// FuzzConfig decodes arbitrary settings strictly and validates them: never
// a panic, never the routing key in an error.
func FuzzConfig(f *testing.F) {
	f.Add(`{"routing_key":"` + testRoutingKey + `"}`)
	f.Add(`{"routing_key":"abcdef0123456789hubrelaytest000","url":"http://x"}`)
	f.Add(`{"routing_key":"` + testRoutingKey + `","severities":{"HIGH":"high","high":"error"},"group":"a\nb"}`)
	f.Add(`{"routing_key":"` + testRoutingKey + `","summary_template":"{{ .Nope"}`)
	f.Fuzz(func(t *testing.T, settings string) {
		var c Config
		if err := notifytest.Settings(settings).Decode(&c); err != nil {
			return
		}
		err := c.Validate()
		if err != nil && len(c.RoutingKey) >= 8 && strings.Contains(err.Error(), c.RoutingKey) {
			t.Fatalf("the routing key is in the error: %v", err)
		}
		if err == nil {
			if _, err := NewBuilder(&c, render.Options{}); err != nil {
				t.Fatalf("valid config, builder fails: %v", err)
			}
			if u := c.endpoint(); !strings.HasSuffix(u, enqueuePath) {
				t.Fatalf("endpoint %q", u)
			}
		}
	})
}
