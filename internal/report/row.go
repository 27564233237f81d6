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

// sym numbers a string of a report's symbol table; 0 is "".
type sym uint32

// symbols interns the strings that repeat across findings (accounts,
// products, controls, titles...): each is kept once and rows hold its
// number. Not safe for concurrent use; a Report only reads list.
type symbols struct {
	index map[string]sym
	list  []string
}

func newSymbols() *symbols {
	return &symbols{index: map[string]sym{"": 0}, list: []string{""}}
}

// add returns the number of v, adding a copy of it if it is new.
func (s *symbols) add(v string) sym {
	if k, ok := s.index[v]; ok {
		return k
	}
	k := sym(len(s.list))
	v = strings.Clone(v)
	s.index[v] = k
	s.list = append(s.list, v)
	return k
}

// row is what a report keeps of one open finding: the fields it shows, as
// compact as they can be (104 bytes, and its Id). Pages
// are turned into rows as soon as they are read, so Finding.Raw and the
// rest are never kept: 100,000 findings take about 30 MB of rows rather
// than the pages' 300 MB of JSON, and hold few pointers for the garbage
// collector to follow.
type row struct {
	id, providerID string
	first, last    int64 // unix milliseconds; 0 when unknown

	productARN, product, account, region, control, title        sym
	resourceType, resourceID, compliance, workflow, remediation sym

	age    int32 // days, from first to the report's day
	sev    severity
	change change
	ocsf   bool // the finding came as OCSF (its console link differs)
}

// newRow converts an open finding into a row.
func newRow(f *finding.Finding, syms *symbols) row {
	r := row{
		id:          strings.Clone(f.ID),
		productARN:  syms.add(f.ProductARN),
		product:     syms.add(productName(f)),
		account:     syms.add(f.AccountID),
		region:      syms.add(f.Region),
		control:     syms.add(controlOrRule(f)),
		title:       syms.add(f.Title),
		compliance:  syms.add(f.Compliance.Status),
		workflow:    syms.add(f.Workflow),
		remediation: syms.add(f.Remediation.URL),
		ocsf:        f.Format == finding.FormatOCSF,
		sev:         severityOf(f.Severity.Label),
		first:       millis(firstSeen(f)),
		last:        millis(lastSeen(f)),
	}
	if f.ProviderID != "" && f.ProviderID != f.ID {
		r.providerID = strings.Clone(f.ProviderID)
	}
	if len(f.Resources) > 0 {
		r.resourceType = syms.add(f.Resources[0].Type)
		r.resourceID = syms.add(f.Resources[0].ID) // about four findings a resource
	}
	return r
}

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
