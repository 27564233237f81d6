package backlog

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Backlog's length limits. The API reference does not state them; the API
// answers longer values with InvalidRequestError (code 7): "The Subject must
// be no shorter than 1 and no longer than 255", "The Description must be no
// longer than 100,000 characters", "The Comment must be no longer than
// 50,000". Backlog runs on the JVM, so a character is counted here as a
// UTF-16 code unit (a character outside the BMP, such as an emoji, counts
// twice), which is never less than what Backlog counts.
const (
	MaxSummary     = 255
	MaxDescription = 100_000
	MaxComment     = 50_000
)

// Caps on single fields of a finding, well inside the limits above so one
// oversized field cannot push the links and IDs after it out of the text.
// AWS caps Description at 1,024 characters and Remediation text at 512; a
// finding from elsewhere may not.
const (
	maxTextField  = 10_000 // description, remediation text
	maxLineField  = 1_000  // title, IDs, resource lines
	maxDigestLine = 500    // one finding's line in a digest
)

// clipView caps every field of v that a finding controls, so the texts built
// from it stay readable and within Backlog's limits.
func clipView(v render.View) render.View {
	lang := v.Language
	line := func(s string) string { return render.Clip(s, maxLineField, lang) }
	v.Title = line(v.Title)
	v.ID = line(v.ID)
	v.AccountID = line(v.AccountID)
	v.Region = line(v.Region)
	v.ProductName = line(v.ProductName)
	v.CompanyName = line(v.CompanyName)
	v.GeneratorID = line(v.GeneratorID)
	v.ControlID = line(v.ControlID)
	v.ActionName = line(v.ActionName)
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
	// A link too long to open (a console link to a finding with a huge
	// ID) is left out rather than cut.
	if len(v.ConsoleURL) > maxLinkURL {
		v.ConsoleURL = ""
	}
	if len(v.RemediationURL) > maxLinkURL {
		v.RemediationURL = ""
	}
	v.Description = render.Clip(v.Description, maxTextField, lang)
	v.RemediationText = render.Clip(v.RemediationText, maxTextField, lang)
	return v
}

// oneLine makes template output fit a one-line field.
func oneLine(s string) string {
	return strings.TrimSpace(render.SingleLine(s))
}
