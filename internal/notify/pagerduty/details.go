package pagerduty

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Caps on what custom_details carries, so that an event stays far below
// PagerDuty's 512 KB whatever a finding holds: AWS caps Description at
// 1,024 characters, a finding from elsewhere may not.
const (
	maxDescription  = 4_000
	maxDetailField  = 300
	maxDetailURL    = 2_000
	maxTypes        = 10
	maxResources    = 10
	maxDigestListed = 10
)

// FindingDetails is the custom_details of a finding's alert: its fields
// as Security Hub names them, in English keys for rules and searches in
// PagerDuty. Empty fields are left out.
type FindingDetails struct {
	FindingID          string           `json:"finding_id"`
	Title              string           `json:"title,omitempty"`
	Description        string           `json:"description,omitempty"`
	Severity           string           `json:"severity_label,omitempty"`
	SeverityNormalized int              `json:"severity_normalized,omitempty"`
	AccountID          string           `json:"aws_account_id,omitempty"`
	Region             string           `json:"region,omitempty"`
	Product            string           `json:"product,omitempty"`
	Company            string           `json:"company,omitempty"`
	GeneratorID        string           `json:"generator_id,omitempty"`
	Types              []string         `json:"types,omitempty"`
	Resources          []ResourceDetail `json:"resources,omitempty"`
	MoreResources      int              `json:"more_resources,omitempty"`
	ComplianceStatus   string           `json:"compliance_status,omitempty"`
	ControlID          string           `json:"control_id,omitempty"`
	WorkflowStatus     string           `json:"workflow_status,omitempty"`
	RecordState        string           `json:"record_state,omitempty"`
	CreatedAt          string           `json:"created_at,omitempty"`
	UpdatedAt          string           `json:"updated_at,omitempty"`
	FirstObservedAt    string           `json:"first_observed_at,omitempty"`
	LastObservedAt     string           `json:"last_observed_at,omitempty"`
	Remediation        string           `json:"remediation,omitempty"`
	RemediationURL     string           `json:"remediation_url,omitempty"`
	ConsoleURL         string           `json:"console_url,omitempty"`
	CustomAction       string           `json:"custom_action,omitempty"`
	Route              string           `json:"route,omitempty"`
	Kind               notify.Kind      `json:"hubrelay_kind,omitempty"`
}

// ResourceDetail is one resource of a finding.
type ResourceDetail struct {
	Type   string `json:"type,omitempty"`
	ID     string `json:"id,omitempty"`
	Region string `json:"region,omitempty"`
}

// DigestDetails is the custom_details of a digest's alert.
type DigestDetails struct {
	GroupKey   string         `json:"group_key,omitempty"`
	Route      string         `json:"route,omitempty"`
	Total      int            `json:"total"`
	Included   int            `json:"included"`
	Counts     map[string]int `json:"counts_by_severity"`
	Findings   []DigestEntry  `json:"findings"`
	More       int            `json:"more,omitempty"`
	ConsoleURL string         `json:"console_url,omitempty"`
}

// DigestEntry is one listed finding of a digest.
type DigestEntry struct {
	FindingID  string `json:"finding_id"`
	Title      string `json:"title,omitempty"`
	Severity   string `json:"severity_label,omitempty"`
	AccountID  string `json:"aws_account_id,omitempty"`
	Region     string `json:"region,omitempty"`
	Product    string `json:"product,omitempty"`
	ConsoleURL string `json:"console_url,omitempty"`
}

// cut shortens s to at most n runes, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// field is one line of finding text made safe and short. Only a bounded
// prefix is cleaned (8 bytes for each character kept: room for any text
// but long runs of white space), so a 100 KB field costs no more than a
// short one.
func field(s string) string {
	if limit := 8 * maxDetailField; len(s) > limit {
		s = s[:limit] // a rune cut here is repaired by SingleLine
	}
	return cut(render.SingleLine(s), maxDetailField)
}

