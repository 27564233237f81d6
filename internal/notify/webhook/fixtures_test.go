package webhook

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
)

// Fixture files in testdata (see testdata/SOURCES.md).
const (
	fixtureGuardDuty    = "asff-08-guardduty-ssh-bruteforce.json"
	fixtureCIS113       = "asff-13-securityhub-cis120-1.13-critical-notified.getfindings.json"
	fixtureCustomAction = "asff-14-eb-customaction-securityhub-cis120-4.3-failed.json"
	fixtureEC27Event    = "asff-18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	fixtureInspectorCVE = "asff-21-inspector-v2-cve-ec2.getfindings.json"
	fixtureOCSFEvent    = "ocsf-01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
	fixtureOCSFConfig1  = "ocsf-03-cruxstack-securityhub-cspm-compliance-config1-cis.json"
)

// allFixtures lists every fixture, for fuzz seeds and table tests.
var allFixtures = []string{
	fixtureGuardDuty, fixtureCIS113, fixtureCustomAction, fixtureEC27Event,
	fixtureInspectorCVE, fixtureOCSFEvent, fixtureOCSFConfig1,
}

// load decodes the only finding of a fixture; every call decodes afresh,
// so callers may modify the result.
func load(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 {
		t.Fatalf("fixture %s: %v", name, errs[0])
	}
	if len(items) != 1 {
		t.Fatalf("fixture %s: %d findings, want 1", name, len(items))
	}
	return items[0]
}

// sample is a named message for golden tests.
type sample struct {
	name string
	m    *notify.Message
}

// samples returns one message of each shape: new findings of several
// producers (from an event, bare and from GetFindings), a custom action,
// a reminder, a resolved and a reopened finding already delivered, a test
// message, and a digest truncated to 4 of 9 findings.
func samples(t testing.TB) []sample {
	t.Helper()
	item := func(name string) finding.Item { return load(t, name) }
	msg := func(kind notify.Kind, route, key string, it finding.Item, prev *notify.Receipt) *notify.Message {
		return &notify.Message{Kind: kind, Route: route, Destination: "webhook-backlog", Key: key, Finding: it.Finding, Event: it.Event, Previous: prev}
	}
	thread := &notify.Receipt{ID: "5f6e7d8c-0000-4000-8000-000000000001", Thread: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
	ec27 := item(fixtureEC27Event)
	bare := item(fixtureGuardDuty)
	bare.Event = nil // as if read by GetFindings: the envelope is synthesized
	return []sample{
		{"new-control-event", msg(notify.KindNew, "system-a-alerts", "delivery-0001", ec27, nil)},
		{"new-guardduty-bare", msg(notify.KindNew, "account-a-guardduty", "delivery-0002", bare, nil)},
		{"new-critical-getfindings", msg(notify.KindNew, "critical", "delivery-0003", item(fixtureCIS113), nil)},
		{"new-custom-action", msg(notify.KindNew, "custom-actions", "delivery-0004", item(fixtureCustomAction), nil)},
		{"new-ocsf-control", msg(notify.KindNew, "system-a-alerts", "delivery-0005", item(fixtureOCSFConfig1), nil)},
		{"reminder-inspector", msg(notify.KindReminder, "vulnerabilities", "delivery-0006", item(fixtureInspectorCVE), thread)},
		{"resolved-ocsf-guardduty", msg(notify.KindResolved, "account-a-guardduty", "delivery-0007", item(fixtureOCSFEvent), thread)},
		{"reopened-control", msg(notify.KindReopened, "system-a-alerts", "delivery-0008", item(fixtureEC27Event), thread)},
		{"test", msg(notify.KindTest, "", "test-0001", item(fixtureGuardDuty), nil)},
		{"digest", &notify.Message{
			Kind: notify.KindNew, Route: "account-a-digest", Destination: "webhook-backlog", Key: "digest-0001",
			Digest: &notify.Digest{
				GroupKey: "AwsAccountId=123456789012",
				Findings: []*finding.Finding{
					item(fixtureEC27Event).Finding, item(fixtureGuardDuty).Finding, item(fixtureCIS113).Finding, item(fixtureCustomAction).Finding,
				},
				Total: 9,
			},
		}},
	}
}
