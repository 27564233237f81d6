package jira

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// The built-in texts. Every label and sentence comes from render's message
// catalog, so they read the same in Jira as in the other destinations.

// findingBlocks is the built-in description of an issue about one finding:
// the title as a heading, why hubrelay writes, the finding's facts as a
// list, its description, resources and remediation, its ID as code (easy to
// copy and search for) and the console link.
func findingBlocks(v render.View) []block {
	t := func(key render.MessageKey) string { return render.Translate(v.Language, key) }
	title := v.Title
	if title == "" {
		title = v.Heading
	}
	blocks := []block{
		heading(2, plain(strings.TrimSpace(v.Severity.Emoji+" "+title))),
		paragraph(plain(v.Intro)),
	}

	var facts [][]span
	add := func(key render.MessageKey, value string) {
		if strings.TrimSpace(value) != "" {
			facts = append(facts, field(t(key), value))
		}
	}
	add(render.MsgSeverity, severityText(v.Severity))
	add(render.MsgAccount, v.AccountID)
	add(render.MsgRegion, v.Region)
	add(render.MsgProduct, v.ProductName)
	add(render.MsgControlID, v.ControlID)
	add(render.MsgComplianceStatus, v.ComplianceStatusName)
	add(render.MsgWorkflowStatus, v.WorkflowName)
	add(render.MsgRecordState, v.RecordStateName)
	add(render.MsgCustomAction, v.ActionName)
	add(render.MsgTypes, strings.Join(v.Types, ", "))
	add(render.MsgCreatedAt, v.CreatedAt.Text)
	add(render.MsgUpdatedAt, v.UpdatedAt.Text)
	blocks = append(blocks, block{kind: blockBullets, items: facts})

	blocks = append(blocks, heading(3, plain(t(render.MsgDescription))))
	if desc := textBlocks(v.Description); len(desc) > 0 {
		blocks = append(blocks, desc...)
	} else {
		blocks = append(blocks, paragraph(plain(t(render.MsgNone))))
	}

	if len(v.Resources) > 0 || v.MoreResourcesText != "" {
		blocks = append(blocks, heading(3, plain(t(render.MsgResources))))
		var items [][]span
		for _, r := range v.Resources {
			items = append(items, []span{plain(r.Text)})
		}
		if v.MoreResourcesText != "" {
			items = append(items, []span{plain(v.MoreResourcesText)})
		}
		blocks = append(blocks, block{kind: blockBullets, items: items})
	}

	if v.RemediationText != "" || v.RemediationURL != "" {
		blocks = append(blocks, heading(3, plain(t(render.MsgRemediation))))
		blocks = append(blocks, textBlocks(v.RemediationText)...)
		if v.RemediationURL != "" {
			blocks = append(blocks, paragraph(link(t(render.MsgRecommendation), v.RemediationURL)))
		}
	}

	if v.ID != "" {
		blocks = append(blocks, heading(3, plain(t(render.MsgFindingID))), code(v.ID))
	}
	if v.ConsoleURL != "" {
		blocks = append(blocks, paragraph(link(t(render.MsgOpenInSecurityHub), v.ConsoleURL)))
	}
	return blocks
}

// commentBlocks is the built-in comment written on an existing issue when
// the same finding is delivered again: why (v.Event), the state Security Hub
// reports now, and the console link.
func commentBlocks(v render.View) []block {
	t := func(key render.MessageKey) string { return render.Translate(v.Language, key) }
	blocks := []block{paragraph(strong(v.Heading)), paragraph(plain(v.Intro))}
	var facts [][]span
	add := func(key render.MessageKey, value string) {
		if strings.TrimSpace(value) != "" {
			facts = append(facts, field(t(key), value))
		}
	}
	add(render.MsgTitle, v.Title)
	add(render.MsgSeverity, severityText(v.Severity))
	add(render.MsgComplianceStatus, v.ComplianceStatusName)
	add(render.MsgWorkflowStatus, v.WorkflowName)
	add(render.MsgRecordState, v.RecordStateName)
	add(render.MsgLastObservedAt, v.LastObservedAt.Text)
	add(render.MsgUpdatedAt, v.UpdatedAt.Text)
	add(render.MsgFindingID, v.ID)
	blocks = append(blocks, block{kind: blockBullets, items: facts})
	if v.ConsoleURL != "" {
		blocks = append(blocks, paragraph(link(t(render.MsgOpenInSecurityHub), v.ConsoleURL)))
	}
	return blocks
}

