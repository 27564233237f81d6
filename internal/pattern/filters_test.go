package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// updateFilterGolden rewrites testdata/filters/*.pattern.json from the
// current translation: go test ./internal/pattern -run FiltersToPatternGolden -update-filters
var updateFilterGolden = flag.Bool("update-filters", false, "rewrite the golden pattern files of the filter compiler")

// TestFiltersToPatternGolden translates every testdata/filters/*.filters.json
// and compares the pattern with the .pattern.json next to it, then checks
// that the pattern compiles.
func TestFiltersToPatternGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "filters", "*.filters.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".filters.json")
		t.Run(name, func(t *testing.T) {
			filters := readFilterTestFile(t, in)
			got, err := FiltersToPattern(filters)
			if err != nil {
				t.Fatalf("FiltersToPattern: %v", err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, got, "", "  "); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, got)
			}
			pretty.WriteByte('\n')
			goldenPath := strings.TrimSuffix(in, ".filters.json") + ".pattern.json"
			if *updateFilterGolden {
				if err := os.WriteFile(goldenPath, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readFilterTestFile(t, goldenPath)
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("pattern differs from %s (rerun with -update-filters after checking)\ngot:\n%s\nwant:\n%s", goldenPath, pretty.Bytes(), want)
			}
			if _, err := compileExt(got, true); err != nil {
				t.Errorf("pattern does not compile: %v", err)
			}
		})
	}
}

// filterFixture is a fixture finding wrapped as EventBridge delivers it.
type filterFixture struct {
	name    string
	finding map[string]any
	event   []byte
}