// link keeps a URL that is not too long to open.
func link(u string) string {
	if len(u) > maxDetailURL {
		return ""
	}
	return u
}

// stamp writes a finding time as PagerDuty's timestamps are written (ISO
// 8601), in UTC; the zero time is left out.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// findingDetails builds the custom_details of a single finding from its
// view v (cleaned text, safe links) and the finding itself.
func findingDetails(m *notify.Message, f *finding.Finding, v render.View) *FindingDetails {
	d := &FindingDetails{
		FindingID:          field(f.ID),
		Title:              field(v.Title),
		Description:        cut(v.Description, maxDescription),
		Severity:           field(v.Severity.Label),
		SeverityNormalized: max(0, min(100, f.Severity.Normalized)),
		AccountID:          field(v.AccountID),
		Region:             field(v.Region),
		Product:            field(v.ProductName),
		Company:            field(v.CompanyName),
		GeneratorID:        field(v.GeneratorID),
		ComplianceStatus:   field(v.ComplianceStatus),
		ControlID:          field(v.ControlID),
		WorkflowStatus:     field(v.Workflow),
		RecordState:        field(v.RecordState),
		CreatedAt:          stamp(f.CreatedAt),
		UpdatedAt:          stamp(f.UpdatedAt),
		FirstObservedAt:    stamp(f.FirstObservedAt),
		LastObservedAt:     stamp(f.LastObservedAt),
		Remediation:        cut(v.RemediationText, maxDescription),
		RemediationURL:     link(v.RemediationURL),
		ConsoleURL:         link(v.ConsoleURL),
		CustomAction:       field(v.ActionName),
		Route:              field(m.Route),
		Kind:               m.Kind,
	}
	for _, t := range v.Types {
		if len(d.Types) == maxTypes {
			break
		}
		d.Types = append(d.Types, field(t))
	}
	for _, r := range f.Resources {
		if len(d.Resources) == maxResources {
			break
		}
		d.Resources = append(d.Resources, ResourceDetail{Type: field(r.Type), ID: field(r.ID), Region: field(r.Region)})
	}
	d.MoreResources = len(f.Resources) - len(d.Resources)
	return d
}

// digestDetails builds the custom_details of a digest from its view.
func digestDetails(m *notify.Message, dv render.DigestView, total int) *DigestDetails {
	d := &DigestDetails{
		GroupKey:   field(m.Digest.GroupKey),
		Route:      field(m.Route),
		Total:      total,
		Included:   dv.Total,
		Counts:     map[string]int{},
		ConsoleURL: link(dv.ConsoleURL),
		Findings:   []DigestEntry{},
	}
	for _, c := range dv.Counts {
		if c.Count > 0 {
			label := c.Severity.Label
			if label == "" {
				label = "UNKNOWN"
			}
			d.Counts[label] = c.Count
		}
	}
	for _, v := range dv.Top {
		if len(d.Findings) == maxDigestListed {
			break
		}
		d.Findings = append(d.Findings, DigestEntry{
			FindingID:  field(v.ID),
			Title:      field(v.Title),
			Severity:   field(v.Severity.Label),
			AccountID:  field(v.AccountID),
			Region:     field(v.Region),
			Product:    field(v.ProductName),
			ConsoleURL: link(v.ConsoleURL),
		})
	}
	d.More = total - len(d.Findings)
	return d
}

// sourceOf is payload.source for a finding: "account/region/resource", the
// parts that are known, as PagerDuty's examples name cloud resources.
func sourceOf(f *finding.Finding) string {
	var parts []string
	for _, p := range []string{f.AccountID, f.Region} {
		if p = render.SingleLine(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(f.Resources) > 0 {
		if id := render.SingleLine(f.Resources[0].ID); id != "" {
			parts = append(parts, id)
		}
	}
	if len(parts) == 0 {
		if p := render.SingleLine(f.ProductName); p != "" {
			return p
		}
		return "aws-securityhub"
	}
	return strings.Join(parts, "/")
}
