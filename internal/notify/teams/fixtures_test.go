package teams_test

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
	fixtureAccessAnal   = "asff-10-access-analyzer-s3-cross-account.json"
	fixtureCIS16Passed  = "asff-15-eb-customaction-securityhub-cis120-1.6-passed-resolved.json"
	fixtureRDS1Critical = "asff-17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fixtureEC27Event    = "asff-18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	fixtureInspectorCVE = "asff-21-inspector-v2-cve-ec2.getfindings.json"
	fixtureOCSFEvent    = "ocsf-01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
	fixtureOCSFConfig1  = "ocsf-03-cruxstack-securityhub-cspm-compliance-config1-cis.json"
)

// allFixtures lists every fixture, for fuzz seeds and table tests.
var allFixtures = []string{
	fixtureGuardDuty, fixtureAccessAnal, fixtureCIS16Passed, fixtureRDS1Critical,
	fixtureEC27Event, fixtureInspectorCVE, fixtureOCSFEvent, fixtureOCSFConfig1,
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

// message is a single-finding message of kind k about the fixture's
// finding.
func message(t testing.TB, fixture string, k notify.Kind) *notify.Message {
	t.Helper()
	it := load(t, fixture)
	return &notify.Message{
		Kind: k, Route: "security-alerts", Destination: "teams-sec", Key: "delivery-" + string(k),
		Finding: it.Finding, Event: it.Event,
	}
}

// digestMessage is a digest of 5 fixtures out of a group of 7.
func digestMessage(t testing.TB) *notify.Message {
	t.Helper()
	var fs []*finding.Finding
	for _, name := range []string{fixtureEC27Event, fixtureGuardDuty, fixtureRDS1Critical, fixtureInspectorCVE, fixtureOCSFConfig1} {
		fs = append(fs, load(t, name).Finding)
	}
	return &notify.Message{
		Kind: notify.KindNew, Route: "account-a-digest", Destination: "teams-sec", Key: "digest-0001",
		Digest: &notify.Digest{GroupKey: "AwsAccountId=111111111111", Findings: fs, Total: 7},
	}
}

// earlier is the receipt of an earlier delivery that a person can open.
func earlier() *notify.Receipt {
	return &notify.Receipt{ID: "SEC-11", URL: "https://example.atlassian.net/browse/SEC-11"}
}
