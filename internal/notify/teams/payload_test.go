package teams_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// goldenCase is one message whose payload is pinned in testdata/golden.
type goldenCase struct {
	name    string
	format  teams.Format
	message func(t testing.TB) *notify.Message
}

func goldenCases() []goldenCase {
	single := func(fixture string, k notify.Kind, prev bool) func(t testing.TB) *notify.Message {
		return func(t testing.TB) *notify.Message {
			m := message(t, fixture, k)
			if prev {
				m.Previous = earlier()
			}
			return m
		}
	}
	return []goldenCase{
		{"new-control", teams.FormatAdaptive, single(fixtureEC27Event, notify.KindNew, false)},
		{"new-guardduty", teams.FormatAdaptive, single(fixtureGuardDuty, notify.KindNew, false)},
		{"new-custom-action-critical", teams.FormatAdaptive, single(fixtureRDS1Critical, notify.KindNew, false)},
		{"new-inspector-cve", teams.FormatAdaptive, single(fixtureInspectorCVE, notify.KindNew, false)},
		{"new-ocsf-control", teams.FormatAdaptive, single(fixtureOCSFConfig1, notify.KindNew, false)},
		{"update-access-analyzer", teams.FormatAdaptive, single(fixtureAccessAnal, notify.KindNew, true)},
		{"reminder-guardduty", teams.FormatAdaptive, single(fixtureGuardDuty, notify.KindReminder, true)},
		{"reopened-control", teams.FormatAdaptive, single(fixtureEC27Event, notify.KindReopened, true)},
		{"resolved-cis", teams.FormatAdaptive, single(fixtureCIS16Passed, notify.KindResolved, true)},
		{"resolved-ocsf", teams.FormatAdaptive, single(fixtureOCSFEvent, notify.KindResolved, false)},
		{"test-message", teams.FormatAdaptive, single(fixtureEC27Event, notify.KindTest, false)},
		{"digest", teams.FormatAdaptive, digestMessage},
		{"connector-new-control", teams.FormatConnector, single(fixtureEC27Event, notify.KindNew, false)},
		{"connector-resolved-cis", teams.FormatConnector, single(fixtureCIS16Passed, notify.KindResolved, true)},
		{"connector-digest", teams.FormatConnector, digestMessage},
	}
}

// TestPayloadGolden pins the payload of every case in both languages.
func TestPayloadGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, lang := range []render.Language{render.English, render.Japanese} {
			t.Run(c.name+"."+string(lang), func(t *testing.T) {
				body, err := teams.BuildPayload(c.message(t), c.format, render.Options{Language: lang})
				if err != nil {
					t.Fatal(err)
				}
				checkBody(t, body, c.format)
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, body, "", "  "); err != nil {
					t.Fatal(err)
				}
				pretty.WriteByte('\n')
				notifytest.Golden(t, "testdata/golden/"+c.name+"."+string(lang)+".json", pretty.Bytes())
			})
		}
	}
}

// TestHeadings: Teams webhooks cannot reply in a thread, so what happened
// is said by each card's heading and colour.
func TestHeadings(t *testing.T) {
	cases := []struct {
		kind    notify.Kind
		prev    bool
		heading string
		style   string
	}{
		{notify.KindNew, false, "🔴 New Security Hub finding", "attention"},
		{notify.KindNew, true, "🔄 Update: Security Hub finding", "attention"},
		{notify.KindReminder, true, "⏰ Reminder: open Security Hub finding", "attention"},
		{notify.KindReopened, true, "🔁 Reopened Security Hub finding", "attention"},
		{notify.KindResolved, true, "✅ Resolved Security Hub finding", "good"},
		{notify.KindResolved, false, "✅ Resolved Security Hub finding", "good"},
		{notify.KindTest, false, "🧪 Test message from hubrelay", "accent"},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			m := message(t, fixtureRDS1Critical, c.kind)
			if c.prev {
				m.Previous = earlier()
			}
			body, err := teams.BuildPayload(m, teams.FormatAdaptive, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var msg struct {
				Attachments []struct {
					Content struct {
						Body []struct {
							Style string `json:"style"`
							Items []struct {
								Text string `json:"text"`
							} `json:"items"`
						} `json:"body"`
					} `json:"content"`
				} `json:"attachments"`
			}
			if err := json.Unmarshal(body, &msg); err != nil {
				t.Fatal(err)
			}
			head := msg.Attachments[0].Content.Body[0]
			if head.Items[0].Text != c.heading || head.Style != c.style {
				t.Errorf("heading %q in style %q, want %q in %q", head.Items[0].Text, head.Style, c.heading, c.style)
			}
		})
	}
}

// TestBuildPayloadIsPure: the same message gives the same bytes, and the
// message is not modified.
func TestBuildPayloadIsPure(t *testing.T) {
	m := digestMessage(t)
	before, _ := json.Marshal(m)
	a, err := teams.BuildPayload(m, teams.FormatAdaptive, render.Options{Language: render.Japanese})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := teams.BuildPayload(m, teams.FormatAdaptive, render.Options{Language: render.Japanese})
	after, _ := json.Marshal(m)
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same message differ")
	}
	if !bytes.Equal(before, after) {
		t.Error("BuildPayload modified the message")
	}
}
