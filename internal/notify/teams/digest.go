package teams

import (
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// digestContent is the card of a digest at detail d: the total, counts by
// severity, the most severe findings (each linked to the console), "and N
// more", and a button opening the whole set.
func digestContent(m *notify.Message, opts render.Options, d detail, shortened bool) content {
	dv := render.NewDigestView(m.Digest.Findings, opts)
	lang := dv.Language
	total := max(m.Digest.Total, dv.Total)
	heading := render.Translate(lang, render.MsgDigestTitle, total)

	c := content{lang: lang, tone: toneEmphasis, color: render.SeverityColor("")}
	if len(dv.Top) > 0 {
		// The most severe finding comes first.
		c.tone, c.color = severityTone(dv.Top[0].Severity.Label), dv.Top[0].Severity.Color
	}
	c.heading = emojiDigest + " " + heading
	c.intro = render.Translate(lang, render.MsgDigestIntro, total)
	if total > dv.Total {
		c.intro += " " + phraseCountsOf.in(lang, dv.Total)
	}
	c.summary = heading
	if dv.Summary != "" {
		c.summary += " (" + dv.Summary + ")"
	}
	c.summary = clipLine(c.summary, 150, lang)

	for _, count := range dv.Counts {
		if count.Count > 0 {
			c.addFact(strings.TrimSpace(count.Severity.Emoji+" "+count.Severity.Name), strconv.Itoa(count.Count))
		}
	}

	c.rowsHeading = render.Translate(lang, render.MsgDigestTop)
	for _, v := range dv.Top {
		if len(c.rows) == d.rows {
			break
		}
		c.rows = append(c.rows, digestRow(v, d))
	}
	if n := total - len(c.rows); n > 0 {
		c.more = render.Translate(lang, render.MsgAndMore, n)
	}

	openAll := render.Translate(lang, render.MsgDigestOpenAll)
	c.addLink(openAll, dv.ConsoleURL)
	if len(c.links) > 0 && dv.ConsoleScopeText != "" {
		// Say what the button shows: these findings, or a wider filter.
		sep := " "
		if lang == render.Japanese {
			sep = "" // the scope is in full-width parentheses
		}
		c.addNote(openAll + sep + dv.ConsoleScopeText)
	}
	if group := clipLine(m.Digest.GroupKey, d.note, lang); group != "" {
		c.addNote(labelled(phraseGroup.in(lang), group))
	}
	if route := clipLine(m.Route, d.note, lang); route != "" {
		c.addNote(labelled(phraseRoute.in(lang), route))
	}
	if shortened {
		c.addNote(phraseShortened.in(lang))
	}
	return c
}

// digestRow is one finding of a digest: severity emoji, title linked to the
// console, then account, region, product and first resource on one line.
func digestRow(v render.View, d detail) row {
	lang := v.Language
	title := v.Title
	if title == "" {
		title = render.SingleLine(v.ID)
	}
	var parts []string
	for _, p := range []string{v.Severity.Name, v.AccountID, v.Region, v.ProductName} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(v.Resources) > 0 && v.Resources[0].ID != "" {
		parts = append(parts, v.Resources[0].ID)
	}
	return row{
		emoji:   v.Severity.Emoji,
		title:   clipLine(title, d.rowTitle, lang),
		url:     linkable(v.ConsoleURL, maxRowLinkLength),
		details: clipLine(strings.Join(parts, " · "), d.rowDetails, lang),
	}
}