// loadFilterFixtures reads every fixture in testdata/findings, takes its
// finding whatever the file's shape (bare finding, GetFindings response,
// EventBridge event) and wraps it in a "Security Hub Findings - Imported"
// event.
func loadFilterFixtures(t testing.TB) map[string]filterFixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "findings", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no finding fixtures: %v", err)
	}
	out := map[string]filterFixture{}
	for _, f := range files {
		var doc map[string]any
		if err := json.Unmarshal(readFilterTestFile(t, f), &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		finding := doc
		switch {
		case doc["Findings"] != nil:
			finding = doc["Findings"].([]any)[0].(map[string]any)
		case doc["detail"] != nil:
			finding = doc["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		out[name[:2]] = filterFixture{name: name, finding: finding, event: filterImportedEvent(t, finding)}
	}
	return out
}

// filterImportedEvent wraps a finding in an Imported event.
func filterImportedEvent(t testing.TB, finding map[string]any) []byte {
	t.Helper()
	ev, err := json.Marshal(map[string]any{
		"version":     "0",
		"id":          "00000000-0000-0000-0000-000000000000",
		"source":      "aws.securityhub",
		"detail-type": "Security Hub Findings - Imported",
		"account":     "123456789012",
		"region":      "us-east-1",
		"time":        "2024-01-01T00:00:00Z",
		"resources":   []any{},
		"detail":      map[string]any{"findings": []any{finding}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// changedFilterFixture returns an Imported event for a deep copy of finding after
// change edits it: for cases no published fixture shows.
func changedFilterFixture(t testing.TB, finding map[string]any, change func(f map[string]any)) []byte {
	t.Helper()
	raw, err := json.Marshal(finding)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	change(c)
	return filterImportedEvent(t, c)
}

func readFilterTestFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustFromFilters(t testing.TB, filters string) *Pattern {
	t.Helper()
	p, err := FromFilters([]byte(filters))
	if err != nil {
		t.Fatalf("FromFilters(%s): %v", filters, err)
	}
	return p
}

// filterFixtureNow is the clock for date cases: after every fixture's timestamps.
var filterFixtureNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

// TestFromFiltersDocumentedExamples evaluates the examples of the Security
// Hub StringFilter and MapFilter documentation against fixture findings.
func TestFromFiltersDocumentedExamples(t *testing.T) {
	ev := loadFilterFixtures(t)
	resourceType := func(typ string) []byte {
		return changedFilterFixture(t, ev["08"].finding, func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Type"] = typ
		})
	}
	tag := func(key, value string) []byte {
		return changedFilterFixture(t, ev["08"].finding, func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Tags"] = map[string]any{key: value}
		})
	}
	title := func(s string) []byte {
		return changedFilterFixture(t, ev["01"].finding, func(f map[string]any) { f["Title"] = s })
	}
	const prefixesMinusTwo = `{"ResourceType": [
		{"Comparison": "PREFIX", "Value": "AwsIam"}, {"Comparison": "PREFIX", "Value": "AwsEc2"},
		{"Comparison": "NOT_EQUALS", "Value": "AwsIamPolicy"}, {"Comparison": "NOT_EQUALS", "Value": "AwsEc2NetworkInterface"}]}`
	cases := []struct {
		name    string
		filters string
		event   []byte
		want    bool
	}{
		// "ResourceType PREFIX AwsIam / PREFIX AwsEc2 / NOT_EQUALS AwsIamPolicy / NOT_EQUALS AwsEc2NetworkInterface"
		{"prefix AwsEc2 kept", prefixesMinusTwo, ev["08"].event, true},
		{"prefix AwsIam kept", prefixesMinusTwo, ev["11"].event, true},
		{"other prefix dropped", prefixesMinusTwo, ev["06"].event, false},
		{"AwsIamPolicy excluded", prefixesMinusTwo, resourceType("AwsIamPolicy"), false},
		{"AwsEc2NetworkInterface excluded", prefixesMinusTwo, resourceType("AwsEc2NetworkInterface"), false},
		{"AwsEc2Volume kept", prefixesMinusTwo, resourceType("AwsEc2Volume"), true},

		// "AwsAccountId EQUALS 123456789012 only matches findings that have an account ID of 123456789012"
		{"account equals", `{"AwsAccountId": [{"Comparison": "EQUALS", "Value": "123456789012"}]}`, ev["01"].event, true},
		{"account equals other", `{"AwsAccountId": [{"Comparison": "EQUALS", "Value": "123456789012"}]}`, ev["08"].event, false},
		// "AwsAccountId NOT_EQUALS 123456789012 ... an account ID other than 123456789012"
		{"account not equals", `{"AwsAccountId": [{"Comparison": "NOT_EQUALS", "Value": "123456789012"}]}`, ev["01"].event, false},
		{"account not equals other", `{"AwsAccountId": [{"Comparison": "NOT_EQUALS", "Value": "123456789012"}]}`, ev["08"].event, true},

		// "ResourceRegion PREFIX us ... A ResourceRegion that starts with ... af, ap, or ca, doesn't match"
		{"region prefix us", `{"ResourceRegion": [{"Comparison": "PREFIX", "Value": "us"}]}`, ev["01"].event, true},
		{"region prefix us on eu", `{"ResourceRegion": [{"Comparison": "PREFIX", "Value": "us"}]}`, ev["06"].event, false},
		// "ResourceRegion PREFIX_NOT_EQUALS us matches ... a ResourceRegion that starts with a value other than us"
		{"region prefix not us on eu", `{"ResourceRegion": [{"Comparison": "PREFIX_NOT_EQUALS", "Value": "us"}]}`, ev["06"].event, true},
		{"region prefix not us on us", `{"ResourceRegion": [{"Comparison": "PREFIX_NOT_EQUALS", "Value": "us"}]}`, ev["01"].event, false},

		// "Title CONTAINS CloudFront OR Title CONTAINS CloudWatch match a finding that includes either ... or both"
		{"title contains front", `{"Title": [{"Comparison": "CONTAINS", "Value": "CloudFront"}, {"Comparison": "CONTAINS", "Value": "CloudWatch"}]}`, title("CloudFront.1 distributions should have a default root object"), true},
		{"title contains watch", `{"Title": [{"Comparison": "CONTAINS", "Value": "CloudFront"}, {"Comparison": "CONTAINS", "Value": "CloudWatch"}]}`, title("A CloudWatch alarm"), true},
		{"title contains both", `{"Title": [{"Comparison": "CONTAINS", "Value": "CloudFront"}, {"Comparison": "CONTAINS", "Value": "CloudWatch"}]}`, title("CloudWatch metrics of CloudFront"), true},
		{"title contains neither", `{"Title": [{"Comparison": "CONTAINS", "Value": "CloudFront"}, {"Comparison": "CONTAINS", "Value": "CloudWatch"}]}`, ev["01"].event, false},
		// "Title NOT_CONTAINS CloudFront AND Title NOT_CONTAINS CloudWatch match a finding that excludes both"
		{"title not contains neither", `{"Title": [{"Comparison": "NOT_CONTAINS", "Value": "CloudFront"}, {"Comparison": "NOT_CONTAINS", "Value": "CloudWatch"}]}`, ev["01"].event, true},
		{"title not contains one", `{"Title": [{"Comparison": "NOT_CONTAINS", "Value": "CloudFront"}, {"Comparison": "NOT_CONTAINS", "Value": "CloudWatch"}]}`, title("A CloudWatch alarm"), false},
		// "the product name for control-based findings is Security Hub. If you provide security hub ... there's no match"
		{"values are case-sensitive", `{"ProductName": [{"Comparison": "EQUALS", "Value": "security hub"}]}`, ev["01"].event, false},
		{"values exact case", `{"ProductName": [{"Comparison": "EQUALS", "Value": "Security Hub"}]}`, ev["01"].event, true},

		// MapFilter: "a finding with a value of Security team for the Department tag is a match" (Department CONTAINS Security)
		{"tag contains", `{"ResourceTags": [{"Key": "Department", "Comparison": "CONTAINS", "Value": "Security"}]}`, tag("Department", "Security team"), true},
		{"tag contains other", `{"ResourceTags": [{"Key": "Department", "Comparison": "CONTAINS", "Value": "Security"}]}`, tag("Department", "Finance"), false},
		{"tag equals", `{"ResourceTags": [{"Key": "Department", "Comparison": "EQUALS", "Value": "Security"}]}`, tag("Department", "Security"), true},
		{"tag equals is exact", `{"ResourceTags": [{"Key": "Department", "Comparison": "EQUALS", "Value": "Security"}]}`, tag("Department", "Security team"), false},
		{"tag key is case-sensitive", `{"ResourceTags": [{"Key": "department", "Comparison": "EQUALS", "Value": "Security"}]}`, tag("Department", "Security"), false},
		// "Department NOT_EQUALS Finance matches findings that don't have the value Finance for the Department tag"
		{"tag not equals", `{"ResourceTags": [{"Key": "Department", "Comparison": "NOT_EQUALS", "Value": "Finance"}]}`, tag("Department", "Finance"), false},
		{"tag not equals other", `{"ResourceTags": [{"Key": "Department", "Comparison": "NOT_EQUALS", "Value": "Finance"}]}`, tag("Department", "Security"), true},
		{"tag not equals fixturesWithout the tag", `{"ResourceTags": [{"Key": "Department", "Comparison": "NOT_EQUALS", "Value": "Finance"}]}`, ev["08"].event, true},
		// "Department NOT_CONTAINS Security AND Department NOT_CONTAINS Finance match a finding that excludes both"
		{"tag not contains both", `{"ResourceTags": [{"Key": "Department", "Comparison": "NOT_CONTAINS", "Value": "Security"}, {"Key": "Department", "Comparison": "NOT_CONTAINS", "Value": "Finance"}]}`, tag("Department", "Finance team"), false},
		{"tag not contains neither", `{"ResourceTags": [{"Key": "Department", "Comparison": "NOT_CONTAINS", "Value": "Security"}, {"Key": "Department", "Comparison": "NOT_CONTAINS", "Value": "Finance"}]}`, tag("Department", "Legal"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustFromFilters(t, tc.filters)
			got, err := p.MatchAt(tc.event, filterFixtureNow)
			if err != nil {
				t.Fatalf("MatchAt: %v", err)
			}
			if got != tc.want {
				pat, _ := FiltersToPattern([]byte(tc.filters))
				t.Errorf("match = %v, want %v\npattern: %s", got, tc.want, pat)
			}
		})
	}
}

// TestFromFiltersEndToEnd evaluates each filter type against the published
// fixtures. want lists the fixtures (by number) that must match; every other
// fixture must not.
func TestFromFiltersEndToEnd(t *testing.T) {
	ev := loadFilterFixtures(t)
	all := slices.Sorted(maps.Keys(ev))
	cases := []struct {
		name    string
		filters string
		now     time.Time
		want    []string
	}{
		{"severity labels", `{"SeverityLabel": [{"Comparison": "EQUALS", "Value": "HIGH"}, {"Comparison": "EQUALS", "Value": "CRITICAL"}]}`,
			filterFixtureNow, []string{"13", "19", "21", "22", "25"}},
		{"compliance not passed includes findings fixturesWithout compliance", `{"ComplianceStatus": [{"Comparison": "NOT_EQUALS", "Value": "PASSED"}]}`,
			filterFixtureNow, fixturesWithout(all, "12", "15")},
		{"compliance failed", `{"ComplianceStatus": [{"Comparison": "EQUALS", "Value": "FAILED"}]}`,
			filterFixtureNow, []string{"01", "06", "13", "18", "19", "22", "24"}},
		{"workflow new and active", `{"WorkflowStatus": [{"Comparison": "EQUALS", "Value": "NEW"}], "RecordState": [{"Comparison": "EQUALS", "Value": "ACTIVE"}]}`,
			filterFixtureNow, []string{"01", "06", "08", "09", "10", "18", "21", "22", "24"}},
		{"product name from either field", `{"ProductName": [{"Comparison": "EQUALS", "Value": "GuardDuty"}]}`,
			filterFixtureNow, []string{"08"}},
		{"product name typo kept in ProductFields", `{"ProductName": [{"Comparison": "EQUALS", "Value": "AM Access Analyzer"}]}`,
			filterFixtureNow, []string{"11"}},
		{"product name negative must hold for both fields", `{"ProductName": [{"Comparison": "NOT_EQUALS", "Value": "IAM Access Analyzer"}]}`,
			filterFixtureNow, fixturesWithout(all, "11")},
		{"product name not Security Hub", `{"ProductName": [{"Comparison": "NOT_EQUALS", "Value": "Security Hub"}]}`,
			filterFixtureNow, []string{"06", "08", "09", "10", "11", "21", "24", "25"}},
		{"company name", `{"CompanyName": [{"Comparison": "EQUALS", "Value": "Amazon"}]}`,
			filterFixtureNow, []string{"08", "09", "21"}},
		{"product and company", `{"ProductName": [{"Comparison": "PREFIX", "Value": "Ins"}], "CompanyName": [{"Comparison": "EQUALS", "Value": "Amazon"}]}`,
			filterFixtureNow, []string{"09", "21"}},
		{"type prefix minus one", `{"Type": [{"Comparison": "PREFIX", "Value": "Software and Configuration Checks/"}, {"Comparison": "NOT_EQUALS", "Value": "Software and Configuration Checks/Vulnerabilities/CVE"}]}`,
			filterFixtureNow, fixturesWithout(all, "06", "08", "21", "24", "25")},
		{"type not contains", `{"Type": [{"Comparison": "NOT_CONTAINS", "Value": "Industry and Regulatory Standards"}]}`,
			filterFixtureNow, []string{"06", "08", "09", "10", "11", "21", "24", "25"}},
		{"design route", string(readFilterTestFile(t, filepath.Join("testdata", "filters", "design-route.filters.json"))),
			filterFixtureNow, nil},
		{"guardduty medium up in its account", `{"AwsAccountId": [{"Comparison": "EQUALS", "Value": "193043430472"}], "ProductName": [{"Comparison": "EQUALS", "Value": "GuardDuty"}], "SeverityLabel": [{"Comparison": "EQUALS", "Value": "MEDIUM"}, {"Comparison": "EQUALS", "Value": "HIGH"}]}`,
			filterFixtureNow, []string{"08"}},
		{"normalized severity range", `{"SeverityNormalized": [{"Gte": 40, "Lt": 70}]}`,
			filterFixtureNow, []string{"01", "06", "08", "09"}},
		{"normalized severity range, upper bound inclusive", `{"SeverityNormalized": [{"Gte": 40, "Lte": 70}]}`,
			filterFixtureNow, []string{"01", "06", "08", "09", "19", "22"}},
		{"normalized severity ranges OR'ed", `{"SeverityNormalized": [{"Gte": 40, "Lt": 70}, {"Eq": 90}]}`,
			filterFixtureNow, []string{"01", "06", "08", "09", "13", "21"}},
		{"created in a fixed range", `{"CreatedAt": [{"Start": "2020-08-01T00:00:00Z", "End": "2020-08-31T23:59:59Z"}]}`,
			filterFixtureNow, []string{"01", "08", "09", "22"}},
		{"created range end inclusive", `{"CreatedAt": [{"Start": "2020-08-22T09:34:34.146Z", "End": "2020-08-22T09:34:34.146Z"}]}`,
			filterFixtureNow, []string{"08"}},
		{"created before, open start", `{"CreatedAt": [{"End": "2020-06-30T00:00:00Z"}]}`,
			filterFixtureNow, []string{"12", "13", "15"}},
		{"created after, open end", `{"CreatedAt": [{"Start": "2023-01-01T00:00:00Z"}]}`,
			filterFixtureNow, []string{"11"}},
		{"offset timestamps compare as instants", `{"CreatedAt": [{"Start": "2022-02-08T04:51:26Z", "End": "2022-02-08T04:51:27Z"}]}`,
			filterFixtureNow, []string{"25"}},
		{"updated within 30 days", `{"UpdatedAt": [{"DateRange": {"Value": 30, "Unit": "DAYS"}}]}`,
			time.Date(2022, 6, 20, 0, 0, 0, 0, time.UTC), []string{"22"}},
		{"updated older than 2 years", `{"UpdatedAt": [{"DateRange": {"Value": 730, "Unit": "DAYS", "Comparison": "OLDER_THAN"}}]}`,
			time.Date(2022, 11, 10, 0, 0, 0, 0, time.UTC), []string{"08", "09", "12", "13", "15"}},
		{"updated within 2 years", `{"UpdatedAt": [{"DateRange": {"Value": 730, "Comparison": "WITHIN"}}]}`,
			time.Date(2022, 11, 10, 0, 0, 0, 0, time.UTC), []string{"01", "06", "10", "18", "19", "22", "24", "25"}},
		{"sample false keeps real findings", `{"Sample": [{"Value": false}]}`,
			filterFixtureNow, all},
		{"sample true", `{"Sample": [{"Value": true}]}`,
			filterFixtureNow, nil},
		{"instance addresses in a VPC range", `{"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "172.31.0.0/16"}]}`,
			filterFixtureNow, []string{"08", "09"}},
		{"instance public address", `{"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "18.234.130.16"}]}`,
			filterFixtureNow, []string{"08"}},
		{"tags", `{"ResourceTags": [{"Key": "Name", "Comparison": "EQUALS", "Value": "kubectl"}]}`,
			filterFixtureNow, []string{"08", "09"}},
		{"product fields key with slashes", `{"ProductFields": [{"Key": "aws/guardduty/service/action/actionType", "Comparison": "EQUALS", "Value": "NETWORK_CONNECTION"}]}`,
			filterFixtureNow, []string{"08"}},
		{"details other with spaced keys", `{"ResourceDetailsOther": [{"Key": "External Principal", "Comparison": "EQUALS", "Value": "444455556666"}]}`,
			filterFixtureNow, []string{"10"}},
		{"note text", `{"NoteText": [{"Comparison": "CONTAINS", "Value": "remediation"}]}`,
			filterFixtureNow, []string{"15"}},
		{"generator prefix", `{"GeneratorId": [{"Comparison": "PREFIX", "Value": "aws-foundational-security-best-practices/"}]}`,
			filterFixtureNow, []string{"01", "18", "19"}},
		{"instance type", `{"ResourceAwsEc2InstanceType": [{"Comparison": "EQUALS", "Value": "m5.2xlarge"}]}`,
			filterFixtureNow, []string{"21"}},
		{"container image", `{"ResourceContainerImageName": [{"Comparison": "PREFIX", "Value": "golang:"}]}`,
			filterFixtureNow, []string{"25"}},
		{"s3 owner", `{"ResourceAwsS3BucketOwnerId": [{"Comparison": "PREFIX", "Value": "4edbba"}]}`,
			filterFixtureNow, []string{"06"}},
		{"remediation text", `{"RecommendationText": [{"Comparison": "CONTAINS", "Value": "Foundational Security Best Practices"}]}`,
			filterFixtureNow, []string{"18", "19"}},
		{"getfindings request", string(readFilterTestFile(t, filepath.Join("testdata", "filters", "getfindings-request.filters.json"))),
			filterFixtureNow, []string{"01", "06", "08", "09", "10", "18", "21", "22", "24"}},
		{"empty filters match everything", `{}`, filterFixtureNow, all},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustFromFilters(t, tc.filters)
			var got []string
			for _, k := range all {
				ok, err := p.MatchAt(ev[k].event, tc.now)
				if err != nil {
					t.Fatalf("%s: %v", ev[k].name, err)
				}
				if ok {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tc.want) {
				pat, _ := FiltersToPattern([]byte(tc.filters))
				t.Errorf("matched %v, want %v\npattern: %s", got, tc.want, pat)
			}
		})
	}
}

// TestFromFiltersArrayFields pins the documented decision for fields with
// several values: positive filters need one value to match, negative filters
// one value to pass (EventBridge's anything-but), and the same value must
// satisfy a PREFIX and a NOT_EQUALS on one field.
func TestFromFiltersArrayFields(t *testing.T) {
	ev := loadFilterFixtures(t)
	twoTypes := changedFilterFixture(t, ev["08"].finding, func(f map[string]any) {
		f["Types"] = []any{"TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce", "Effects/Data Exposure"}
	})
	cases := []struct {
		name, filters string
		want          bool
	}{
		{"equals one of the values", `{"Type": [{"Comparison": "EQUALS", "Value": "Effects/Data Exposure"}]}`, true},
		{"not equals passes on the other value", `{"Type": [{"Comparison": "NOT_EQUALS", "Value": "Effects/Data Exposure"}]}`, true},
		{"not equals every value", `{"Type": [{"Comparison": "NOT_EQUALS", "Value": "Effects/Data Exposure"}, {"Comparison": "NOT_EQUALS", "Value": "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"}]}`, false},
		{"prefix and not equals on one value", `{"Type": [{"Comparison": "PREFIX", "Value": "Effects/"}, {"Comparison": "NOT_EQUALS", "Value": "Effects/Data Exposure"}]}`, false},
		{"prefix and not equals on another value", `{"Type": [{"Comparison": "PREFIX", "Value": "TTPs/"}, {"Comparison": "NOT_EQUALS", "Value": "Effects/Data Exposure"}]}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mustFromFilters(t, tc.filters).MatchAt(twoTypes, filterFixtureNow)
			if err != nil || got != tc.want {
				t.Errorf("match = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestFromFiltersErrors checks that bad filters are rejected with an *Error
// whose path leads to the problem and whose message says what is wrong.
func TestFromFiltersErrors(t *testing.T) {
	cases := []struct {
		name    string
		filters string
		path    []any
		msg     string
	}{
		{"not JSON", `{"SeverityLabel": [}`, nil, "invalid JSON at offset"},
		{"trailing data", `{} {}`, nil, "unexpected data after the filters object"},
		{"not an object", `[]`, nil, "must be an object of finding attributes"},
		{"unknown attribute", `{"SeverityLable": []}`, []any{"SeverityLable"}, `unknown filter attribute "SeverityLable" (did you mean SeverityLabel?)`},
		{"attribute case", `{"severitylabel": []}`, []any{"severitylabel"}, "(did you mean SeverityLabel?)"},
		{"dotted ASFF path", `{"Workflow.Status": []}`, []any{"Workflow.Status"}, "(did you mean WorkflowStatus?)"},
		{"far from anything", `{"Colour": []}`, []any{"Colour"}, `unknown filter attribute "Colour"`},
		{"list expected", `{"SeverityLabel": {"Comparison": "EQUALS", "Value": "HIGH"}}`, []any{"SeverityLabel"}, "SeverityLabel must be a list of StringFilters, got an object"},
		{"filter not an object", `{"SeverityLabel": ["HIGH"]}`, []any{"SeverityLabel", 0}, "a StringFilter must be an object, got a string"},
		{"unknown member", `{"SeverityLabel": [{"Comparision": "EQUALS", "Value": "HIGH"}]}`, []any{"SeverityLabel", 0, "Comparision"}, `unknown member "Comparision" in a StringFilter; allowed: Comparison, Value (did you mean Comparison?)`},
		{"comparison missing", `{"SeverityLabel": [{"Value": "HIGH"}]}`, []any{"SeverityLabel", 0, "Comparison"}, "Comparison is required"},
		{"comparison unknown", `{"SeverityLabel": [{"Comparison": "EQUAL", "Value": "HIGH"}]}`, []any{"SeverityLabel", 0, "Comparison"}, `unknown Comparison "EQUAL"; use one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS (did you mean EQUALS?)`},
		{"comparison lower case", `{"SeverityLabel": [{"Comparison": "equals", "Value": "HIGH"}]}`, []any{"SeverityLabel", 0, "Comparison"}, "(did you mean EQUALS?)"},
		{"contains word", `{"Title": [{"Comparison": "CONTAINS_WORD", "Value": "S3"}]}`, []any{"Title", 0, "Comparison"}, "only supported by the Security Hub V2 (OCSF) APIs"},
		{"value missing", `{"SeverityLabel": [{"Comparison": "EQUALS"}]}`, []any{"SeverityLabel", 0, "Value"}, "Value is required"},
		{"value a number", `{"AwsAccountId": [{"Comparison": "EQUALS", "Value": 123456789012}]}`, []any{"AwsAccountId", 0, "Value"}, "Value must be a string, got a number (123456789012) (quote it)"},
		{"contains with not contains", `{"Title": [{"Comparison": "CONTAINS", "Value": "a"}, {"Comparison": "NOT_CONTAINS", "Value": "b"}]}`, []any{"Title", 1, "Comparison"}, "NOT_CONTAINS cannot be combined with CONTAINS (Title[0]) on the same field"},
		{"contains with equals", `{"Title": [{"Comparison": "EQUALS", "Value": "a"}, {"Comparison": "CONTAINS", "Value": "b"}]}`, []any{"Title", 1, "Comparison"}, "CONTAINS filters can only be used with other CONTAINS filters"},
		{"not contains with prefix", `{"Title": [{"Comparison": "NOT_CONTAINS", "Value": "a"}, {"Comparison": "PREFIX", "Value": "b"}]}`, []any{"Title", 1, "Comparison"}, "NOT_CONTAINS filters can only be used with other NOT_CONTAINS filters"},
		{"equals with not equals", `{"SeverityLabel": [{"Comparison": "EQUALS", "Value": "HIGH"}, {"Comparison": "EQUALS", "Value": "LOW"}, {"Comparison": "NOT_EQUALS", "Value": "MEDIUM"}]}`, []any{"SeverityLabel", 2, "Comparison"}, "NOT_EQUALS cannot be combined with EQUALS (SeverityLabel[0])"},
		{"equals with prefix not equals", `{"ResourceType": [{"Comparison": "PREFIX_NOT_EQUALS", "Value": "AwsIam"}, {"Comparison": "EQUALS", "Value": "AwsEc2Instance"}]}`, []any{"ResourceType", 1, "Comparison"}, "EQUALS cannot be combined with PREFIX_NOT_EQUALS (ResourceType[0])"},
		{"wrapped path", `{"Filters": {"SeverityLabel": [{"Comparison": "EQUALS", "Value": "HIGH"}, {"Comparison": "NOT_EQUALS", "Value": "LOW"}]}}`, []any{"Filters", "SeverityLabel", 1, "Comparison"}, "(Filters.SeverityLabel[0])"},
		{"wrapper with unknown member", `{"Filters": {}, "Limit": 10}`, []any{"Limit"}, `unknown member "Limit" in a GetFindings request`},
		{"wrapped filters not an object", `{"Filters": []}`, []any{"Filters"}, "must be an object of finding attributes"},
		{"map key missing", `{"ResourceTags": [{"Comparison": "EQUALS", "Value": "x"}]}`, []any{"ResourceTags", 0, "Key"}, "Key is required"},
		{"map key empty", `{"ResourceTags": [{"Key": "", "Comparison": "EQUALS", "Value": "x"}]}`, []any{"ResourceTags", 0, "Key"}, "Key must not be empty"},
		{"map key reserved", `{"ProductFields": [{"Key": "$or", "Comparison": "EQUALS", "Value": "x"}]}`, []any{"ProductFields", 0, "Key"}, `Key "$or" cannot be matched`},
		{"map prefix", `{"ResourceTags": [{"Key": "a", "Comparison": "PREFIX", "Value": "x"}]}`, []any{"ResourceTags", 0, "Comparison"}, "PREFIX is not a MapFilter comparison"},
		{"map equals with not equals on one key", `{"ResourceTags": [{"Key": "Env", "Comparison": "EQUALS", "Value": "prod"}, {"Key": "Team", "Comparison": "NOT_EQUALS", "Value": "x"}, {"Key": "Env", "Comparison": "NOT_EQUALS", "Value": "dev"}]}`, []any{"ResourceTags", 2, "Comparison"}, "NOT_EQUALS cannot be combined with EQUALS (ResourceTags[0])"},
		{"number a string", `{"SeverityNormalized": [{"Gte": "40"}]}`, []any{"SeverityNormalized", 0, "Gte"}, "Gte must be a number, got a string"},
		{"number empty", `{"SeverityNormalized": [{}]}`, []any{"SeverityNormalized", 0}, "needs at least one of Eq, Gt, Gte, Lt, Lte"},
		{"number empty range", `{"SeverityNormalized": [{"Gt": 70, "Lt": 40}]}`, []any{"SeverityNormalized", 0}, "the range is empty"},
		{"number touching strict range", `{"SeverityNormalized": [{"Gt": 40, "Lte": 40}]}`, []any{"SeverityNormalized", 0}, "the range is empty"},
		{"number eq outside range", `{"SeverityNormalized": [{"Eq": 90, "Lt": 40}]}`, []any{"SeverityNormalized", 0, "Eq"}, "Eq 90 lies outside the range"},
		{"number beyond limits", `{"Confidence": [{"Gte": 6e9}]}`, []any{"Confidence", 0, "Gte"}, "numbers must lie within"},
		{"number too precise", `{"Confidence": [{"Gte": 0.1234567}]}`, []any{"Confidence", 0, "Gte"}, "at most 6 digits after the decimal point"},
		{"number overflow", `{"Confidence": [{"Gte": 1e400}]}`, []any{"Confidence", 0, "Gte"}, "Gte is out of range"},
		{"date empty", `{"CreatedAt": [{}]}`, []any{"CreatedAt", 0}, "needs Start, End or DateRange"},
		{"date bad start", `{"CreatedAt": [{"Start": "2020-13-01T00:00:00Z"}]}`, []any{"CreatedAt", 0, "Start"}, `Start "2020-13-01T00:00:00Z" is not a Security Hub timestamp`},
		{"date no zone", `{"CreatedAt": [{"End": "2020-01-01T00:00:00"}]}`, []any{"CreatedAt", 0, "End"}, "is not a Security Hub timestamp"},
		{"date offset too big", `{"CreatedAt": [{"End": "2020-01-01T00:00:00+18:30"}]}`, []any{"CreatedAt", 0, "End"}, "within ±18:00"},
		{"date fraction too long", `{"CreatedAt": [{"End": "2020-01-01T00:00:00.1234567890Z"}]}`, []any{"CreatedAt", 0, "End"}, "1 to 9 digits"},
		{"date end before start", `{"CreatedAt": [{"Start": "2021-01-01T00:00:00Z", "End": "2020-01-01T00:00:00Z"}]}`, []any{"CreatedAt", 0, "End"}, "is before Start"},
		{"date range value missing", `{"CreatedAt": [{"DateRange": {"Unit": "DAYS"}}]}`, []any{"CreatedAt", 0, "DateRange", "Value"}, "Value is required"},
		{"date range value fraction", `{"CreatedAt": [{"DateRange": {"Value": 1.5, "Unit": "DAYS"}}]}`, []any{"CreatedAt", 0, "DateRange", "Value"}, "whole number of days"},
		{"date range value negative", `{"CreatedAt": [{"DateRange": {"Value": -1}}]}`, []any{"CreatedAt", 0, "DateRange", "Value"}, "whole number of days"},
		{"date range unit", `{"CreatedAt": [{"DateRange": {"Value": 1, "Unit": "HOURS"}}]}`, []any{"CreatedAt", 0, "DateRange", "Unit"}, `unknown Unit "HOURS"; the only unit is DAYS`},
		{"date range comparison", `{"CreatedAt": [{"DateRange": {"Value": 1, "Comparison": "OLDER_THEN"}}]}`, []any{"CreatedAt", 0, "DateRange", "Comparison"}, "use WITHIN or OLDER_THAN (did you mean OLDER_THAN?)"},
		{"boolean a string", `{"Sample": [{"Value": "false"}]}`, []any{"Sample", 0, "Value"}, "Value must be true or false, got a string"},
		{"boolean missing", `{"Sample": [{}]}`, []any{"Sample", 0, "Value"}, "Value is required"},
		{"cidr bad", `{"NetworkSourceIpV4": [{"Cidr": "10.0.0.0/33"}]}`, []any{"NetworkSourceIpV4", 0, "Cidr"}, `Cidr "10.0.0.0/33" is not a CIDR block`},
		{"cidr not an address", `{"NetworkSourceIpV4": [{"Cidr": "example.com"}]}`, []any{"NetworkSourceIpV4", 0, "Cidr"}, "is not a CIDR block"},
		{"cidr wrong family", `{"NetworkSourceIpV4": [{"Cidr": "2001:db8::/32"}]}`, []any{"NetworkSourceIpV4", 0, "Cidr"}, "is an IPv6 network but this attribute holds IPv4 addresses"},
		{"cidr wrong family v6", `{"NetworkDestinationIpV6": [{"Cidr": "10.1.2.3"}]}`, []any{"NetworkDestinationIpV6", 0, "Cidr"}, "is an IPv4 network but this attribute holds IPv6 addresses"},
		{"keyword", `{"Keyword": [{"Value": "ssh"}]}`, []any{"Keyword"}, "Keyword is deprecated"},
		{"keyword shape", `{"Keyword": [{"Value": 1}]}`, []any{"Keyword", 0, "Value"}, "Value must be a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromFilters([]byte(tc.filters))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v (%T), want *Error", err, err)
			}
			if !reflect.DeepEqual(pe.Path, tc.path) && !(len(pe.Path) == 0 && len(tc.path) == 0) {
				t.Errorf("path = %#v, want %#v", pe.Path, tc.path)
			}
			if !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("message = %q, want it to contain %q", pe.Msg, tc.msg)
			}
			if _, _, lerr := FilterLimits([]byte(tc.filters)); lerr == nil || lerr.Error() != err.Error() {
				t.Errorf("FilterLimits error = %v, want %v", lerr, err)
			}
		})
	}
}

// TestFromFiltersErrorEchoIsBounded checks that an error quotes at most a
// short piece of a long input string.
func TestFromFiltersErrorEchoIsBounded(t *testing.T) {
	long := strings.Repeat("x", 10000)
	for _, filters := range []string{
		`{"` + long + `": []}`,
		`{"Title": [{"Comparison": "` + long + `", "Value": "v"}]}`,
		`{"NetworkSourceIpV4": [{"Cidr": "` + long + `"}]}`,
	} {
		_, err := FromFilters([]byte(filters))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("error = %v, want *Error", err)
		}
		if len(pe.Msg) > 600 {
			t.Errorf("message echoes %d bytes: %.120s…", len(pe.Msg), pe.Msg)
		}
	}
}

// TestFromFiltersReservedKeys checks map keys that are operator names in the
// pattern language ("prefix", "exists", ...) next to conditions written with
// "$or": they stay plain fields.
func TestFromFiltersReservedKeys(t *testing.T) {
	ev := loadFilterFixtures(t)
	tagged := func(tags map[string]any) []byte {
		return changedFilterFixture(t, ev["08"].finding, func(f map[string]any) {
			f["Resources"].([]any)[0].(map[string]any)["Tags"] = tags
		})
	}
	const filters = `{
		"ResourceTags": [{"Key": "prefix", "Comparison": "EQUALS", "Value": "x"}, {"Key": "exists", "Comparison": "NOT_EQUALS", "Value": "no"}],
		"ResourceType": [{"Comparison": "PREFIX", "Value": "AwsEc2"}, {"Comparison": "NOT_EQUALS", "Value": "AwsEc2Volume"}],
		"ProductName": [{"Comparison": "EQUALS", "Value": "GuardDuty"}],
		"CompanyName": [{"Comparison": "EQUALS", "Value": "Amazon"}]}`
	p := mustFromFilters(t, filters)
	for _, tc := range []struct {
		name string
		tags map[string]any
		want bool
	}{
		{"both tags pass", map[string]any{"prefix": "x", "exists": "yes"}, true},
		{"negative tag absent", map[string]any{"prefix": "x"}, true},
		{"positive tag wrong", map[string]any{"prefix": "y"}, false},
		{"negative tag excluded", map[string]any{"prefix": "x", "exists": "no"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.MatchAt(tagged(tc.tags), filterFixtureNow)
			if err != nil || got != tc.want {
				t.Errorf("match = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestFromFiltersTooComplex checks that filters whose "$or" expansion
// exceeds the engine's bound get an error that says what to do.
func TestFromFiltersTooComplex(t *testing.T) {
	var parts []string
	for _, name := range referenceAttributes[:13] {
		parts = append(parts, `"`+name+`": [{"Comparison": "PREFIX", "Value": "a"}, {"Comparison": "NOT_EQUALS", "Value": "ab"}]`)
	}
	_, err := FromFilters([]byte("{" + strings.Join(parts, ",") + "}"))
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "split them into several routes") {
		t.Fatalf("error = %v, want a complexity *Error", err)
	}
	// Each attribute doubles the alternatives; in sorted attribute order the
	// 13th, WorkflowStatus, passes 4096.
	if want := []any{"WorkflowStatus"}; !reflect.DeepEqual(pe.Path, want) {
		t.Errorf("path = %v, want %v", pe.Path, want)
	}
	// Far beyond the bound, translation stops early instead of building a
	// pattern of 2^40 alternatives.
	var huge []string
	for _, name := range awsSecurityFindingFilters {
		if a := filterAttributes[name]; a.kind == stringFilter && len(huge) < 40 {
			huge = append(huge, `"`+name+`": [{"Comparison": "PREFIX", "Value": "a"}, {"Comparison": "NOT_EQUALS", "Value": "ab"}]`)
		}
	}
	if _, err := FiltersToPattern([]byte("{" + strings.Join(huge, ",") + "}")); err == nil {
		t.Fatal("40 same-field conjunctions must be refused")
	}
	if _, err := FromFilters([]byte("{" + strings.Join(parts[:8], ",") + "}")); err != nil {
		t.Fatalf("eight same-field conjunctions must compile: %v", err)
	}
}

// awsSecurityFindingFilters lists the members of AwsSecurityFindingFilters
// in aws-sdk-go-v2 service/securityhub v1.71.2 (types.go).
var awsSecurityFindingFilters = strings.Fields(`
AwsAccountId AwsAccountName CompanyName ComplianceAssociatedStandardsId ComplianceSecurityControlId
ComplianceSecurityControlParametersName ComplianceSecurityControlParametersValue ComplianceStatus Confidence
CreatedAt Criticality Description FindingProviderFieldsConfidence FindingProviderFieldsCriticality
FindingProviderFieldsRelatedFindingsId FindingProviderFieldsRelatedFindingsProductArn
FindingProviderFieldsSeverityLabel FindingProviderFieldsSeverityOriginal FindingProviderFieldsTypes
FirstObservedAt GeneratorId Id Keyword LastObservedAt MalwareName MalwarePath MalwareState MalwareType
NetworkDestinationDomain NetworkDestinationIpV4 NetworkDestinationIpV6 NetworkDestinationPort NetworkDirection
NetworkProtocol NetworkSourceDomain NetworkSourceIpV4 NetworkSourceIpV6 NetworkSourceMac NetworkSourcePort
NoteText NoteUpdatedAt NoteUpdatedBy ProcessLaunchedAt ProcessName ProcessParentPid ProcessPath ProcessPid
ProcessTerminatedAt ProductArn ProductFields ProductName RecommendationText RecordState Region
RelatedFindingsId RelatedFindingsProductArn ResourceApplicationArn ResourceApplicationName
ResourceAwsEc2InstanceIamInstanceProfileArn ResourceAwsEc2InstanceImageId ResourceAwsEc2InstanceIpV4Addresses
ResourceAwsEc2InstanceIpV6Addresses ResourceAwsEc2InstanceKeyName ResourceAwsEc2InstanceLaunchedAt
ResourceAwsEc2InstanceSubnetId ResourceAwsEc2InstanceType ResourceAwsEc2InstanceVpcId
ResourceAwsIamAccessKeyCreatedAt ResourceAwsIamAccessKeyPrincipalName ResourceAwsIamAccessKeyStatus
ResourceAwsIamAccessKeyUserName ResourceAwsIamUserUserName ResourceAwsS3BucketOwnerId
ResourceAwsS3BucketOwnerName ResourceContainerImageId ResourceContainerImageName ResourceContainerLaunchedAt
ResourceContainerName ResourceDetailsOther ResourceId ResourcePartition ResourceRegion ResourceTags
ResourceType Sample SeverityLabel SeverityNormalized SeverityProduct SourceUrl ThreatIntelIndicatorCategory
ThreatIntelIndicatorLastObservedAt ThreatIntelIndicatorSource ThreatIntelIndicatorSourceUrl
ThreatIntelIndicatorType ThreatIntelIndicatorValue Title Type UpdatedAt UserDefinedFields VerificationState
VulnerabilitiesExploitAvailable VulnerabilitiesFixAvailable WorkflowState WorkflowStatus`)

// TestFilterAttributesCoverAPI checks that the attribute table holds every
// API attribute, and that each one (but the rejected Keyword) compiles to a
// pattern on its ASFF field that matches a finding holding a value there.
func TestFilterAttributesCoverAPI(t *testing.T) {
	if got := attributeNames(); !slices.Equal(got, awsSecurityFindingFilters) {
		t.Fatalf("attribute table differs from the API:\n got %v\nwant %v", got, awsSecurityFindingFilters)
	}
	sample := map[filterKind]struct {
		filter string
		value  any
	}{
		stringFilter:  {`[{"Comparison": "EQUALS", "Value": "v-1"}]`, "v-1"},
		numberFilter:  {`[{"Eq": 7}]`, 7},
		dateFilter:    {`[{"Start": "2021-01-01T00:00:00Z", "End": "2021-12-31T00:00:00Z"}]`, "2021-06-01T12:00:00.5Z"},
		mapFilter:     {`[{"Key": "k/1", "Comparison": "EQUALS", "Value": "v-1"}]`, map[string]any{"k/1": "v-1"}},
		booleanFilter: {`[{"Value": true}]`, true},
		ipFilter:      {`[{"Cidr": "10.1.0.0/16"}]`, "10.1.2.3"},
	}
	for _, name := range awsSecurityFindingFilters {
		a := filterAttributes[name]
		t.Run(name, func(t *testing.T) {
			if a.kind == keywordFilter {
				return
			}
			s := sample[a.kind]
			if a.ipv6 {
				s.filter, s.value = `[{"Cidr": "2001:db8::/32"}]`, "2001:db8::7"
			}
			p := mustFromFilters(t, `{"`+name+`": `+s.filter+`}`)
			match := func(value any) bool {
				finding := map[string]any{"Id": "x"}
				setFindingPath(finding, a.path, value)
				ok, err := p.MatchAt(filterImportedEvent(t, finding), filterFixtureNow)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if !match(s.value) {
				t.Errorf("%s does not match a finding with %v at %s", name, s.value, strings.Join(a.path, "."))
			}
			// The same value one level up must not match: the path is exact.
			if len(a.path) > 1 && match(map[string]any{"Other": s.value}) {
				t.Errorf("%s matches a value outside %s", name, strings.Join(a.path, "."))
			}
		})
	}
}

// setFindingPath stores v at path in obj, creating objects on the way; the first
// step below Resources and the list-valued ASFF objects become arrays, as in
// real findings.
func setFindingPath(obj map[string]any, path []string, v any) {
	for _, step := range path[:len(path)-1] {
		child := map[string]any{}
		switch step {
		case "Resources", "Malware", "ThreatIntelIndicators", "RelatedFindings", "Vulnerabilities", "SecurityControlParameters", "AssociatedStandards":
			obj[step] = []any{child}
		default:
			obj[step] = child
		}
		obj = child
	}
	obj[path[len(path)-1]] = v
}

// TestFilterLimits measures attributes and list lengths, counting a
// GetFindings request's Filters and ignoring null attributes.
func TestFilterLimits(t *testing.T) {
	many := `{"AwsAccountId": [` + strings.Repeat(`{"Comparison": "EQUALS", "Value": "1"},`, 24) + `{"Comparison": "EQUALS", "Value": "2"}]}`
	cases := []struct {
		name             string
		filters          string
		attrs, maxValues int
	}{
		{"empty", `{}`, 0, 0},
		{"null attribute", `{"Title": null, "Region": []}`, 1, 0},
		{"design route", string(readFilterTestFile(t, filepath.Join("testdata", "filters", "design-route.filters.json"))), 3, 3},
		{"request", string(readFilterTestFile(t, filepath.Join("testdata", "filters", "getfindings-request.filters.json"))), 2, 1},
		{"over the value limit", many, 1, 25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			attrs, maxValues, err := FilterLimits([]byte(tc.filters))
			if err != nil {
				t.Fatal(err)
			}
			if attrs != tc.attrs || maxValues != tc.maxValues {
				t.Errorf("FilterLimits = %d, %d; want %d, %d", attrs, maxValues, tc.attrs, tc.maxValues)
			}
		})
	}
	if _, err := FromFilters([]byte(many)); err != nil {
		t.Errorf("filters over the API limits must still compile: %v", err)
	}
}

func fixturesWithout(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
