package pattern

import (
	"slices"
	"strings"
)

// filterKind is the filter type an AwsSecurityFindingFilters attribute takes.
type filterKind uint8

const (
	stringFilter filterKind = iota
	numberFilter
	dateFilter
	mapFilter
	booleanFilter
	ipFilter
	keywordFilter
)

// String names the filter type as the Security Hub API reference does.
func (k filterKind) String() string {
	switch k {
	case stringFilter:
		return "StringFilter"
	case numberFilter:
		return "NumberFilter"
	case dateFilter:
		return "DateFilter"
	case mapFilter:
		return "MapFilter"
	case booleanFilter:
		return "BooleanFilter"
	case ipFilter:
		return "IpFilter"
	default:
		return "KeywordFilter"
	}
}

// filterAttribute describes one AwsSecurityFindingFilters attribute: the ASFF
// field it filters on, as path elements below the finding object. Arrays in
// the finding (Resources, Types, Malware, ...) are not path elements: the
// pattern language looks through them. A MapFilter's path is the map object;
// the filter's Key is appended to it as one more (literal) element.
type filterAttribute struct {
	kind filterKind
	path []string
	// alt is a second field holding the same value, matched as well: the
	// API reads ProductName and CompanyName from ProductFields while the
	// console reads the top-level fields.
	alt []string
	// ipv6 marks IpFilter attributes on IPv6 fields.
	ipv6 bool
}

// IP address families of the IpFilter attributes.
const (
	ipv4 = false
	ipv6 = true
)

func attr(kind filterKind, path ...string) filterAttribute {
	return filterAttribute{kind: kind, path: path}
}

func ipAttr(family bool, path ...string) filterAttribute {
	return filterAttribute{kind: ipFilter, path: path, ipv6: family}
}

