package render

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// goldenFixtures returns the real findings (testdata/SOURCES.md) the views
// and templates are checked against.
func goldenFixtures() []string {
	return []string{
		"asff/07-health-ses-mailfrom.json",
		"asff/08-guardduty-ssh-bruteforce.json",
		"asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json",
		"asff/16-eb-customaction-securityhub-cis120-2.3-warning.json",
		"asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json",
		"asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json",
		"asff/21-inspector-v2-cve-ec2.getfindings.json",
		"asff/25-trivy-aquasecurity-cve-container.json",
		"ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
		"ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json",
		"ocsf/04-cruxstack-guardduty-detection-close.json",
	}
}

// loadFinding decodes the one finding in testdata/name.
func loadFinding(t testing.TB, name string) *finding.Finding {
	t.Helper()
	items, errs := finding.Decode(name, readTestdata(t, name))
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("decode %s: %d findings, errors %v", name, len(items), errs)
	}
	return items[0].Finding
}

// fixtureStem is the file name without directory and extensions, for golden
// file names: "asff-13-securityhub-cis120-1.13-critical-notified".
func fixtureStem(name string) string {
	dir, file := filepath.Split(name)
	file = strings.TrimSuffix(file, ".json")
	file = strings.TrimSuffix(file, ".getfindings")
	return strings.TrimSuffix(dir, "/") + "-" + file
}

// goldenOptions are the options of the golden files in each language: the
// Japanese ones as seed 000's users run (aggregation in Tokyo, dates in JST),
// the English ones with defaults (each finding's region, UTC).
func goldenOptions(lang Language) Options {
	if lang == Japanese {
		return Options{Language: Japanese, Region: "ap-northeast-1"}
	}
	return Options{Language: English}
}
