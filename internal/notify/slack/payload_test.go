package slack

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// botConfig is the configuration of the golden bot-token messages.
func botConfig() *Config {
	return &Config{Token: "xoxb-1-golden", Channel: "#sec-alerts", ReplyBroadcast: true}
}

// thread is the receipt of an earlier message whose thread replies go to.
var thread = &notify.Receipt{
	ID:      "1767323045.000100",
	URL:     "https://example.slack.com/archives/C0123456789/p1767323045000100",
	Channel: "C0123456789",
	Thread:  "1767323045.000100",
}

// goldenCase is one message rendered to testdata/golden/<name>.<lang>.json.
type goldenCase struct {
	name    string
	cfg     *Config
	message func(t testing.TB) *notify.Message
}

func single(kind notify.Kind, fixture, route string, prev *notify.Receipt) func(t testing.TB) *notify.Message {
	return func(t testing.TB) *notify.Message {
		it := load(t, fixture)
		return &notify.Message{Kind: kind, Route: route, Destination: "slack-sec", Key: "k-" + fixture,
			Finding: it.Finding, Event: it.Event, Previous: prev}
	}
}

func digestOf(total int, prev *notify.Receipt, fixtures ...string) func(t testing.TB) *notify.Message {
	return func(t testing.TB) *notify.Message {
		var fs []*finding.Finding
		for _, name := range fixtures {
			fs = append(fs, load(t, name).Finding)
		}
		return &notify.Message{Kind: notify.KindNew, Route: "account-a-guardduty", Destination: "slack-sec",
			Key: "digest-1", Previous: prev,
			Digest: &notify.Digest{GroupKey: "AwsAccountId=111111111111,ProductName=Security Hub", Findings: fs, Total: total}}
	}
}

func goldenCases() []goldenCase {
	webhook := &Config{WebhookURL: "https://hooks.slack.com/services/T000/B000/golden"}
	return []goldenCase{
		{"new-control", botConfig(), single(notify.KindNew, fixtureEC27Event, "system-a-alerts", nil)},
		{"new-guardduty", botConfig(), single(notify.KindNew, fixtureGuardDuty, "account-a-guardduty", nil)},
		{"new-custom-action-critical", botConfig(), single(notify.KindNew, fixtureRDS1Critical, "custom-actions", nil)},
		{"new-inspector-cve", botConfig(), single(notify.KindNew, fixtureInspectorCVE, "vulnerabilities", nil)},
		{"new-ocsf-control", botConfig(), single(notify.KindNew, fixtureOCSFConfig1, "cspm", nil)},
		{"reminder-thread-reply", botConfig(), single(notify.KindReminder, fixtureGuardDuty, "account-a-guardduty", thread)},
		{"resolved-thread-reply", botConfig(), single(notify.KindResolved, fixtureOCSFEvent, "guardduty", thread)},
		{"reopened-thread-reply", botConfig(), single(notify.KindReopened, fixtureEC27Event, "system-a-alerts", thread)},
		{"test-message", botConfig(), single(notify.KindTest, fixtureCIS23Warning, "", nil)},
		{"webhook-new", webhook, single(notify.KindNew, fixtureAccessAnal, "access-analyzer", thread)},
		{"digest", botConfig(), digestOf(9, nil, fixtureEC27Event, fixtureGuardDuty, fixtureRDS1Critical, fixtureCIS23Warning, fixtureOCSFEvent)},
		{"digest-webhook", webhook, digestOf(3, nil, fixtureGuardDuty, fixtureAccessAnal, fixtureInspectorCVE)},
	}
}

// goldenOptions are the render options of the golden files: the
// aggregation region us-east-1 and each language's default time zone.
func goldenOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Region: "us-east-1"}
}

func TestBuildPayloadGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, lang := range []render.Language{render.English, render.Japanese} {
			t.Run(c.name+"/"+string(lang), func(t *testing.T) {
				m := c.message(t)
				if err := m.Validate(); err != nil {
					t.Fatal(err)
				}
				p := BuildPayload(m, c.cfg, goldenOptions(lang))
				checkPayload(t, p)
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", c.name+"."+string(lang)+".json"), p)
			})
		}
	}
}

// TestBuildPayloadSamples renders every shape notifytest.Samples offers,
// so a message shape added there is rendered here too.
func TestBuildPayloadSamples(t *testing.T) {
	for _, s := range notifytest.Samples(t) {
		for _, cfg := range []*Config{botConfig(), {WebhookURL: "https://hooks.slack.com/services/T/B/x"}} {
			t.Run(s.Name, func(t *testing.T) {
				checkPayload(t, BuildPayload(s.Message, cfg, goldenOptions(render.Japanese)))
			})
		}
	}
}

