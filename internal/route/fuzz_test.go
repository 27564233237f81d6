package route

import (
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// FuzzRoute routes arbitrary event bytes: Route must return a decision or an
// error, never panic, and a decision must be consistent (deliveries only for
// matched routes, none when suppressed).
func FuzzRoute(f *testing.F) {
	r := newRouter(f, "testdata/routes.yaml")
	for _, name := range []string{
		"01-securityhub-fsbp-cloudtrail2-failed.json",
		"08-guardduty-ssh-bruteforce.json",
		"13-securityhub-cis120-1.13-critical-notified.getfindings.json",
		"17-eb-customaction-securityhub-fsbp-rds1-critical.json",
		"18-eb-imported-securityhub-fsbp-ec2.7-failed.json",
		"01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
	} {
		f.Add(loadItem(f, name).Event)
	}
	f.Add([]byte(`{"detail":{"findings":[]}}`))
	f.Add([]byte(`[]`))
	subject := &finding.Finding{ID: "fuzz", AccountID: "123456789012", Types: []string{"b", "a"}}
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, event []byte) {
		d, err := r.Route(finding.Item{Finding: subject, Event: event}, now)
		if err != nil {
			return
		}
		if d.SuppressedBy != "" && (len(d.Deliveries) > 0 || len(d.Destinations) > 0) {
			t.Fatalf("suppressed finding delivered: %+v", d)
		}
		matched := map[string]bool{}
		for _, name := range d.Routes {
			matched[name] = true
		}
		for _, del := range d.Deliveries {
			if !matched[del.Route] || del.GroupKey == "" {
				t.Fatalf("delivery %+v for a route that did not match", del)
			}
		}
	})
}