// templateBlocks turns the output of a description template into text:
// plain paragraphs with their URLs as links.
func templateBlocks(out string) []block {
	return textBlocks(out)
}

// minimalBlocks is the smallest text about a finding, used when nothing else
// fits Jira's limit: its title and the console link.
func minimalBlocks(v render.View, lang render.Language) []block {
	title := render.Clip(v.Title, 200, lang)
	if title == "" {
		title = v.Heading
	}
	blocks := []block{paragraph(strong(title)), paragraph(plain(render.Translate(lang, render.MsgTruncated)))}
	if v.ConsoleURL != "" {
		blocks = append(blocks, paragraph(link(render.Translate(lang, render.MsgOpenInSecurityHub), v.ConsoleURL)))
	}
	return blocks
}

// severityText is render's severity text ("高 (HIGH)", "High"), or the name
// when the view has none.
func severityText(s render.Severity) string {
	if s.Text != "" {
		return s.Text
	}
	return s.Name
}

// digestBlocks describes a digest: how many findings by severity, the most
// severe ones with their console links, "and N more", and a link to the
// whole set. omitted counts the findings of the group that the message does
// not carry (Digest.Total beyond its Findings).
func digestBlocks(d render.DigestView, omitted int, c caps) []block {
	t := func(key render.MessageKey, args ...any) string { return render.Translate(d.Language, key, args...) }
	total := d.Total + omitted
	blocks := []block{
		heading(2, plain(t(render.MsgDigestTitle, total))),
		paragraph(plain(t(render.MsgDigestIntro, total))),
		heading(3, plain(t(render.MsgSeverity))),
	}
	var counts [][]span
	for _, sc := range d.Counts {
		if sc.Count > 0 {
			counts = append(counts, []span{plain(strings.TrimSpace(sc.Severity.Emoji + " " + sc.Text))})
		}
	}
	if omitted > 0 {
		counts = append(counts, []span{plain(t(render.MsgAndMore, omitted))})
	}
	blocks = append(blocks, block{kind: blockBullets, items: counts})

	blocks = append(blocks, heading(3, plain(t(render.MsgDigestTop))))
	var top [][]span
	for _, v := range d.Top {
		v = clipView(v, c)
		text := strings.TrimSpace(v.Severity.Emoji+" "+v.Severity.Name) + ": " + v.Title
		var where []string
		if v.AccountID != "" {
			where = append(where, t(render.MsgAccount)+": "+v.AccountID)
		}
		if v.Region != "" {
			where = append(where, t(render.MsgRegion)+": "+v.Region)
		}
		if len(where) > 0 {
			text += " (" + strings.Join(where, " / ") + ")"
		}
		item := []span{plain(render.Clip(text, c.line, d.Language))}
		if v.ConsoleURL != "" {
			item = append(item, plain(" — "), link("Security Hub", v.ConsoleURL))
		}
		top = append(top, item)
	}
	blocks = append(blocks, block{kind: blockNumbered, items: top})
	if more := d.More + omitted; more > 0 {
		blocks = append(blocks, paragraph(plain(t(render.MsgAndMore, more))))
	}
	if url := safeLink(d.ConsoleURL); url != "" {
		spans := []span{link(t(render.MsgDigestOpenAll), url)}
		if d.ConsoleScopeText != "" {
			spans = append(spans, plain(" "+d.ConsoleScopeText))
		}
		blocks = append(blocks, paragraph(spans...))
	}
	return blocks
}

// digestSummary is the summary of a digest issue: "Security Hub digest: 5
// findings (High: 1 / Medium: 2)".
func digestSummary(d render.DigestView, omitted int) string {
	s := render.Translate(d.Language, render.MsgDigestTitle, d.Total+omitted)
	if d.Summary != "" {
		s += " (" + d.Summary + ")"
	}
	return s
}
