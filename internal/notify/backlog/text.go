package backlog

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// notationDescription is the built-in issue description in Backlog
// notation. It follows seed 000's EventBridge template and render's
// built-in Markdown description (render.KindBacklogDescription) line for
// line, but with real line breaks instead of the seed's "<br />" (Backlog
// shows an HTML tag as text) and [[label>url]] links instead of Markdown
// links.
func notationDescription(v render.View) string {
	mk := notationMarkup{}
	t := func(key render.MessageKey, args ...any) string { return render.Translate(v.Language, key, args...) }
	var b strings.Builder
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	if v.Event == render.EventNew {
		line(t(render.MsgDetectedIntro))
	} else {
		line(v.Intro)
	}
	line()
	line(t(render.MsgDescription), ":")
	line(mk.text(v.Description))
	line()
	line(t(render.MsgSeverity), ": ", severityText(v.Severity, mk))
	line()
	line(t(render.MsgAccount), ": ", mk.text(v.AccountID))
	line(t(render.MsgRegion), ": ", mk.text(v.Region))
	if len(v.Resources) == 1 && v.MoreResources == 0 {
		line(t(render.MsgResource), ": ", mk.text(v.Resources[0].ID))
	} else {
		line(t(render.MsgResource), ":")
		for _, r := range v.Resources {
			line(mk.item(mk.text(r.Text)))
		}
		if v.MoreResourcesText != "" {
			line(mk.item(mk.text(v.MoreResourcesText)))
		}
	}
	if v.ControlID != "" {
		line(t(render.MsgControlID), ": ", mk.text(v.ControlID))
	}
	line()
	line(t(render.MsgFindingID), ": ", mk.text(v.ID))
	if v.RemediationText != "" {
		line()
		line(t(render.MsgRemediation), ":")
		line(mk.text(v.RemediationText))
	}
	if links := findingLinks(v, mk); len(links) > 0 {
		line()
		line(t(render.MsgLinks), ":")
		for _, l := range links {
			line(l)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// severityText is render's severity text ("高 (HIGH)", "High"), or the
// name when the view has none.
func severityText(s render.Severity, mk markup) string {
	if s.Text != "" {
		return mk.text(s.Text)
	}
	return mk.text(s.Name)
}

// findingLinks are the Security Hub console and recommendation links of a
// finding, as the seed labels them.
func findingLinks(v render.View, mk markup) []string {
	var links []string
	if l := mk.link("Security Hub", v.ConsoleURL); l != "" {
		links = append(links, l)
	}
	if l := mk.link(render.Translate(v.Language, render.MsgRecommendation), v.RemediationURL); l != "" {
		links = append(links, l)
	}
	return links
}

// builtinComment is the comment written on an existing issue when the same
// finding is delivered again: why (v.Event), the state Security Hub
// reports now, and the console link.
func builtinComment(v render.View, mk markup) string {
	t := func(key render.MessageKey) string { return render.Translate(v.Language, key) }
	var b strings.Builder
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	line(mk.text(v.Intro))
	line()
	field := func(key render.MessageKey, value string) {
		if value != "" {
			line(mk.item(t(key) + ": " + mk.text(value)))
		}
	}
	field(render.MsgTitle, v.Title)
	line(mk.item(t(render.MsgSeverity) + ": " + severityText(v.Severity, mk)))
	field(render.MsgComplianceStatus, v.ComplianceStatusName)
	field(render.MsgWorkflowStatus, v.WorkflowName)
	field(render.MsgRecordState, v.RecordStateName)
	field(render.MsgLastObservedAt, v.LastObservedAt.Text)
	field(render.MsgUpdatedAt, v.UpdatedAt.Text)
	field(render.MsgFindingID, v.ID)
	if l := mk.link(t(render.MsgOpenInSecurityHub), v.ConsoleURL); l != "" {
		line()
		line(l)
	}
	return strings.TrimRight(b.String(), "\n")
}

// digestText describes a digest: how many findings by severity, the most
// severe ones with their console links, "and N more", and a link to the
// whole set. omitted counts the findings of the group that the message
// does not carry (Digest.Total beyond its Findings).
func digestText(d render.DigestView, omitted int, mk markup) string {
	t := func(key render.MessageKey, args ...any) string { return render.Translate(d.Language, key, args...) }
	total := d.Total + omitted
	var b strings.Builder
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	line(mk.text(t(render.MsgDigestIntro, total)))
	line()
	line(t(render.MsgSeverity), ":")
	for _, c := range d.Counts {
		if c.Count > 0 {
			line(mk.item(mk.text(c.Severity.Emoji + " " + c.Text)))
		}
	}
	if omitted > 0 {
		line(mk.item(mk.text(t(render.MsgAndMore, omitted))))
	}
	line()
	line(t(render.MsgDigestTop), ":")
	for i, v := range d.Top {
		v = clipView(v)
		text := v.Severity.Emoji + " " + v.Severity.Name + ": " + v.Title
		where := []string{}
		if v.AccountID != "" {
			where = append(where, t(render.MsgAccount)+": "+v.AccountID)
		}
		if v.Region != "" {
			where = append(where, t(render.MsgRegion)+": "+v.Region)
		}
		if len(where) > 0 {
			text += " (" + strings.Join(where, " / ") + ")"
		}
		entry := mk.text(render.Clip(text, maxDigestLine, d.Language))
		if l := mk.link("Security Hub", v.ConsoleURL); l != "" {
			entry += " " + l
		}
		line(mk.numbered(i+1, entry))
	}
	if more := d.More + omitted; more > 0 {
		line(mk.text(t(render.MsgAndMore, more)))
	}
	if l := mk.link(t(render.MsgDigestOpenAll), d.ConsoleURL); l != "" {
		line()
		scope := ""
		if d.ConsoleScopeText != "" {
			scope = " " + mk.text(d.ConsoleScopeText)
		}
		line(l, scope)
	}
	return strings.TrimRight(b.String(), "\n")
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
