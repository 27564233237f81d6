package notifytest

import (
	"embed"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
)

// fixtures are published Security Hub findings; see testdata/SOURCES.md.
//
//go:embed testdata/*.json
var fixtures embed.FS

// Fixture file names, for Item.
const (
	// FixtureControlEvent is an EventBridge "Security Hub Findings -
	// Imported" event of a failed FSBP control (EC2.7, INFORMATIONAL).
	FixtureControlEvent = "asff-18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	// FixtureGuardDuty is a bare ASFF GuardDuty finding (SSH brute force,
	// MEDIUM).
	FixtureGuardDuty = "asff-08-guardduty-ssh-bruteforce.json"
	// FixtureOCSFEvent is an EventBridge "Findings Imported V2" event of an
	// OCSF GuardDuty finding (Low, Suppressed).
	FixtureOCSFEvent = "ocsf-01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
)

// Item decodes the fixture name (one of the Fixture constants) with
// finding.Decode and returns its only finding, failing the test when it
// does not decode to exactly one. Every call decodes afresh, so callers may
// modify the result.
func Item(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := fixtures.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("notifytest: fixture %s: %v", name, err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 {
		t.Fatalf("notifytest: fixture %s: %v", name, errs[0])
	}
	if len(items) != 1 {
		t.Fatalf("notifytest: fixture %s: %d findings, want 1", name, len(items))
	}
	return items[0]
}

// Sample is a named message for golden payload tests.
type Sample struct {
	// Name is short and file-name safe: use it for the golden file.
	Name    string
	Message *notify.Message
}

// Message returns the plain case: a new ASFF control finding from an
// EventBridge event, for route "system-a-tickets" and destination
// "sample-destination".
func Message(t testing.TB) *notify.Message {
	t.Helper()
	it := Item(t, FixtureControlEvent)
	return &notify.Message{
		Kind:        notify.KindNew,
		Route:       "system-a-tickets",
		Destination: "sample-destination",
		Key:         "delivery-0001",
		Finding:     it.Finding,
		Event:       it.Event,
	}
}

// Samples returns one message of each shape a destination must render: a
// new ASFF control finding with its event, a reminder of a GuardDuty
// finding already delivered (Previous set, as a Slack thread), a resolved
// OCSF finding whose ticket exists, a reopened finding, a digest truncated
// to 3 of 5 findings, and a test message. Every call builds new values.
func Samples(t testing.TB) []Sample {
	t.Helper()
	control := Item(t, FixtureControlEvent)
	guardDuty := Item(t, FixtureGuardDuty)
	ocsf := Item(t, FixtureOCSFEvent)
	slackThread := &notify.Receipt{
		ID:      "1767323045.000100",
		URL:     "https://example.slack.com/archives/C0123456789/p1767323045000100",
		Channel: "C0123456789",
		Thread:  "1767323045.000100",
	}
	ticket := &notify.Receipt{ID: "SEC-12", URL: "https://example.atlassian.net/browse/SEC-12"}
	return []Sample{
		{Name: "asff-control-new", Message: Message(t)},
		{Name: "asff-guardduty-reminder", Message: &notify.Message{
			Kind: notify.KindReminder, Route: "account-a-guardduty", Destination: "sample-destination",
			Key: "delivery-0002", Finding: guardDuty.Finding, Event: guardDuty.Event, Previous: slackThread,
		}},
		{Name: "ocsf-guardduty-resolved", Message: &notify.Message{
			Kind: notify.KindResolved, Route: "guardduty-tickets", Destination: "sample-destination",
			Key: "delivery-0003", Finding: ocsf.Finding, Event: ocsf.Event, Previous: ticket,
		}},
		{Name: "asff-control-reopened", Message: &notify.Message{
			Kind: notify.KindReopened, Route: "system-a-tickets", Destination: "sample-destination",
			Key: "delivery-0004", Finding: Item(t, FixtureControlEvent).Finding, Event: control.Event,
			Previous: &notify.Receipt{ID: "SEC-11", URL: "https://example.atlassian.net/browse/SEC-11"},
		}},
		{Name: "digest", Message: &notify.Message{
			Kind: notify.KindNew, Route: "account-a-guardduty", Destination: "sample-destination",
			Key: "digest-0001",
			Digest: &notify.Digest{
				GroupKey: "AwsAccountId=111111111111,ProductName=Security Hub",
				Findings: []*finding.Finding{control.Finding, guardDuty.Finding, ocsf.Finding},
				Total:    5,
			},
		}},
		{Name: "test", Message: &notify.Message{
			Kind: notify.KindTest, Destination: "sample-destination", Key: "test-0001",
			Finding: Item(t, FixtureControlEvent).Finding,
		}},
	}
}
