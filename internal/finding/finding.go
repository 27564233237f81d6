package finding

import (
	"encoding/json"
	"time"
)

// Format names the schema a finding arrived in.
type Format string

// The finding formats Security Hub produces.
const (
	// FormatASFF is the AWS Security Finding Format of Security Hub CSPM
	// (detail-type "Security Hub Findings - Imported" / "... - Custom Action").
	FormatASFF Format = "asff"
	// FormatOCSF is the OCSF format of the new Security Hub
	// (detail-type "Findings Imported V2").
	FormatOCSF Format = "ocsf"
)

// Finding is the normalized view of one Security Hub finding. Every package
// above finding reads findings through this type; Raw keeps the finding exactly
// as received for templates and for matching.
//
// Fields absent from the input are left at their zero value.
type Finding struct {
	ID          string // ASFF Id; OCSF metadata.uid (falls back to finding_info.uid)
	ProviderID  string // the producer's own id: ASFF Id; OCSF finding_info.uid (the console searches by it; with AccountID and ProductARN it names the finding to BatchUpdateFindingsV2)
	ProductARN  string // ASFF ProductArn; OCSF metadata.product.uid
	ProductName string // ASFF ProductName (or ProductFields "aws/securityhub/ProductName"); OCSF metadata.product.name
	CompanyName string // ASFF CompanyName (or ProductFields "aws/securityhub/CompanyName"); OCSF metadata.product.vendor_name
	GeneratorID string // ASFF GeneratorId; OCSF finding_info.analytic.uid or compliance.control

	AccountID string // ASFF AwsAccountId; OCSF cloud.account.uid
	Region    string // ASFF Region (else the region in the Id or ProductArn ARN, else Resources[0].Region); OCSF cloud.region

	Title       string
	Description string

	Severity   Severity
	Types      []string
	Resources  []Resource
	Compliance Compliance

	Workflow    string // ASFF Workflow.Status (NEW, NOTIFIED, RESOLVED, SUPPRESSED), else the deprecated WorkflowState; OCSF status upper-cased
	RecordState string // ASFF RecordState (ACTIVE, ARCHIVED); OCSF: ARCHIVED when activity is Close, else ACTIVE

	Remediation Remediation

	// Times keep the offset they were written with. OCSF: finding_info
	// created_time, modified_time (else time), first_seen_time and
	// last_seen_time, from the *_dt form when present, else epoch ms.
	CreatedAt       time.Time
	UpdatedAt       time.Time
	FirstObservedAt time.Time
	LastObservedAt  time.Time

	// ActionName is the custom action's name when the finding arrived in a
	// "Security Hub Findings - Custom Action" event; empty otherwise.
	ActionName string

	Format Format
	Raw    json.RawMessage // the finding object as received, byte for byte
}

// Severity is a finding's severity.
type Severity struct {
	Label      string // INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL (upper case)
	Normalized int    // 0-100
}

// Resource is one resource a finding is about.
type Resource struct {
	Type      string
	ID        string
	Partition string
	Region    string
	Tags      map[string]string
}

// Compliance is the compliance part of a control finding.
type Compliance struct {
	Status              string   // PASSED, WARNING, FAILED, NOT_AVAILABLE; empty when absent
	SecurityControlID   string   // e.g. "CloudTrail.2"
	Standards           []string // standards ARNs or IDs the control belongs to
	RelatedRequirements []string
}

// Remediation is the recommended fix.
type Remediation struct {
	Text string
	URL  string
}
