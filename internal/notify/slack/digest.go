package slack

import (
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// maxDigestEntries bounds how many findings a digest lists, whatever
// Options.TopN says; digestEntriesBudget bounds their text together, so
// that the message stays within maxBlocksText; maxEntryURL is the longest
// console link an entry's title carries (a longer one, from a very long
// finding ID, leaves the title unlinked).
const (
	maxDigestEntries    = 15
	digestEntriesBudget = 8000
	maxEntryURL         = 1500
)

// digestMessage returns the notification text and blocks of a digest:
// the total, counts by severity, the most severe findings (each linked to
// the console), "and N more", and a button opening the whole set.
func digestMessage(m *notify.Message, opts render.Options) (string, []goslack.Block) {
	d := render.NewDigestView(m.Digest.Findings, opts)
	lang := d.Language
	total := max(m.Digest.Total, d.Total)
	title := render.Translate(lang, render.MsgDigestTitle, total)

	blocks := appendBlocks(nil,
		header(emojiDigest+" "+title),
		section(digestSummary(d, total)),
		goslack.NewDividerBlock(),
	)
	listed, used := 0, 0
	for _, v := range d.Top {
		entry := digestEntry(v)
		if listed == maxDigestEntries || used+units(entry) > digestEntriesBudget {
			break
		}
		blocks = append(blocks, section(entry))
		listed++
		used += units(entry)
	}
	more := ""
	if n := total - listed; n > 0 {
		more = render.SlackEscape(render.Translate(lang, render.MsgAndMore, n))
	}
	blocks = appendBlocks(blocks,
		contextBlock(more),
		actionsBlock(button{actionID: "open_digest_in_security_hub", text: render.Translate(lang, render.MsgDigestOpenAll), url: d.ConsoleURL, primary: true}),
		contextBlock(
			render.SlackEscape(d.ConsoleScopeText),
			groupElement(lang, m.Digest.GroupKey),
			routeElement(lang, m.Route),
		),
	)
	text := emojiDigest + " " + title
	if d.Summary != "" {
		text += " (" + d.Summary + ")"
	}
	return esc(text, fallbackTextBudget), blocks
}

// digestSummary is the intro and the non-zero counts by severity, each
// with its emoji. When the digest holds only some of the group's findings,
// it says the counts are of those.
func digestSummary(d render.DigestView, total int) string {
	lang := d.Language
	var counts []string
	for _, c := range d.Counts {
		if c.Count > 0 {
			counts = append(counts, strings.TrimSpace(c.Severity.Emoji+" "+c.Text))
		}
	}
	lines := []string{render.Translate(lang, render.MsgDigestIntro, total)}
	if len(counts) > 0 {
		lines = append(lines, strings.Join(counts, " · "))
	}
	if total > d.Total {
		lines = append(lines, phraseCountsOf.in(lang, d.Total))
	}
	return esc(strings.Join(lines, "\n"), maxSectionText)
}

// digestEntry is one finding of a digest: its severity emoji and title
// linked to the console, then account, region, product and first resource.
func digestEntry(v render.View) string {
	consoleURL := v.ConsoleURL
	if units(consoleURL) > maxEntryURL {
		consoleURL = ""
	}
	titleText := "*" + link(consoleURL, esc(title(v, notify.KindNew), digestEntryTitleBudget)) + "*"
	if v.Severity.Emoji != "" {
		titleText = v.Severity.Emoji + " " + titleText
	}
	var facts []string
	if v.AccountID != "" {
		facts = append(facts, code(esc(v.AccountID, fieldValueBudget)))
	}
	for _, raw := range []string{v.Region, v.ProductName} {
		if raw != "" {
			facts = append(facts, esc(raw, fieldValueBudget))
		}
	}
	if len(v.Resources) > 0 {
		facts = append(facts, code(esc(v.Resources[0].ID, lineBudget)))
	}
	if len(facts) == 0 {
		return titleText
	}
	return titleText + "\n" + strings.Join(facts, " · ")
}

// groupElement names the digest's group.
func groupElement(lang render.Language, key string) string {
	key = render.SingleLine(key)
	if key == "" {
		return ""
	}
	return render.SlackEscape(phraseGroup.in(lang)+": ") + code(esc(key, lineBudget))
}

// routeElement names the route that matched.
func routeElement(lang render.Language, route string) string {
	route = render.SingleLine(route)
	if route == "" {
		return ""
	}
	return render.SlackEscape(phraseRoute.in(lang)+": ") + esc(route, 100)
}
