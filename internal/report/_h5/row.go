package report

import (
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// severity indexes severities, most severe first.
type severity uint8

// severities are the severity labels in report order. A finding without a
// label counts as INFORMATIONAL.
var severities = [...]string{
	finding.LabelCritical, finding.LabelHigh, finding.LabelMedium, finding.LabelLow, finding.LabelInformational,
}

const numSeverities = len(severities)

const sevInformational = severity(numSeverities - 1)

// severityOf returns the index of a severity label.
func severityOf(label string) severity {
	for i, s := range severities {
		if s == label {
			return severity(i)
		}
	}
	return sevInformational
}

// change says how a finding stands against the previous report.
type change uint8

const (
	changeNone      change = iota // there is no previous report
	changeNew                     // not in the previous report
	changeStillOpen               // in the previous report too
)

// row is what a report keeps of one open finding: the fields it shows, as
// compact as they can be. Finding.Raw and everything else is dropped as
// soon as a page is read, so a 100,000-finding report holds about 30 MB
// of rows rather than the pages' 300 MB of JSON. Strings that repeat
// across findings (accounts, products, controls, titles...) are interned.
type row struct {
	productARN, id, providerID string
	product, account, region   string
	control, title             string
	resourceType, resourceID   string
	compliance, workflow       string
	remediation                string
	format                     finding.Format
	sev                        severity
	change                     change
	first, last                int64 // unix milliseconds; 0 when unknown
	age                        int32 // days, from first to the report's day
}

// interner returns one copy of each distinct string it is given.
type interner map[string]string

func (in interner) get(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in[s]; ok {
		return v
	}
	s = strings.Clone(s)
	in[s] = s
	return s
}

// newRow converts an open finding into a row.
func newRow(f *finding.Finding, in interner) row {
	r := row{
		productARN:  in.get(f.ProductARN),
		id:          strings.Clone(f.ID),
		product:     in.get(productName(f)),
		account:     in.get(f.AccountID),
		region:      in.get(f.Region),
		control:     in.get(controlOrRule(f)),
		title:       in.get(f.Title),
		compliance:  in.get(f.Compliance.Status),
		workflow:    in.get(f.Workflow),
		remediation: in.get(f.Remediation.URL),
		format:      f.Format,
		sev:         severityOf(f.Severity.Label),
		first:       millis(firstSeen(f)),
		last:        millis(lastSeen(f)),
	}
	if f.ProviderID != "" && f.ProviderID != f.ID {
		r.providerID = strings.Clone(f.ProviderID)
	}
	if len(f.Resources) > 0 {
		r.resourceType = in.get(f.Resources[0].Type)
		r.resourceID = strings.Clone(f.Resources[0].ID)
	}
	return r
}

// finding rebuilds the part of a Finding that its console link needs.
func (r *row) finding() *finding.Finding {
	return &finding.Finding{ID: r.id, ProviderID: r.providerID, ProductARN: r.productARN, Region: r.region, Format: r.format}
}

// consoleURL is the row's Security Hub console link; region is the
// aggregation region the report read, or "" for the finding's own.
func (r *row) consoleURL(region string) string { return finding.ConsoleURL(r.finding(), region) }

func productName(f *finding.Finding) string {
	if f.ProductName != "" {
		return f.ProductName
	}
	// The product ARN's last part: "product/aws/guardduty" → "guardduty".
	if i := strings.LastIndexByte(f.ProductARN, '/'); i >= 0 {
		return f.ProductARN[i+1:]
	}
	return f.ProductARN
}

// firstSeen is FirstObservedAt, else CreatedAt.
func firstSeen(f *finding.Finding) time.Time {
	if !f.FirstObservedAt.IsZero() {
		return f.FirstObservedAt
	}
	return f.CreatedAt
}

// lastSeen is LastObservedAt, else UpdatedAt.
func lastSeen(f *finding.Finding) time.Time {
	if !f.LastObservedAt.IsZero() {
		return f.LastObservedAt
	}
	return f.UpdatedAt
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// ageDays counts the calendar days in loc from first to now: 0 on the day
// it was first seen. Unknown or future first times give 0.
func ageDays(first int64, now time.Time, loc *time.Location) int32 {
	if first == 0 {
		return 0
	}
	a := dayNumber(time.UnixMilli(first).In(loc))
	b := dayNumber(now.In(loc))
	if b < a {
		return 0
	}
	return int32(b - a)
}

// dayNumber numbers the calendar day of t's wall clock.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
