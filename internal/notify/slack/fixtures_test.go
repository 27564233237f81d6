package slack

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Fixture files in testdata (see testdata/SOURCES.md).
const (
	fixtureGuardDuty    = "asff-08-guardduty-ssh-bruteforce.json"
	fixtureAccessAnal   = "asff-10-access-analyzer-s3-cross-account.json"
	fixtureCIS23Warning = "asff-16-eb-customaction-securityhub-cis120-2.3-warning.json"
	fixtureRDS1Critical = "asff-17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fixtureEC27Event    = "asff-18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	fixtureInspectorCVE = "asff-21-inspector-v2-cve-ec2.getfindings.json"
	fixtureOCSFEvent    = "ocsf-01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
	fixtureOCSFConfig1  = "ocsf-03-cruxstack-securityhub-cspm-compliance-config1-cis.json"
)

// allFixtures lists every fixture, for fuzz seeds and table tests.
var allFixtures = []string{
	fixtureGuardDuty, fixtureAccessAnal, fixtureCIS23Warning, fixtureRDS1Critical,
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
