package github

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// GitHub's length limits, from its validation answers (422 "title is too
// long (maximum is 256 characters)", "body is too long (maximum is 65536
// characters)"); the REST reference does not state them. A character is
// counted here as a UTF-16 code unit (an emoji outside the BMP counts
// twice), which is never less than what GitHub counts, so text within
// these limits is accepted whichever way GitHub counts.
const (
	MaxTitle = 256
	MaxBody  = 65536 // issue bodies and comments alike
)

// Caps on single fields of a finding, well inside MaxBody so that one
// oversized field cannot push the links and IDs after it out of the body
// (markdownEscape can double a text's length). AWS caps Description at
// 1,024 characters and Remediation text at 512; a finding from elsewhere
// may not.
const (
	maxTextField = 8_000 // description
	maxNoteField = 2_000 // remediation text
	maxLineField = 500   // title, IDs, resource lines, names
	maxLinkURL   = 4_000 // a longer console or remediation link is left out
)

// clipView caps every field of v that a finding's producer controls, so the
// texts built from it stay readable and within GitHub's limits.
func clipView(v render.View) render.View {
	lang := v.Language
	line := func(s string) string { return render.Clip(s, maxLineField, lang) }
	v.Title = line(v.Title)
	// render keeps a finding ID as it is, but the issue body shows it in a
	// table cell, where a line break would end the table.
	v.ID = line(render.SingleLine(v.ID))
	v.AccountID = line(v.AccountID)
	v.Region = line(v.Region)
	v.ProductName = line(v.ProductName)
	v.CompanyName = line(v.CompanyName)
	v.GeneratorID = line(v.GeneratorID)
	v.ControlID = line(v.ControlID)
	v.ActionName = line(v.ActionName)
	v.Details = line(v.Details)
	v.Severity.Name = line(v.Severity.Name)
	v.Severity.Label = line(v.Severity.Label)
	v.Severity.Text = line(v.Severity.Text)
	v.ComplianceStatusName = line(v.ComplianceStatusName)
	v.WorkflowName = line(v.WorkflowName)
	v.RecordStateName = line(v.RecordStateName)
	if len(v.Types) > 0 {
		types := make([]string, len(v.Types))
		for i, t := range v.Types {
			types[i] = line(t)
		}
		v.Types = types
	}
	if len(v.Resources) > 0 {
		resources := make([]render.ResourceLine, len(v.Resources))
		for i, r := range v.Resources {
			resources[i] = render.ResourceLine{Type: line(r.Type), ID: line(r.ID), Region: line(r.Region), Text: line(r.Text)}
		}
		v.Resources = resources
	}
	if len(v.ConsoleURL) > maxLinkURL {
		v.ConsoleURL = ""
	}
	if len(v.RemediationURL) > maxLinkURL {
		v.RemediationURL = ""
	}
	v.Description = render.Clip(v.Description, maxTextField, lang)
	v.RemediationText = render.Clip(v.RemediationText, maxNoteField, lang)
	return v
}

// oneLine makes template output fit a one-line field.
func oneLine(s string) string {
	return strings.TrimSpace(render.SingleLine(s))
}
