package route

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
)

// loadItem decodes the single finding of a fixture in testdata.
func loadItem(t testing.TB, name string) finding.Item {
	t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items, errs := finding.Decode(path, data)
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("%s: %d items, errors %v", name, len(items), errs)
	}
	return items[0]
}

func newRouter(t testing.TB, path string) *Router {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const (
	cisType  = `["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"]`
	fsbpType = `["Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"]`
)

func TestRoute(t *testing.T) {
	r := newRouter(t, "testdata/routes.yaml")
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	january := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	id := func(name string) string { return loadItem(t, name).Finding.ID }

	tests := []struct {
		name    string
		fixture string
		now     time.Time
		want    Decision
	}{
		{
			name:    "overlapping routes all fire, destinations deduplicated",
			fixture: "13-securityhub-cis120-1.13-critical-notified.getfindings.json",
			now:     march,
			want: Decision{
				Routes:       []string{"all-failed", "critical-json", "account-123-digest"},
				Destinations: []string{"tickets", "pager", "chat"},
				Deliveries: []Delivery{
					{"all-failed", "tickets", id("13-securityhub-cis120-1.13-critical-notified.getfindings.json")},
					{"critical-json", "pager", id("13-securityhub-cis120-1.13-critical-notified.getfindings.json")},
					{"critical-json", "chat", id("13-securityhub-cis120-1.13-critical-notified.getfindings.json")},
					{"account-123-digest", "tickets", `["account-123-digest","FAILED",` + cisType + `]`},
					{"account-123-digest", "chat", `["account-123-digest","FAILED",` + cisType + `]`},
				},
			},
		},
		{
			name:    "JSON-string pattern and custom action events",
			fixture: "17-eb-customaction-securityhub-fsbp-rds1-critical.json",
			now:     march,
			want: Decision{
				Routes:       []string{"critical-json", "custom-actions"},
				Destinations: []string{"pager", "chat", "tickets"},
				Deliveries: []Delivery{
					{"critical-json", "pager", id("17-eb-customaction-securityhub-fsbp-rds1-critical.json")},
					{"critical-json", "chat", id("17-eb-customaction-securityhub-fsbp-rds1-critical.json")},
					{"custom-actions", "tickets", id("17-eb-customaction-securityhub-fsbp-rds1-critical.json")},
				},
			},
		},
		{
			name:    "archived finding skips the ACTIVE route",
			fixture: "19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json",
			now:     march,
			want: Decision{
				Routes:       []string{"critical-json", "account-123-digest"},
				Destinations: []string{"pager", "chat", "tickets"},
				Deliveries: []Delivery{
					{"critical-json", "pager", id("19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")},
					{"critical-json", "chat", id("19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")},
					{"account-123-digest", "tickets", `["account-123-digest","FAILED",` + fsbpType + `]`},
					{"account-123-digest", "chat", `["account-123-digest","FAILED",` + fsbpType + `]`},
				},
			},
		},
		{
			name:    "filters route with group key",
			fixture: "08-guardduty-ssh-bruteforce.json",
			now:     march,
			want: Decision{
				Routes:       []string{"guardduty-filters"},
				Destinations: []string{"chat"},
				Deliveries:   []Delivery{{"guardduty-filters", "chat", `["guardduty-filters","193043430472","GuardDuty"]`}},
			},
		},
		{
			name:    "OCSF finding, multi-valued group attribute",
			fixture: "01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
			now:     march,
			want: Decision{
				Routes:       []string{"ocsf-guardduty"},
				Destinations: []string{"chat"},
				Deliveries:   []Delivery{{"ocsf-guardduty", "chat", `["ocsf-guardduty","869728294964","LOW",["AWS::IAM::AccessKey"]]`}},
			},
		},
		{
			name:    "suppression without until; an expired one before it does not count",
			fixture: "01-securityhub-fsbp-cloudtrail2-failed.json",
			now:     march,
			want: Decision{
				Routes:       []string{"all-failed", "account-123-digest"},
				SuppressedBy: "cloudtrail-accepted",
			},
		},
		{
			name:    "suppression with until, still active",
			fixture: "18-eb-imported-securityhub-fsbp-ec2.7-failed.json",
			now:     january,
			want:    Decision{Routes: []string{"all-failed"}, SuppressedBy: "ec2-7-until-january"},
		},
		{
			name:    "suppression with until, on its last instant",
			fixture: "18-eb-imported-securityhub-fsbp-ec2.7-failed.json",
			now:     time.Date(2026, 1, 31, 23, 59, 59, 999999999, time.UTC),
			want:    Decision{Routes: []string{"all-failed"}, SuppressedBy: "ec2-7-until-january"},
		},
		{
			name:    "suppression with until, expired",
			fixture: "18-eb-imported-securityhub-fsbp-ec2.7-failed.json",
			now:     time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
			want: Decision{
				Routes:       []string{"all-failed"},
				Destinations: []string{"tickets"},
				Deliveries:   []Delivery{{"all-failed", "tickets", id("18-eb-imported-securityhub-fsbp-ec2.7-failed.json")}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Route(loadItem(t, tt.fixture), tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !equalDecision(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func equalDecision(a, b Decision) bool {
	return slices.Equal(a.Routes, b.Routes) && slices.Equal(a.Destinations, b.Destinations) &&
		a.SuppressedBy == b.SuppressedBy && slices.Equal(a.Deliveries, b.Deliveries)
}

// parseConfig builds a router from inline YAML.
func parseConfig(t *testing.T, src string) (*config.Config, error) {
	t.Helper()
	return config.Parse("t.yaml", []byte(src), config.WithNow(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
}

func TestNoRouteMatches(t *testing.T) {
	cfg, err := parseConfig(t, "destinations:\n  d: {stdout: }\nroutes:\n  - {name: r, pattern: {source: [aws.guardduty]}, to: [d]}\n")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Route(loadItem(t, "08-guardduty-ssh-bruteforce.json"), time.Now())
	if err != nil || !equalDecision(got, Decision{}) {
		t.Errorf("got %+v, %v; want an empty decision", got, err)
	}
}

func TestGroupKeys(t *testing.T) {
	f := &finding.Finding{
		ID:          "id-1",
		AccountID:   "111111111111",
		ProductName: `Name "quoted", with [brackets]`,
		Severity:    finding.Severity{Label: "HIGH"},
		Types:       []string{"b/type", "a/type", "b/type", ""},
		Resources:   []finding.Resource{{Type: "AwsS3Bucket", ID: "r2"}, {Type: "AwsEc2Instance", ID: "r1"}, {Type: "AwsS3Bucket", ID: "r3"}},
		Compliance:  finding.Compliance{Standards: []string{"std/2", "std/1"}},
	}
	tests := []struct {
		by   []string
		want string
	}{
		{nil, `["r"]`},
		{[]string{"AwsAccountId", "SeverityLabel"}, `["r","111111111111","HIGH"]`},
		{[]string{"ProductName"}, `["r","Name \"quoted\", with [brackets]"]`},
		{[]string{"Type"}, `["r",["a/type","b/type"]]`},
		{[]string{"ResourceType", "ResourceId"}, `["r",["AwsEc2Instance","AwsS3Bucket"],["r1","r2","r3"]]`},
		{[]string{"ComplianceAssociatedStandardsId", "Region"}, `["r",["std/1","std/2"],""]`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.by, ","), func(t *testing.T) {
			var attrs []attribute
			for _, name := range tt.by {
				a, ok := lookupAttribute(name)
				if !ok {
					t.Fatalf("no attribute %s", name)
				}
				attrs = append(attrs, a)
			}
			if got := groupKey("r", attrs, f); got != tt.want {
				t.Errorf("groupKey = %s, want %s", got, tt.want)
			}
		})
	}
	// Keys are unambiguous: values that would run together when joined
	// naively stay apart.
	a, _ := lookupAttribute("AwsAccountId")
	b, _ := lookupAttribute("Region")
	k1 := groupKey("r", []attribute{a, b}, &finding.Finding{AccountID: "1,2", Region: "3"})
	k2 := groupKey("r", []attribute{a, b}, &finding.Finding{AccountID: "1", Region: "2,3"})
	if k1 == k2 {
		t.Errorf("ambiguous keys: %s", k1)
	}
}

// TestAttributesMatchConfig checks that the router can read every attribute
// the config accepts in group.by.
func TestAttributesMatchConfig(t *testing.T) {
	for _, name := range config.GroupAttributes() {
		if _, ok := lookupAttribute(name); !ok {
			t.Errorf("config accepts group.by %q but the router cannot read it", name)
		}
	}
	if _, ok := lookupAttribute("Nope"); ok {
		t.Error("lookupAttribute(Nope) succeeded")
	}
}

func TestEmptyGroupByIsOneDigestPerRoute(t *testing.T) {
	cfg, err := parseConfig(t, "destinations:\n  d: {stdout: }\nroutes:\n  - {name: all, pattern: {source: [aws.securityhub]}, to: [d], group: {wait: 10s}}\n")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range []string{"08-guardduty-ssh-bruteforce.json", "17-eb-customaction-securityhub-fsbp-rds1-critical.json"} {
		d, err := r.Route(loadItem(t, fx), time.Now())
		if err != nil || len(d.Deliveries) != 1 || d.Deliveries[0].GroupKey != `["all"]` {
			t.Errorf("%s: %+v, %v", fx, d, err)
		}
	}
}

func TestConfigErrorsWithPositions(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{
			name: "unknown group attribute",
			src:  "destinations:\n  d: {stdout: }\nroutes:\n  - name: r\n    pattern: {source: [x]}\n    to: [d]\n    group: {by: [AccountId, Severity]}\n",
			want: []string{
				`t.yaml:7:18: routes[0].group.by[0]: "AccountId" is not a finding attribute to group by`,
				`t.yaml:7:29: routes[0].group.by[1]: "Severity" is not a finding attribute to group by`,
			},
		},
		{
			name: "invalid pattern inside a JSON string",
			src:  "destinations:\n  d: {stdout: }\nroutes:\n  - name: r\n    pattern: |\n      {\"source\": [\"aws.securityhub\"],\n       \"detail\": {\"findings\": {\"Title\": [{\"anything-but\": {\"prefix\": 1}}]}}}\n    to: [d]\n",
			want: []string{
				// The message itself is the pattern compiler's; the position and
				// the path inside the JSON are this package's job.
				`t.yaml:7:42: routes[0].pattern: detail.findings.Title[0]: …`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(t, tt.src)
			if err == nil {
				t.Fatal("want an error")
			}
			got := strings.Split(err.Error(), "\n")
			same := len(got) == len(tt.want)
			for i := 0; same && i < len(got); i++ {
				if prefix, ok := strings.CutSuffix(tt.want[i], "…"); ok {
					same = strings.HasPrefix(got[i], prefix)
				} else {
					same = got[i] == tt.want[i]
				}
			}
			if !same {
				t.Errorf("got:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
	_, err := New(&config.Config{Routes: []*config.Route{{Name: "hand-made"}}})
	if err == nil || !strings.Contains(err.Error(), "no compiled pattern") {
		t.Errorf("New with an uncompiled route: %v", err)
	}
	cfg, err := parseConfig(t, "destinations:\n  d: {stdout: }\nroutes:\n  - {name: r, pattern: {source: [x]}, to: [d], group: {by: [Region]}}\n")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Routes[0].Group.By = []string{"Bogus"}
	_, err = New(cfg)
	if err == nil || err.Error() != `t.yaml:4:61: route "r": group.by: cannot group by "Bogus"` {
		t.Errorf("New with an unknown attribute: %v", err)
	}
}

func TestRouteErrors(t *testing.T) {
	r := newRouter(t, "testdata/routes.yaml")
	item := loadItem(t, "08-guardduty-ssh-bruteforce.json")
	if _, err := r.Route(finding.Item{Event: item.Event}, time.Now()); err == nil {
		t.Error("an item without a finding was routed")
	}
	for _, event := range []string{"", "not json", "[1]"} {
		bad := item
		bad.Event = []byte(event)
		if _, err := r.Route(bad, time.Now()); err == nil {
			t.Errorf("event %q was routed", event)
		}
	}
}

// TestSecretsNotInRouteErrors sets a secret in the environment, refers to it
// from places that end up in error messages, and checks it never shows.
func TestSecretsNotInRouteErrors(t *testing.T) {
	const secret = "xoxb-0000-route-secret"
	t.Setenv("HR_ROUTE_TEST_TOKEN", secret)
	src := "destinations:\n  d: {stdout: {token: \"${env:HR_ROUTE_TEST_TOKEN}\"}}\n" +
		"routes:\n  - name: r\n    pattern: {source: [\"${env:HR_ROUTE_TEST_TOKEN}\"], detail: {x: [{prefix: 1}]}}\n" +
		"    to: [d, \"${env:HR_ROUTE_TEST_TOKEN}\"]\n    group: {by: [\"${env:HR_ROUTE_TEST_TOKEN}\"]}\n"
	_, err := parseConfig(t, src)
	if err == nil {
		t.Fatal("want errors")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("secret leaked:\n%s", err)
	}
	if strings.Count(err.Error(), "\n") < 2 {
		t.Errorf("want three errors, got:\n%s", err)
	}
}

func TestRouteConcurrent(t *testing.T) {
	r := newRouter(t, "testdata/routes.yaml")
	item := loadItem(t, "13-securityhub-cis120-1.13-critical-notified.getfindings.json")
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	want, err := r.Route(item, now)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 50 {
				got, err := r.Route(item, now)
				if err == nil && !equalDecision(got, want) {
					err = fmt.Errorf("decision changed: %+v", got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