func TestBuildPayloadTarget(t *testing.T) {
	m := func(prev *notify.Receipt) *notify.Message {
		msg := single(notify.KindResolved, fixtureGuardDuty, "r", prev)(t)
		return msg
	}
	tests := []struct {
		name          string
		cfg           *Config
		prev          *notify.Receipt
		wantChannel   string
		wantThread    string
		wantBroadcast bool
	}{
		{"name with hash", &Config{Token: "xoxb-1", Channel: "#sec-alerts"}, nil, "sec-alerts", "", false},
		{"name without hash", &Config{Token: "xoxb-1", Channel: "sec-alerts"}, nil, "sec-alerts", "", false},
		{"japanese name", &Config{Token: "xoxb-1", Channel: "#セキュリティ通知"}, nil, "セキュリティ通知", "", false},
		{"channel ID", &Config{Token: "xoxb-1", Channel: "C0123ABCDEF"}, nil, "C0123ABCDEF", "", false},
		{"thread of previous", &Config{Token: "xoxb-1", Channel: "#sec"}, thread, "C0123456789", "1767323045.000100", false},
		{"thread root over reply ts", &Config{Token: "xoxb-1", Channel: "#sec"},
			&notify.Receipt{ID: "1767323999.000200", Channel: "C0123456789", Thread: "1767323045.000100"}, "C0123456789", "1767323045.000100", false},
		{"previous without channel", &Config{Token: "xoxb-1", Channel: "#sec"}, &notify.Receipt{ID: "1767323045.000100"}, "sec", "1767323045.000100", false},
		{"previous without ts", &Config{Token: "xoxb-1", Channel: "#sec"}, &notify.Receipt{URL: "https://x"}, "sec", "", false},
		{"broadcast resolved", &Config{Token: "xoxb-1", Channel: "#sec", ReplyBroadcast: true}, thread, "C0123456789", "1767323045.000100", true},
		{"webhook ignores previous", &Config{WebhookURL: "https://hooks.slack.com/services/T/B/x", ReplyBroadcast: true}, thread, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := BuildPayload(m(tt.prev), tt.cfg, render.Options{})
			if p.Channel != tt.wantChannel || p.ThreadTS != tt.wantThread || p.ReplyBroadcast != tt.wantBroadcast {
				t.Errorf("channel %q thread %q broadcast %v; want %q %q %v",
					p.Channel, p.ThreadTS, p.ReplyBroadcast, tt.wantChannel, tt.wantThread, tt.wantBroadcast)
			}
		})
	}
}

// TestBuildPayloadReminderNotBroadcast: only resolved and reopened replies
// are also sent to the channel.
func TestBuildPayloadReminderNotBroadcast(t *testing.T) {
	cfg := &Config{Token: "xoxb-1", Channel: "#sec", ReplyBroadcast: true}
	for kind, want := range map[notify.Kind]bool{
		notify.KindReminder: false, notify.KindNew: false, notify.KindResolved: true, notify.KindReopened: true,
	} {
		p := BuildPayload(single(kind, fixtureGuardDuty, "r", thread)(t), cfg, render.Options{})
		if p.ReplyBroadcast != want {
			t.Errorf("%s: reply_broadcast %v, want %v", kind, p.ReplyBroadcast, want)
		}
	}
}

// TestBuildPayloadLanguageOverride: the destination's language setting
// wins over the program's.
func TestBuildPayloadLanguageOverride(t *testing.T) {
	cfg := botConfig()
	cfg.Language = "ja"
	p := BuildPayload(single(notify.KindNew, fixtureGuardDuty, "r", nil)(t), cfg, render.Options{Language: render.English})
	js, _ := p.Marshal()
	if !json.Valid(js) || !containsAll(string(js), "重要度", "Security Hubで開く") {
		t.Errorf("payload is not in Japanese: %s", js)
	}
}

// TestBuildPayloadPure: the same input gives the same bytes, and the
// message is not modified.
func TestBuildPayloadPure(t *testing.T) {
	m := single(notify.KindNew, fixtureGuardDuty, "r", thread)(t)
	before, _ := json.Marshal(m)
	opts := render.Options{Language: render.Japanese, Location: time.UTC}
	a, _ := BuildPayload(m, botConfig(), opts).Marshal()
	b, _ := BuildPayload(m, botConfig(), opts).Marshal()
	after, _ := json.Marshal(m)
	if string(a) != string(b) {
		t.Error("two builds of the same message differ")
	}
	if string(before) != string(after) {
		t.Error("BuildPayload modified the message")
	}
}
