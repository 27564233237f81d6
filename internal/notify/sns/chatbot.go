package sns

import (
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// ChatbotNotification is an AWS Chatbot (Amazon Q Developer in chat
// applications) custom notification, the event format documented at
// https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html:
// version "1.0" and source "custom" are required; content holds the
// message; metadata.threadId groups notifications in one chat thread.
type ChatbotNotification struct {
	Version  string          `json:"version"`
	Source   string          `json:"source"`
	ID       string          `json:"id,omitempty"`
	Content  ChatbotContent  `json:"content"`
	Metadata ChatbotMetadata `json:"metadata"`
}

// ChatbotContent is what the chat message shows. Text is Slack-style
// markdown ("client-markdown"); next steps show as bullet points and
// keywords as tags.
type ChatbotContent struct {
	TextType    string   `json:"textType"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	NextSteps   []string `json:"nextSteps,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

// ChatbotMetadata describes the notification to Chatbot: the thread it
// belongs to, the preview text, the event type custom actions filter on,
// and related resources.
type ChatbotMetadata struct {
	ThreadID          string            `json:"threadId,omitempty"`
	Summary           string            `json:"summary,omitempty"`
	EventType         string            `json:"eventType,omitempty"`
	RelatedResources  []string          `json:"relatedResources,omitempty"`
	AdditionalContext map[string]string `json:"additionalContext,omitempty"`
}

// The event types of the notifications (metadata.eventType), for Chatbot
// custom action criteria.
const (
	EventTypeFinding = "SecurityHubFinding"
	EventTypeDigest  = "SecurityHubDigest"
)

// kindEmoji marks what happened, before the severity emoji.
func kindEmoji(k notify.Kind) string {
	switch k {
	case notify.KindResolved:
		return "✅"
	case notify.KindReopened:
		return "🔁"
	case notify.KindReminder:
		return "⏰"
	case notify.KindTest:
		return "🧪"
	}
	return ""
}

// viewEvent maps a message kind to the view's heading.
func viewEvent(k notify.Kind) render.Event {
	switch k {
	case notify.KindResolved:
		return render.EventResolved
	case notify.KindReopened:
		return render.EventReopened
	case notify.KindReminder:
		return render.EventReminder
	}
	return render.EventNew
}

// NewChatbotNotification builds the custom notification of m: one finding
// with its severity, where it is, its resources, compliance and workflow
// state and description, the remediation and console links as next steps;
// or, for a digest, the counts by severity, the most severe findings (each
// linked to the console), "and N more" and a link to the whole set. The
// thread is thread (see threadID). Pure; m must be valid.
func NewChatbotNotification(m *notify.Message, opts render.Options, thread string) ChatbotNotification {
	n := ChatbotNotification{
		Version: "1.0",
		Source:  "custom",
		ID:      hash32("id\x00" + m.Key),
		Content: ChatbotContent{TextType: "client-markdown"},
	}
	if m.Digest != nil {
		fillDigest(&n, m, render.NewDigestView(m.Digest.Findings, opts))
	} else {
		fillFinding(&n, m, render.NewView(m.Finding, opts).WithEvent(viewEvent(m.Kind)))
	}
	n.Metadata.ThreadID = thread
	return n
}

func fillFinding(n *ChatbotNotification, m *notify.Message, v render.View) {
	lang := v.Language
	heading, intro := v.Heading, v.Intro
	if m.Kind == notify.KindTest {
		heading, intro = phraseTestHeading.in(lang), phraseTestIntro.in(lang)
	}
	title := v.Title
	if title == "" {
		title = heading
	}
	prefix := kindEmoji(m.Kind)
	if m.Kind != notify.KindResolved && m.Kind != notify.KindTest {
		prefix = strings.TrimSpace(prefix + " " + v.Severity.Emoji)
	}
	if prefix != "" {
		prefix += " "
	}
	n.Content.Title = prefix + esc(title, maxTitleRunes-len([]rune(prefix)), lang)

	t := func(k render.MessageKey) string { return bold(render.Translate(lang, k) + ":") }
	var fields []string
	add := func(parts ...string) {
		var kept []string
		for i := 0; i+1 < len(parts); i += 2 {
			if parts[i+1] != "" {
				kept = append(kept, parts[i]+" "+parts[i+1])
			}
		}
		if len(kept) > 0 {
			fields = append(fields, strings.Join(kept, "   "))
		}
	}
	add(t(render.MsgSeverity), strings.TrimSpace(v.Severity.Emoji+" "+esc(v.Severity.Text, 60, lang)))
	add(t(render.MsgAccount), esc(v.AccountID, 80, lang), t(render.MsgRegion), esc(v.Region, 40, lang))
	add(t(render.MsgProduct), esc(v.ProductName, 120, lang))
	for i, r := range v.Resources {
		label := ""
		if i == 0 {
			label = t(render.MsgResources)
		} else {
			label = "    "
		}
		add(label, "• "+code(r.Text, 300, lang))
	}
	if v.MoreResourcesText != "" {
		add("    ", esc(v.MoreResourcesText, 60, lang))
	}
	add(t(render.MsgComplianceStatus), esc(v.ComplianceStatusName, 60, lang), t(render.MsgControlID), esc(v.ControlID, 60, lang))
	add(t(render.MsgWorkflowStatus), esc(v.WorkflowName, 60, lang), t(render.MsgRecordState), esc(v.RecordStateName, 60, lang))
	add(t(render.MsgCustomAction), esc(v.ActionName, 120, lang))
	add(t(render.MsgUpdatedAt), esc(v.UpdatedAt.Text, 60, lang))
	footer := t(render.MsgFindingID) + " " + code(v.ID, 400, lang)

	head := lines(bold(esc(heading, 200, lang)), esc(intro, 300, lang))
	body := lines(head, "", strings.Join(fields, "\n"))
	description := ""
	if v.Description != "" {
		// The description gets what the fixed parts leave.
		room := maxDescriptionRunes - runes(body) - runes(footer) - 40
		if room > 80 {
			description = lines(bold(render.Translate(lang, render.MsgDescription)), esc(v.Description, room, lang))
		}
	}
	n.Content.Description, _ = fitRunes(lines(body, "", description, "", footer), maxDescriptionRunes)

	if v.RemediationText != "" {
		n.Content.NextSteps = append(n.Content.NextSteps,
			bold(render.Translate(lang, render.MsgRemediation)+":")+" "+esc(v.RemediationText, maxNextStepRunes-40, lang))
	}
	if v.RemediationURL != "" {
		n.Content.NextSteps = append(n.Content.NextSteps, link(v.RemediationURL, render.Translate(lang, render.MsgRecommendation), lang))
	}
	if v.ConsoleURL != "" {
		n.Content.NextSteps = append(n.Content.NextSteps, link(v.ConsoleURL, render.Translate(lang, render.MsgOpenInSecurityHub), lang))
	}
	n.Content.Keywords = keywords(lang, v.Severity.Label, v.ProductName, v.AccountID, v.Region, v.ControlID)

	n.Metadata.Summary = esc(heading+": "+title, maxSummaryRunes, lang)
	n.Metadata.EventType = EventTypeFinding
	for i, r := range v.Resources {
		if i == maxRelatedResources {
			break
		}
		if r.ID != "" {
			n.Metadata.RelatedResources = append(n.Metadata.RelatedResources, render.Truncate(r.ID, maxContextRunes, lang))
		}
	}
	n.Metadata.AdditionalContext = additionalContext(lang, map[string]string{
		"kind": string(m.Kind), "route": m.Route, "finding_id": v.ID,
		"severity": v.Severity.Label, "account": v.AccountID, "region": v.Region,
	})
}

func fillDigest(n *ChatbotNotification, m *notify.Message, d render.DigestView) {
	lang := d.Language
	total := max(m.Digest.Total, d.Total)
	title := render.Translate(lang, render.MsgDigestTitle, total)
	intro := render.Translate(lang, render.MsgDigestIntro, total)
	n.Content.Title = "📋 " + esc(title, maxTitleRunes-2, lang)

	var counts []string
	for _, c := range d.Counts {
		if c.Count > 0 {
			counts = append(counts, strings.TrimSpace(c.Severity.Emoji+" "+esc(c.Text, 60, lang)))
		}
	}
	countLine := strings.Join(counts, "  ")
	if total > d.Total {
		countLine += " " + esc(fmt.Sprintf(phrasePartialCounts.in(lang), d.Total), 80, lang)
	}
	head := lines(esc(intro, 300, lang), countLine, "", bold(render.Translate(lang, render.MsgDigestTop)))

	// List the most severe findings while they fit, each linked to the
	// console; when links would leave findings out, list them without.
	room := maxDescriptionRunes - runes(head) - 80
	items := digestItems(d.Top, room, true, lang)
	if len(items) < len(d.Top) {
		if plain := digestItems(d.Top, room, false, lang); len(plain) > len(items) {
			items = plain
		}
	}
	shown := len(items)
	more := ""
	if rest := total - shown; rest > 0 {
		more = esc(render.Translate(lang, render.MsgAndMore, rest), 60, lang)
	}
	n.Content.Description, _ = fitRunes(lines(head, strings.Join(items, "\n"), more), maxDescriptionRunes)

	if d.ConsoleURL != "" {
		step := link(d.ConsoleURL, render.Translate(lang, render.MsgDigestOpenAll), lang)
		if d.ConsoleScopeText != "" {
			step += " " + esc(d.ConsoleScopeText, 80, lang)
		}
		n.Content.NextSteps = []string{step}
	}
	var words []string
	for _, c := range d.Counts {
		if c.Count > 0 && c.Severity.Label != "" {
			words = append(words, c.Severity.Label)
		}
	}
	words = append(words, d.Products...)
	words = append(words, d.Accounts...)
	n.Content.Keywords = keywords(lang, words...)

	n.Metadata.Summary = esc(title, maxSummaryRunes, lang)
	n.Metadata.EventType = EventTypeDigest
	n.Metadata.AdditionalContext = additionalContext(lang, map[string]string{
		"kind": string(m.Kind), "route": m.Route, "group_key": m.Digest.GroupKey,
		"total": fmt.Sprint(total),
	})
}

// digestItems writes the numbered lines of the listed findings while they
// fit in room characters.
func digestItems(top []render.View, room int, links bool, lang render.Language) []string {
	var items []string
	for i, v := range top {
		title := esc(firstNonEmpty(v.Title, v.ID), 150, lang)
		if links {
			title = findingLink(v, lang)
		}
		item := fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(v.Severity.Emoji+" "+title))
		if v.Details != "" {
			item += " — " + esc(v.Details, 200, lang)
		}
		if runes(item)+1 > room {
			break
		}
		room -= runes(item) + 1
		items = append(items, item)
	}
	return items
}

// findingLink is a digest line's title, linked to the finding in the
// console when there is a link.
func findingLink(v render.View, lang render.Language) string {
	title := v.Title
	if title == "" {
		title = v.ID
	}
	if v.ConsoleURL == "" {
		return esc(title, 150, lang)
	}
	return link(v.ConsoleURL, render.Truncate(title, 150, lang), lang)
}

// keywords returns the distinct non-empty words, escaped and cut, at most
// maxKeywords.
func keywords(lang render.Language, words ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		w = esc(render.SingleLine(w), maxKeywordRunes, lang)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxKeywords {
			break
		}
	}
	return out
}

// additionalContext keeps the non-empty values, each on one line and cut.
func additionalContext(lang render.Language, values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if v = render.Truncate(render.SingleLine(v), maxContextRunes, lang); v != "" {
			out[k] = v
		}
	}
	return out
}

func runes(s string) int { return len([]rune(s)) }