// filterAttributes is every member of AwsSecurityFindingFilters (Security Hub
// API reference; aws-sdk-go-v2 service/securityhub v1.71.2 types.go) with its
// filter type and the ASFF field it reads. It is an immutable lookup table.
var filterAttributes = map[string]filterAttribute{
	"AwsAccountId":                                   attr(stringFilter, "AwsAccountId"),
	"AwsAccountName":                                 attr(stringFilter, "AwsAccountName"),
	"CompanyName":                                    {kind: stringFilter, path: []string{"CompanyName"}, alt: []string{"ProductFields", "aws/securityhub/CompanyName"}},
	"ComplianceAssociatedStandardsId":                attr(stringFilter, "Compliance", "AssociatedStandards", "StandardsId"),
	"ComplianceSecurityControlId":                    attr(stringFilter, "Compliance", "SecurityControlId"),
	"ComplianceSecurityControlParametersName":        attr(stringFilter, "Compliance", "SecurityControlParameters", "Name"),
	"ComplianceSecurityControlParametersValue":       attr(stringFilter, "Compliance", "SecurityControlParameters", "Value"),
	"ComplianceStatus":                               attr(stringFilter, "Compliance", "Status"),
	"Confidence":                                     attr(numberFilter, "Confidence"),
	"CreatedAt":                                      attr(dateFilter, "CreatedAt"),
	"Criticality":                                    attr(numberFilter, "Criticality"),
	"Description":                                    attr(stringFilter, "Description"),
	"FindingProviderFieldsConfidence":                attr(numberFilter, "FindingProviderFields", "Confidence"),
	"FindingProviderFieldsCriticality":               attr(numberFilter, "FindingProviderFields", "Criticality"),
	"FindingProviderFieldsRelatedFindingsId":         attr(stringFilter, "FindingProviderFields", "RelatedFindings", "Id"),
	"FindingProviderFieldsRelatedFindingsProductArn": attr(stringFilter, "FindingProviderFields", "RelatedFindings", "ProductArn"),
	"FindingProviderFieldsSeverityLabel":             attr(stringFilter, "FindingProviderFields", "Severity", "Label"),
	"FindingProviderFieldsSeverityOriginal":          attr(stringFilter, "FindingProviderFields", "Severity", "Original"),
	"FindingProviderFieldsTypes":                     attr(stringFilter, "FindingProviderFields", "Types"),
	"FirstObservedAt":                                attr(dateFilter, "FirstObservedAt"),
	"GeneratorId":                                    attr(stringFilter, "GeneratorId"),
	"Id":                                             attr(stringFilter, "Id"),
	"Keyword":                                        attr(keywordFilter),
	"LastObservedAt":                                 attr(dateFilter, "LastObservedAt"),
	"MalwareName":                                    attr(stringFilter, "Malware", "Name"),
	"MalwarePath":                                    attr(stringFilter, "Malware", "Path"),
	"MalwareState":                                   attr(stringFilter, "Malware", "State"),
	"MalwareType":                                    attr(stringFilter, "Malware", "Type"),
	"NetworkDestinationDomain":                       attr(stringFilter, "Network", "DestinationDomain"),
	"NetworkDestinationIpV4":                         ipAttr(ipv4, "Network", "DestinationIpV4"),
	"NetworkDestinationIpV6":                         ipAttr(ipv6, "Network", "DestinationIpV6"),
	"NetworkDestinationPort":                         attr(numberFilter, "Network", "DestinationPort"),
	"NetworkDirection":                               attr(stringFilter, "Network", "Direction"),
	"NetworkProtocol":                                attr(stringFilter, "Network", "Protocol"),
	"NetworkSourceDomain":                            attr(stringFilter, "Network", "SourceDomain"),
	"NetworkSourceIpV4":                              ipAttr(ipv4, "Network", "SourceIpV4"),
	"NetworkSourceIpV6":                              ipAttr(ipv6, "Network", "SourceIpV6"),
	"NetworkSourceMac":                               attr(stringFilter, "Network", "SourceMac"),
	"NetworkSourcePort":                              attr(numberFilter, "Network", "SourcePort"),
	"NoteText":                                       attr(stringFilter, "Note", "Text"),
	"NoteUpdatedAt":                                  attr(dateFilter, "Note", "UpdatedAt"),
	"NoteUpdatedBy":                                  attr(stringFilter, "Note", "UpdatedBy"),
	"ProcessLaunchedAt":                              attr(dateFilter, "Process", "LaunchedAt"),
	"ProcessName":                                    attr(stringFilter, "Process", "Name"),
	"ProcessParentPid":                               attr(numberFilter, "Process", "ParentPid"),
	"ProcessPath":                                    attr(stringFilter, "Process", "Path"),
	"ProcessPid":                                     attr(numberFilter, "Process", "Pid"),
	"ProcessTerminatedAt":                            attr(dateFilter, "Process", "TerminatedAt"),
	"ProductArn":                                     attr(stringFilter, "ProductArn"),
	"ProductFields":                                  attr(mapFilter, "ProductFields"),
	"ProductName":                                    {kind: stringFilter, path: []string{"ProductName"}, alt: []string{"ProductFields", "aws/securityhub/ProductName"}},
	"RecommendationText":                             attr(stringFilter, "Remediation", "Recommendation", "Text"),
	"RecordState":                                    attr(stringFilter, "RecordState"),
	"Region":                                         attr(stringFilter, "Region"),
	"RelatedFindingsId":                              attr(stringFilter, "RelatedFindings", "Id"),
	"RelatedFindingsProductArn":                      attr(stringFilter, "RelatedFindings", "ProductArn"),
	"ResourceApplicationArn":                         attr(stringFilter, "Resources", "ApplicationArn"),
	"ResourceApplicationName":                        attr(stringFilter, "Resources", "ApplicationName"),
	"ResourceAwsEc2InstanceIamInstanceProfileArn":    attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "IamInstanceProfileArn"),
	"ResourceAwsEc2InstanceImageId":                  attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "ImageId"),
	"ResourceAwsEc2InstanceIpV4Addresses":            ipAttr(ipv4, "Resources", "Details", "AwsEc2Instance", "IpV4Addresses"),
	"ResourceAwsEc2InstanceIpV6Addresses":            ipAttr(ipv6, "Resources", "Details", "AwsEc2Instance", "IpV6Addresses"),
	"ResourceAwsEc2InstanceKeyName":                  attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "KeyName"),
	"ResourceAwsEc2InstanceLaunchedAt":               attr(dateFilter, "Resources", "Details", "AwsEc2Instance", "LaunchedAt"),
	"ResourceAwsEc2InstanceSubnetId":                 attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "SubnetId"),
	"ResourceAwsEc2InstanceType":                     attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "Type"),
	"ResourceAwsEc2InstanceVpcId":                    attr(stringFilter, "Resources", "Details", "AwsEc2Instance", "VpcId"),
	"ResourceAwsIamAccessKeyCreatedAt":               attr(dateFilter, "Resources", "Details", "AwsIamAccessKey", "CreatedAt"),
	"ResourceAwsIamAccessKeyPrincipalName":           attr(stringFilter, "Resources", "Details", "AwsIamAccessKey", "PrincipalName"),
	"ResourceAwsIamAccessKeyStatus":                  attr(stringFilter, "Resources", "Details", "AwsIamAccessKey", "Status"),
	"ResourceAwsIamAccessKeyUserName":                attr(stringFilter, "Resources", "Details", "AwsIamAccessKey", "UserName"),
	"ResourceAwsIamUserUserName":                     attr(stringFilter, "Resources", "Details", "AwsIamUser", "UserName"),
	"ResourceAwsS3BucketOwnerId":                     attr(stringFilter, "Resources", "Details", "AwsS3Bucket", "OwnerId"),
	"ResourceAwsS3BucketOwnerName":                   attr(stringFilter, "Resources", "Details", "AwsS3Bucket", "OwnerName"),
	"ResourceContainerImageId":                       attr(stringFilter, "Resources", "Details", "Container", "ImageId"),
	"ResourceContainerImageName":                     attr(stringFilter, "Resources", "Details", "Container", "ImageName"),
	"ResourceContainerLaunchedAt":                    attr(dateFilter, "Resources", "Details", "Container", "LaunchedAt"),
	"ResourceContainerName":                          attr(stringFilter, "Resources", "Details", "Container", "Name"),
	"ResourceDetailsOther":                           attr(mapFilter, "Resources", "Details", "Other"),
	"ResourceId":                                     attr(stringFilter, "Resources", "Id"),
	"ResourcePartition":                              attr(stringFilter, "Resources", "Partition"),
	"ResourceRegion":                                 attr(stringFilter, "Resources", "Region"),
	"ResourceTags":                                   attr(mapFilter, "Resources", "Tags"),
	"ResourceType":                                   attr(stringFilter, "Resources", "Type"),
	"Sample":                                         attr(booleanFilter, "Sample"),
	"SeverityLabel":                                  attr(stringFilter, "Severity", "Label"),
	"SeverityNormalized":                             attr(numberFilter, "Severity", "Normalized"),
	"SeverityProduct":                                attr(numberFilter, "Severity", "Product"),
	"SourceUrl":                                      attr(stringFilter, "SourceUrl"),
	"ThreatIntelIndicatorCategory":                   attr(stringFilter, "ThreatIntelIndicators", "Category"),
	"ThreatIntelIndicatorLastObservedAt":             attr(dateFilter, "ThreatIntelIndicators", "LastObservedAt"),
	"ThreatIntelIndicatorSource":                     attr(stringFilter, "ThreatIntelIndicators", "Source"),
	"ThreatIntelIndicatorSourceUrl":                  attr(stringFilter, "ThreatIntelIndicators", "SourceUrl"),
	"ThreatIntelIndicatorType":                       attr(stringFilter, "ThreatIntelIndicators", "Type"),
	"ThreatIntelIndicatorValue":                      attr(stringFilter, "ThreatIntelIndicators", "Value"),
	"Title":                                          attr(stringFilter, "Title"),
	"Type":                                           attr(stringFilter, "Types"),
	"UpdatedAt":                                      attr(dateFilter, "UpdatedAt"),
	"UserDefinedFields":                              attr(mapFilter, "UserDefinedFields"),
	"VerificationState":                              attr(stringFilter, "VerificationState"),
	"VulnerabilitiesExploitAvailable":                attr(stringFilter, "Vulnerabilities", "ExploitAvailable"),
	"VulnerabilitiesFixAvailable":                    attr(stringFilter, "Vulnerabilities", "FixAvailable"),
	"WorkflowState":                                  attr(stringFilter, "WorkflowState"),
	"WorkflowStatus":                                 attr(stringFilter, "Workflow", "Status"),
}

// suggestAttribute proposes the attribute a misspelt or mis-cased name most
// likely meant, or "" when nothing is close. Dotted ASFF paths such as
// "Severity.Label" are mapped back to their attribute.
func suggestAttribute(name string) string {
	dotted := strings.ReplaceAll(strings.ToLower(name), "/", ".")
	for attrName, a := range filterAttributes {
		if a.kind != keywordFilter && strings.ToLower(strings.Join(a.path, ".")) == dotted {
			return attrName
		}
	}
	return closestName(name, attributeNames())
}

// attributeNames lists the attribute names in sorted order.
func attributeNames() []string {
	names := make([]string, 0, len(filterAttributes))
	for n := range filterAttributes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
