package finding

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// asffFinding holds the ASFF attributes Finding is built from; every other
// attribute stays in Raw. Field types follow the ASFF schema, so a wrongly
// typed attribute is an error naming it.
type asffFinding struct {
	Id                    string
	ProductArn            string
	ProductName           string
	CompanyName           string
	GeneratorId           string
	AwsAccountId          string
	Region                string
	Title                 string
	Description           string
	Severity              *asffSeverity
	FindingProviderFields *asffProviderFields
	Types                 []string
	Resources             []asffResource
	Compliance            *asffCompliance
	Workflow              *struct{ Status string }
	WorkflowState         string
	RecordState           string
	Remediation           *struct {
		Recommendation *struct{ Text, Url string }
	}
	CreatedAt       string
	UpdatedAt       string
	FirstObservedAt string
	LastObservedAt  string
	ProductFields   map[string]string
}

type asffSeverity struct {
	Label      string
	Normalized *float64
}

type asffProviderFields struct {
	Severity *struct{ Label string }
	Types    []string
}

type asffResource struct {
	Type      string
	Id        string
	Partition string
	Region    string
	Tags      map[string]string
}

type asffCompliance struct {
	Status              string
	SecurityControlId   string
	RelatedRequirements []string
	AssociatedStandards []struct{ StandardsId string }
}

// ProductFields keys Security Hub fills in.
const (
	productNameField = "aws/securityhub/ProductName"
	companyNameField = "aws/securityhub/CompanyName"
	findingIDField   = "aws/securityhub/FindingId" // ProductArn + "/" + Id
)

// decodeASFF normalizes one ASFF finding. raw must be a valid JSON object.
// It also returns how Security Hub names the finding in an event's resources
// (ProductFields "aws/securityhub/FindingId", when present).
// ms are raw's top-level members, with offsets relative to raw.
func decodeASFF(raw []byte, ms []member) (*Finding, string, *fieldError) {
	var a asffFinding
	if err := readASFF(raw, ms, &a); err != nil {
		return nil, "", err
	}
	return normalizeASFF(&a, raw)
}

// normalizeASFF builds the Finding of the attributes read into a.
func normalizeASFF(a *asffFinding, raw []byte) (*Finding, string, *fieldError) {
	if a.Id == "" {
		return nil, "", &fieldError{off: -1, msg: "Id is missing or empty (an ASFF finding needs at least an Id)"}
	}
	f := &Finding{
		ID:          a.Id,
		ProviderID:  a.Id,
		ProductARN:  a.ProductArn,
		ProductName: firstNonEmpty(a.ProductName, a.ProductFields[productNameField]),
		CompanyName: firstNonEmpty(a.CompanyName, a.ProductFields[companyNameField]),
		GeneratorID: a.GeneratorId,
		AccountID:   a.AwsAccountId,
		Title:       a.Title,
		Description: a.Description,
		Types:       a.Types,
		RecordState: a.RecordState,
		Format:      FormatASFF,
		Raw:         json.RawMessage(raw),
	}
	f.Region = asffRegion(a)
	if len(f.Types) == 0 && a.FindingProviderFields != nil {
		f.Types = a.FindingProviderFields.Types
	}
	sev, err := asffSeverityOf(a)
	if err != nil {
		return nil, "", err
	}
	f.Severity = sev
	f.Resources = asffResources(a.Resources)
	f.Compliance = asffComplianceOf(a)
	if a.Workflow != nil && a.Workflow.Status != "" {
		f.Workflow = a.Workflow.Status
	} else {
		f.Workflow = a.WorkflowState // deprecated, still sent by every producer
	}
	if a.Remediation != nil && a.Remediation.Recommendation != nil {
		f.Remediation = Remediation{Text: a.Remediation.Recommendation.Text, URL: a.Remediation.Recommendation.Url}
	}
	for _, ts := range []struct {
		name  string
		value string
		into  *time.Time
	}{
		{"CreatedAt", a.CreatedAt, &f.CreatedAt},
		{"UpdatedAt", a.UpdatedAt, &f.UpdatedAt},
		{"FirstObservedAt", a.FirstObservedAt, &f.FirstObservedAt},
		{"LastObservedAt", a.LastObservedAt, &f.LastObservedAt},
	} {
		if ts.value == "" {
			continue
		}
		t, err := parseTimestamp(ts.value)
		if err != nil {
			return nil, "", &fieldError{off: -1, field: ts.name, msg: fmt.Sprintf("%s: %v", ts.name, err)}
		}
		*ts.into = t
	}
	return f, a.ProductFields[findingIDField], nil
}

