package teams

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// findingContent is the card of a single-finding message at detail d.
// shortened adds the note that the card was cut to fit.
func findingContent(m *notify.Message, opts render.Options, d detail, shortened bool) content {
	v := render.NewView(m.Finding, opts).WithEvent(eventOf(m.Kind))
	lang := v.Language
	c := content{lang: lang, tone: severityTone(v.Severity.Label), color: v.Severity.Color}

	emoji, heading, intro := v.Severity.Emoji, v.Heading, v.Intro
	switch {
	case m.Kind == notify.KindTest:
		emoji, heading, intro = emojiTest, phraseTestHeading.in(lang), phraseTestIntro.in(lang)
		c.tone = toneAccent
	case m.Kind == notify.KindResolved:
		emoji = emojiResolved
		c.tone, c.color = toneGood, resolvedColor
	case m.Kind == notify.KindReopened:
		emoji = emojiReopened
	case m.Kind == notify.KindReminder:
		emoji = emojiReminder
	case m.Previous != nil:
		// Teams webhooks cannot reply to the earlier card; say that this
		// one follows it.
		emoji, heading, intro = emojiUpdate, phraseUpdateHeading.in(lang), phraseUpdateIntro.in(lang)
	}
	c.heading = strings.TrimSpace(emoji + " " + heading)
	c.intro = intro

	title := v.Title
	if title == "" {
		title = render.SingleLine(v.ID)
	}
	if title == "" {
		title = heading
	}
	c.title = clipLine(title, d.title, lang)
	c.summary = clipLine(heading+": "+title, 150, lang)

	c.facts = findingFacts(v, d)
	c.sections = findingSections(v, d)

	c.addLink(render.Translate(lang, render.MsgOpenInSecurityHub), v.ConsoleURL)
	c.addLink(render.Translate(lang, render.MsgRemediation), v.RemediationURL)
	if m.Previous != nil {
		c.addLink(phraseEarlierMessage.in(lang), m.Previous.URL)
	}

	if id := clipLine(v.ID, d.note, lang); id != "" {
		c.addNote(labelled(render.Translate(lang, render.MsgFindingID), id))
	}
	if route := clipLine(m.Route, d.note, lang); route != "" {
		c.addNote(labelled(phraseRoute.in(lang), route))
	}
	if shortened {
		c.addNote(phraseShortened.in(lang))
	}
	return c
}

// findingFacts are the finding's key fields: severity, where it is, what
// checks it, its state when that is news, when it changed, and its
// resources.
func findingFacts(v render.View, d detail) []fact {
	lang := v.Language
	label := func(k render.MessageKey) string { return render.Translate(lang, k) }
	value := func(s string) string { return clipLine(s, d.factValue, lang) }

	var c content
	c.addFact(label(render.MsgSeverity), value(v.Severity.Text))
	c.addFact(label(render.MsgAccount), value(v.AccountID))
	c.addFact(label(render.MsgRegion), value(v.Region))
	c.addFact(label(render.MsgProduct), value(v.ProductName))
	c.addFact(label(render.MsgComplianceStatus), value(v.ComplianceStatusName))
	c.addFact(label(render.MsgControlID), value(v.ControlID))
	if v.Workflow == "RESOLVED" || v.Workflow == "SUPPRESSED" {
		c.addFact(label(render.MsgWorkflowStatus), value(v.WorkflowName))
	}
	if v.RecordState == "ARCHIVED" {
		c.addFact(label(render.MsgRecordState), value(v.RecordStateName))
	}
	c.addFact(label(render.MsgCustomAction), value(v.ActionName))
	if !v.UpdatedAt.IsZero() {
		c.addFact(label(render.MsgUpdatedAt), v.UpdatedAt.Text)
	} else if !v.CreatedAt.IsZero() {
		c.addFact(label(render.MsgCreatedAt), v.CreatedAt.Text)
	}

	shown := min(len(v.Resources), d.resources)
	more := v.MoreResources + len(v.Resources) - shown
	for i, r := range v.Resources[:shown] {
		title := label(render.MsgResource)
		if shown > 1 || more > 0 {
			title = phraseResourceN.in(lang, i+1)
		}
		c.addFact(title, value(r.Text))
	}
	if more > 0 {
		c.addFact(label(render.MsgResources), render.Translate(lang, render.MsgAndMore, more))
	}
	return c.facts
}

// findingSections are the description and the remediation text.
func findingSections(v render.View, d detail) []section {
	lang := v.Language
	var out []section
	if text := clipText(v.Description, d.description, lang); text != "" {
		out = append(out, section{heading: render.Translate(lang, render.MsgDescription), text: text})
	}
	if text := clipText(v.RemediationText, d.remediation, lang); text != "" {
		out = append(out, section{heading: render.Translate(lang, render.MsgRemediation), text: text})
	}
	return out
}
