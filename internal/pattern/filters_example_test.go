package pattern_test

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// A route written as Security Hub finding filters runs on the same engine
// as EventBridge patterns: it matches the Imported event of a finding.
func ExampleFromFilters() {
	p, err := pattern.FromFilters([]byte(`{
		"ProductName":   [{"Comparison": "EQUALS", "Value": "GuardDuty"}],
		"SeverityLabel": [{"Comparison": "EQUALS", "Value": "HIGH"}, {"Comparison": "EQUALS", "Value": "CRITICAL"}],
		"ResourceType":  [{"Comparison": "PREFIX", "Value": "AwsEc2"}, {"Comparison": "NOT_EQUALS", "Value": "AwsEc2NetworkInterface"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported",
		"detail": {"findings": [{
			"ProductFields": {"aws/securityhub/ProductName": "GuardDuty"},
			"Severity": {"Label": "HIGH"},
			"Resources": [{"Type": "AwsEc2Instance"}]}]}}`)
	ok, err := p.Match(event)
	fmt.Println(ok, err)
	// Output: true <nil>
}

// Mistakes are reported with the path to the offending filter.
func ExampleFromFilters_error() {
	_, err := pattern.FromFilters([]byte(`{"SeverityLabel": [
		{"Comparison": "EQUALS", "Value": "HIGH"},
		{"Comparison": "NOT_EQUALS", "Value": "LOW"}]}`))
	fmt.Println(err)
	// Output: pattern: SeverityLabel[1].Comparison: NOT_EQUALS cannot be combined with EQUALS (SeverityLabel[0]) on the same field
}

// FiltersToPattern shows the EventBridge pattern a filter compiles to.
func ExampleFiltersToPattern() {
	p, err := pattern.FiltersToPattern([]byte(`{"ComplianceStatus": [{"Comparison": "NOT_EQUALS", "Value": "PASSED"}]}`))
	fmt.Println(string(p), err)
	// Output: {"detail":{"findings":{"Compliance":{"Status":[{"exists":false},{"anything-but":["PASSED"]}]}}}} <nil>
}
