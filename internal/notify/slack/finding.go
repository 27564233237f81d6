package slack

import (
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// findingMessage returns the notification text and the blocks of a
// single-finding message: the whole finding, or a compact reply when the
// message goes into the thread that already shows it.
func findingMessage(m *notify.Message, opts render.Options, threaded bool) (string, []goslack.Block) {
	v := render.NewView(m.Finding, opts).WithEvent(eventOf(m.Kind))
	text := fallbackText(v, m.Kind)
	if threaded {
		return text, replyBlocks(v, m)
	}
	return text, fullBlocks(v, m)
}

// heading is the localized line saying why the message is sent.
func heading(v render.View, k notify.Kind) string {
	if k == notify.KindTest {
		return phraseTestHeading.in(v.Language)
	}
	return v.Heading
}

// kindEmoji marks the kind of message; a new finding shows its severity.
func kindEmoji(v render.View, k notify.Kind) string {
	switch k {
	case notify.KindResolved:
		return emojiResolved
	case notify.KindReopened:
		return emojiReopened
	case notify.KindReminder:
		return emojiReminder
	case notify.KindTest:
		return emojiTest
	}
	return v.Severity.Emoji
}

// title is the finding's title, or the heading when it has none.
func title(v render.View, k notify.Kind) string {
	if strings.TrimSpace(v.Title) != "" {
		return v.Title
	}
	return heading(v, k)
}

// fallbackText is the notification text: what happened, the title, and
// where, escaped (the text field is mrkdwn) and short.
func fallbackText(v render.View, k notify.Kind) string {
	where := strings.Join(nonEmpty(v.Severity.Name, v.AccountID, v.Region), ", ")
	raw := kindEmoji(v, k) + " " + heading(v, k) + ": " + title(v, k)
	if where != "" {
		raw += " (" + where + ")"
	}
	return esc(raw, fallbackTextBudget)
}

// fullBlocks shows the whole finding: header, what happened, the key
// fields, resources, description, remediation, the console button and a
// footer with the finding ID, time and route.
func fullBlocks(v render.View, m *notify.Message) []goslack.Block {
	lang := v.Language
	headEmoji := v.Severity.Emoji
	switch m.Kind {
	case notify.KindResolved:
		headEmoji = emojiResolved
	case notify.KindTest:
		headEmoji = emojiTest
	}
	intro := ""
	if m.Kind == notify.KindTest {
		intro = render.SlackEscape(phraseTestIntro.in(lang))
	}
	return appendBlocks(nil,
		header(headEmoji+" "+title(v, m.Kind)),
		contextBlock("*"+render.SlackEscape(heading(v, m.Kind))+"*", intro),
		fieldsSection(findingFields(v)),
		resourcesSection(v),
		descriptionSection(v),
		remediationSection(v),
		findingButtons(v),
		footer(v, m),
	)
}

// replyBlocks is the compact message posted in the finding's thread: what
// happened, the title (for replies also sent to the channel), the state
// fields and the console button.
func replyBlocks(v render.View, m *notify.Message) []goslack.Block {
	lang := v.Language
	intro := v.Intro
	if m.Kind == notify.KindTest {
		intro = phraseTestIntro.in(lang)
	}
	text := "*" + render.SlackEscape(kindEmoji(v, m.Kind)+" "+heading(v, m.Kind)) + "*\n" +
		esc(title(v, m.Kind), digestEntryTitleBudget) + "\n" + render.SlackEscape(intro)
	return appendBlocks(nil,
		section(text),
		fieldsSection(nonEmpty(
			severityField(v),
			field(lang, render.MsgComplianceStatus, v.ComplianceStatusName),
			field(lang, render.MsgWorkflowStatus, v.WorkflowName),
			field(lang, render.MsgRecordState, v.RecordStateName),
		)),
		actionsBlock(button{actionID: "open_in_security_hub", text: render.Translate(lang, render.MsgOpenInSecurityHub), url: v.ConsoleURL, primary: true}),
		footer(v, m),
	)
}

// severityField shows the severity with its emoji.
func severityField(v render.View) string {
	name := v.Severity.Name
	if v.Severity.Emoji != "" {
		name = v.Severity.Emoji + " " + name
	}
	return field(v.Language, render.MsgSeverity, name)
}

// findingFields are the two-column facts of a finding, at most 8.
func findingFields(v render.View) []string {
	lang := v.Language
	return nonEmpty(
		severityField(v),
		field(lang, render.MsgAccount, v.AccountID),
		field(lang, render.MsgRegion, v.Region),
		field(lang, render.MsgProduct, v.ProductName),
		field(lang, render.MsgComplianceStatus, v.ComplianceStatusName),
		field(lang, render.MsgControlID, v.ControlID),
		field(lang, render.MsgWorkflowStatus, v.WorkflowName),
		field(lang, render.MsgCustomAction, v.ActionName),
	)
}

// resourcesBudget bounds the resources section.
const resourcesBudget = 1500

// resourcesSection lists the resources, one per line as "Type `ID`",
// within resourcesBudget, with "and N more" for the rest.
func resourcesSection(v render.View) goslack.Block {
	if len(v.Resources) == 0 {
		return nil
	}
	lang := v.Language
	key := render.MsgResource
	if len(v.Resources)+v.MoreResources > 1 {
		key = render.MsgResources
	}
	var lines []string
	used := units(render.Translate(lang, key)) + 4
	const moreRoom = 40 // for the "and N more" line
	for _, r := range v.Resources {
		line := "• " + strings.TrimSpace(esc(r.Type, 80)+" "+code(esc(r.ID, lineBudget)))
		if used+units(line)+1 > resourcesBudget-moreRoom {
			break
		}
		lines = append(lines, line)
		used += units(line) + 1
	}
	if more := v.MoreResources + len(v.Resources) - len(lines); more > 0 {
		lines = append(lines, render.SlackEscape(render.Translate(lang, render.MsgAndMore, more)))
	}
	return section(labelled(render.Translate(lang, key), strings.Join(lines, "\n")))
}

// descriptionSection shows the description, cut with the localized
// "truncated" marker and a console link when longer than
// descriptionBudget.
func descriptionSection(v render.View) goslack.Block {
	if strings.TrimSpace(v.Description) == "" {
		return nil
	}
	label := render.Translate(v.Language, render.MsgDescription)
	room := descriptionBudget - units(label) - 3
	return section(labelled(label, clip(v.Description, room, truncatedMarker(v.Language, v.ConsoleURL))))
}

// remediationSection shows the recommended fix; its link is a button.
func remediationSection(v render.View) goslack.Block {
	if strings.TrimSpace(v.RemediationText) == "" {
		return nil
	}
	label := render.Translate(v.Language, render.MsgRemediation)
	room := remediationBudget - units(label) - 3
	return section(labelled(label, clip(v.RemediationText, room, truncatedMarker(v.Language, v.ConsoleURL))))
}

// findingButtons opens the finding in the console and its remediation
// page.
func findingButtons(v render.View) goslack.Block {
	lang := v.Language
	return actionsBlock(
		button{actionID: "open_in_security_hub", text: render.Translate(lang, render.MsgOpenInSecurityHub), url: v.ConsoleURL, primary: true},
		button{actionID: "open_remediation", text: render.Translate(lang, render.MsgRemediation), url: v.RemediationURL},
	)
}

// footer names the finding, when it was last updated and the route.
func footer(v render.View, m *notify.Message) goslack.Block {
	lang := v.Language
	updated, updatedKey := v.UpdatedAt, render.MsgUpdatedAt
	if updated.IsZero() {
		updated, updatedKey = v.CreatedAt, render.MsgCreatedAt
	}
	var elements []string
	if v.ID != "" {
		elements = append(elements, render.SlackEscape(render.Translate(lang, render.MsgFindingID))+": "+code(esc(v.ID, lineBudget)))
	}
	if !updated.IsZero() {
		elements = append(elements, render.SlackEscape(render.Translate(lang, updatedKey)+": "+updated.Text))
	}
	elements = append(elements, routeElement(lang, m.Route))
	return contextBlock(elements...)
}
