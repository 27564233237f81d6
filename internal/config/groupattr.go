package config

import "slices"

// groupAttributeNames lists the Security Hub finding filter attribute names a route
// may group by. The route package reads each from the normalized finding and
// its tests check that it knows every name here.
func groupAttributeNames() []string {
	return []string{
		"AwsAccountId",
		"CompanyName",
		"ComplianceAssociatedStandardsId",
		"ComplianceSecurityControlId",
		"ComplianceStatus",
		"GeneratorId",
		"Id",
		"ProductArn",
		"ProductName",
		"RecordState",
		"Region",
		"ResourceId",
		"ResourcePartition",
		"ResourceRegion",
		"ResourceType",
		"SeverityLabel",
		"Title",
		"Type",
		"WorkflowStatus",
	}
}

// GroupAttributes returns the attribute names group.by accepts, sorted. The
// caller owns the returned slice.
func GroupAttributes() []string {
	return groupAttributeNames()
}

// IsGroupAttribute reports whether group.by accepts name. Names are
// case-sensitive, as in Security Hub filters.
func IsGroupAttribute(name string) bool {
	return slices.Contains(groupAttributeNames(), name)
}
