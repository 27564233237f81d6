package route

import (
	"slices"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// attribute reads one Security Hub filter attribute from a normalized
// finding, for group keys. Exactly one of one and many is set.
type attribute struct {
	name string
	one  func(f *finding.Finding) string
	many func(f *finding.Finding) []string
}

// lookupAttribute returns the reader of a group.by attribute name (the names
// config.IsGroupAttribute accepts).
func lookupAttribute(name string) (attribute, bool) {
	one := func(get func(f *finding.Finding) string) (attribute, bool) {
		return attribute{name: name, one: get}, true
	}
	many := func(get func(f *finding.Finding) []string) (attribute, bool) {
		return attribute{name: name, many: get}, true
	}
	switch name {
	case "AwsAccountId":
		return one(func(f *finding.Finding) string { return f.AccountID })
	case "CompanyName":
		return one(func(f *finding.Finding) string { return f.CompanyName })
	case "ComplianceAssociatedStandardsId":
		return many(func(f *finding.Finding) []string { return f.Compliance.Standards })
	case "ComplianceSecurityControlId":
		return one(func(f *finding.Finding) string { return f.Compliance.SecurityControlID })
	case "ComplianceStatus":
		return one(func(f *finding.Finding) string { return f.Compliance.Status })
	case "GeneratorId":
		return one(func(f *finding.Finding) string { return f.GeneratorID })
	case "Id":
		return one(func(f *finding.Finding) string { return f.ID })
	case "ProductArn":
		return one(func(f *finding.Finding) string { return f.ProductARN })
	case "ProductName":
		return one(func(f *finding.Finding) string { return f.ProductName })
	case "RecordState":
		return one(func(f *finding.Finding) string { return f.RecordState })
	case "Region":
		return one(func(f *finding.Finding) string { return f.Region })
	case "ResourceId":
		return many(resourceField(func(r finding.Resource) string { return r.ID }))
	case "ResourcePartition":
		return many(resourceField(func(r finding.Resource) string { return r.Partition }))
	case "ResourceRegion":
		return many(resourceField(func(r finding.Resource) string { return r.Region }))
	case "ResourceType":
		return many(resourceField(func(r finding.Resource) string { return r.Type }))
	case "SeverityLabel":
		return one(func(f *finding.Finding) string { return f.Severity.Label })
	case "Title":
		return one(func(f *finding.Finding) string { return f.Title })
	case "Type":
		return many(func(f *finding.Finding) []string { return f.Types })
	case "WorkflowStatus":
		return one(func(f *finding.Finding) string { return f.Workflow })
	}
	return attribute{}, false
}

func resourceField(get func(finding.Resource) string) func(f *finding.Finding) []string {
	return func(f *finding.Finding) []string {
		out := make([]string, 0, len(f.Resources))
		for _, r := range f.Resources {
			out = append(out, get(r))
		}
		return out
	}
}

// values returns the attribute's values as a sorted set without empty
// strings, for multi-valued attributes.
func (a attribute) values(f *finding.Finding) []string {
	vals := slices.Clone(a.many(f))
	vals = slices.DeleteFunc(vals, func(s string) bool { return s == "" })
	slices.Sort(vals)
	return slices.Compact(vals)
}