// asffRegion is Region, else the region named in the Id or ProductArn ARN,
// else the first resource's region.
func asffRegion(a *asffFinding) string {
	if a.Region != "" {
		return a.Region
	}
	for _, arn := range []string{a.Id, a.ProductArn} {
		if r := arnRegion(arn); r != "" {
			return r
		}
	}
	if len(a.Resources) > 0 && looksLikeRegion(a.Resources[0].Region) {
		return a.Resources[0].Region
	}
	return ""
}

// asffSeverityOf applies the documented fallbacks: Label, else the label for
// Normalized, else FindingProviderFields.Severity.Label; Normalized as given,
// else the value for the label. Severity.Product alone has no documented
// mapping (its scale is the provider's) and gives no label.
func asffSeverityOf(a *asffFinding) (Severity, *fieldError) {
	var label string
	var normalized *int
	if a.Severity != nil {
		if a.Severity.Label != "" {
			l, ok := canonicalLabel(a.Severity.Label)
			if !ok {
				return Severity{}, &fieldError{off: -1, field: "Severity", msg: fmt.Sprintf("Severity.Label is %q, want one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL", a.Severity.Label)}
			}
			label = l
		}
		if p := a.Severity.Normalized; p != nil {
			if *p != math.Trunc(*p) || *p < 0 || *p > 100 {
				return Severity{}, &fieldError{off: -1, field: "Severity", msg: fmt.Sprintf("Severity.Normalized is %v, want an integer from 0 to 100", *p)}
			}
			n := int(*p)
			normalized = &n
		}
	}
	if label == "" && normalized != nil {
		label = labelForNormalized(*normalized)
	}
	if label == "" && a.FindingProviderFields != nil && a.FindingProviderFields.Severity != nil {
		if l, ok := canonicalLabel(a.FindingProviderFields.Severity.Label); ok {
			label = l
		}
	}
	sev := Severity{Label: label}
	if normalized != nil {
		sev.Normalized = *normalized
	} else {
		sev.Normalized, _ = normalizedForLabel(label)
	}
	return sev, nil
}

func asffResources(in []asffResource) []Resource {
	if len(in) == 0 {
		return nil
	}
	out := make([]Resource, len(in))
	for k, r := range in {
		out[k] = Resource{Type: r.Type, ID: r.Id, Partition: r.Partition, Region: r.Region, Tags: r.Tags}
	}
	return out
}

// asffComplianceOf reads Compliance; the standards come from
// Compliance.AssociatedStandards, else (findings from before consolidated
// control findings) from ProductFields StandardsArn or StandardsGuideArn.
func asffComplianceOf(a *asffFinding) Compliance {
	var c Compliance
	if a.Compliance != nil {
		c.Status = a.Compliance.Status
		c.SecurityControlID = a.Compliance.SecurityControlId
		c.RelatedRequirements = a.Compliance.RelatedRequirements
		for _, s := range a.Compliance.AssociatedStandards {
			if s.StandardsId != "" {
				c.Standards = append(c.Standards, s.StandardsId)
			}
		}
	}
	if len(c.Standards) == 0 {
		if s := firstNonEmpty(a.ProductFields["StandardsArn"], a.ProductFields["StandardsGuideArn"]); s != "" {
			c.Standards = []string{s}
		}
	}
	return c
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// arnRegion returns the region field of an ARN when it looks like a region.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" || !looksLikeRegion(parts[3]) {
		return ""
	}
	return parts[3]
}

// arnPartition returns the partition field of an ARN, or "".
func arnPartition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// looksLikeRegion reports whether s has the shape of an AWS region name:
// lower-case words joined by hyphens ending in a number (us-east-1,
// us-gov-west-1, cn-north-1, eu-isoe-west-1).
func looksLikeRegion(s string) bool {
	words := strings.Split(s, "-")
	if len(words) < 3 {
		return false
	}
	for k, w := range words {
		if w == "" {
			return false
		}
		last := k == len(words)-1
		for i := 0; i < len(w); i++ {
			c := w[i]
			if last && !isDigit(c) || !last && (c < 'a' || c > 'z') {
				return false
			}
		}
	}
	return true
}
