package pagerduty

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The published findings in testdata (see testdata/SOURCES.md).
const (
	fxRDS1      = "asff/17-eb-customaction-securityhub-fsbp-rds1-critical.json"
	fxEC28      = "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json"
	fxGuardDuty = "asff/08-guardduty-ssh-bruteforce.json"
	fxInspector = "asff/21-inspector-v2-cve-ec2.getfindings.json"
	fxOCSF      = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
)

// testRoutingKey has the shape of an integration key; it is not one.
const testRoutingKey = "abcdef0123456789hubrelaytest0001"

// fixture decodes one fixture file, which holds exactly one finding.
func fixture(t testing.TB, name string) finding.Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	items, errs := finding.Decode(name, data)
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("%s: %d findings, errors %v", name, len(items), errs)
	}
	return items[0]
}

// testConfig is a configuration against the endpoint url ("" for the
// default).
func testConfig(url string) *Config {
	return &Config{RoutingKey: testRoutingKey, URL: url}
}

// renderOptions are the options a Notifier builds from an Env in lang.
func renderOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Region: "ap-northeast-1", Location: render.DefaultLocation(lang)}
}

type sample struct {
	name string
	msg  *notify.Message
}

// samples are one message of each shape the destination handles.
func samples(t testing.TB) []sample {
	t.Helper()
	rds := fixture(t, fxRDS1)
	ec28 := fixture(t, fxEC28)
	guardDuty := fixture(t, fxGuardDuty)
	ocsf := fixture(t, fxOCSF)
	inspector := fixture(t, fxInspector)
	msg := func(kind notify.Kind, it finding.Item, key string, prev *notify.Receipt) *notify.Message {
		return &notify.Message{Kind: kind, Route: "pager-critical", Destination: "pagerduty-oncall", Key: key,
			Finding: it.Finding, Event: it.Event, Previous: prev}
	}
	digest := func(kind notify.Kind) *notify.Message {
		return &notify.Message{
			Kind: kind, Route: "account-a-digest", Destination: "pagerduty-oncall", Key: "digest-0001",
			Digest: &notify.Digest{
				GroupKey: "AwsAccountId=111111111111,ProductName=Security Hub",
				Findings: []*finding.Finding{ocsf.Finding, guardDuty.Finding, rds.Finding, ec28.Finding, inspector.Finding},
				Total:    7,
			},
		}
	}
	return []sample{
		{"new-rds1", msg(notify.KindNew, rds, "delivery-rds1", nil)},
		{"new-guardduty", msg(notify.KindNew, guardDuty, "delivery-guardduty", nil)},
		{"new-ocsf", msg(notify.KindNew, ocsf, "delivery-ocsf", nil)},
		{"new-inspector", msg(notify.KindNew, inspector, "delivery-inspector", nil)},
		{"reminder", msg(notify.KindReminder, guardDuty, "delivery-guardduty-2", &notify.Receipt{ID: guardDuty.Finding.ID})},
		{"resolved", msg(notify.KindResolved, ec28, "delivery-ec28-3", &notify.Receipt{ID: ec28.Finding.ID})},
		{"resolved-without-receipt", msg(notify.KindResolved, ec28, "delivery-ec28-4", nil)},
		{"reopened", msg(notify.KindReopened, rds, "delivery-rds1-5", &notify.Receipt{ID: rds.Finding.ID})},
		{"digest", digest(notify.KindNew)},
		{"digest-resolved", digest(notify.KindResolved)},
		{"test", &notify.Message{Kind: notify.KindTest, Destination: "pagerduty-oncall", Key: "test-0001", Finding: rds.Finding}},
	}
}

// sampleNamed returns the sample called name.
func sampleNamed(t testing.TB, name string) *notify.Message {
	t.Helper()
	for _, s := range samples(t) {
		if s.name == name {
			return s.msg
		}
	}
	t.Fatalf("no sample %q", name)
	return nil
}
