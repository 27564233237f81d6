package teams

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Lengths (in characters, before escaping) a notice's texts are cut to.
const (
	noticeTitleRunes  = 250
	noticeHeaderRunes = 250
	noticeTextRunes   = 3000
	noticeLabelRunes  = 200
	noticeItemRunes   = 300
	noticeLinkRunes   = 200
	// maxNoticeLinkLength is the longest link a notice's button opens: a
	// presigned S3 URL with an STS session token runs past 2,000
	// characters, and a notice card has room for it.
	maxNoticeLinkLength = 8000
)

// listSeparator separates the items of a Markdown list in a TextBlock, as
// Adaptive Cards' "Text features" write a bulleted list ("- Item 1\r- Item
// 2\r- Item 3"; https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features),
// and "Format cards in Teams" allows for lists in Adaptive and connector
// cards.
const listSeparator = "\r"

// BuildNoticePayload builds the request body of a notice: the pure half
// of the destination for notices, tested against golden files. An
// Adaptive Card (FormatAdaptive, or an empty format) shows the title as a
// large bold TextBlock, each section's header as a bold TextBlock (a
// separator line above it) and its paragraph, each group's label in bold
// and its items as one bulleted TextBlock (a Markdown list), and the link
// as an Action.OpenUrl button; a MessageCard (FormatConnector) shows the
// same as sections and an OpenUri action. The fallback text and summary
// are the notice's SubjectLine.
//
// A notice whose card would pass PayloadBudget (Teams refuses messages
// over 28 KB) lists fewer items: every group keeps a fair share (small
// groups whole, large ones cut, each cut group ending with "… and N
// more"), and when even one item per group is too much the last sections
// are left out and counted in a closing "… and N more"; the card then
// notes that it was shortened. Nothing is dropped without saying so.
//
// An attachment cannot be posted to a Teams webhook; without a link, a
// note names the file so the reader knows it went elsewhere (email).
// opts.Language picks the language of the words this package adds.
//
// n must be valid (as notify.Message.Validate checks). Pure and safe for
// concurrent use; the same arguments give the same bytes.
func BuildNoticePayload(n *notify.Notice, format Format, opts render.Options) ([]byte, error) {
	lang := opts.Language
	if lang != render.Japanese {
		lang = render.English
	}
	base := newNoticeContent(n, lang)
	full := base.plan(len(base.sections), -1)
	body, err := encodeNotice(base.build(full), format)
	if err != nil || len(body) <= PayloadBudget {
		return body, err
	}
	fits := func(p noticePlan) ([]byte, bool, error) {
		body, err := encodeNotice(base.build(p), format)
		return body, err == nil && len(body) <= PayloadBudget, err
	}
	// The most sections that fit with one item per group, then the most
	// items shared among their groups.
	sections := search(0, len(base.sections), func(k int) bool {
		_, ok, _ := fits(base.plan(k, 0))
		return ok
	})
	if sections < 0 {
		_, _, err := fits(base.plan(0, 0))
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("teams: the notice's card is larger than %d bytes even without its sections", PayloadBudget)
	}
	items := search(0, base.items(sections), func(t int) bool {
		_, ok, _ := fits(base.plan(sections, t))
		return ok
	})
	body, _, err = fits(base.plan(sections, max(items, 0)))
	return body, err
}

// search returns the largest k in [lo, hi] for which ok holds, assuming
// ok holds up to some k and not after; -1 when it holds for none.
func search(lo, hi int, ok func(int) bool) int {
	if !ok(lo) {
		return -1
	}
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// noticeContent is a notice's text, cut to length but not yet escaped.
type noticeContent struct {
	lang           render.Language
	title, summary string
	sections       []noticeSection
	link           *link  // the button; nil when there is none
	linkNote       string // a link that cannot be a button: its text and why
	attachmentNote string
}

type noticeSection struct {
	header, text string
	groups       []noticeGroup
}

type noticeGroup struct {
	label string
	items []string
	more  int // items left out
}

// noticePlan says how much of a notice a card shows: the first sections
// and, per group of those, how many items.
type noticePlan struct {
	sections  int
	shown     [][]int // per section, per group
	shortened bool
}

// newNoticeContent cuts n's texts to length; blank headers, paragraphs
// and items are left out.
func newNoticeContent(n *notify.Notice, lang render.Language) noticeContent {
	line := func(s string, runes int) string {
		return clipLine(strings.TrimSpace(render.SingleLine(s)), runes, lang)
	}
	c := noticeContent{lang: lang}
	c.summary = line(n.SubjectLine(), 150)
	if c.summary == "" {
		c.summary = phraseNotice.in(lang)
	}
	if c.title = line(n.Title, noticeTitleRunes); c.title == "" {
		c.title = c.summary
	}
	for _, s := range n.Sections {
		ns := noticeSection{header: line(s.Header, noticeHeaderRunes), text: clipText(s.Text, noticeTextRunes, lang)}
		for _, g := range s.Groups {
			ng := noticeGroup{label: line(g.Label, noticeLabelRunes)}
			for _, it := range g.Items {
				if it = line(it, noticeItemRunes); it != "" {
					ng.items = append(ng.items, it)
				}
			}
			if ng.label != "" || len(ng.items) > 0 {
				ns.groups = append(ns.groups, ng)
			}
		}
		c.sections = append(c.sections, ns)
	}
	if n.Link != nil {
		text := line(n.Link.Text, noticeLinkRunes)
		if text == "" {
			text = phraseOpenLink.in(lang)
		}
		if u := linkable(strings.TrimSpace(n.Link.URL), maxNoticeLinkLength); u != "" {
			c.link = &link{title: text, url: u}
		} else {
			c.linkNote = text + " " + phraseLinkNotShown.in(lang)
		}
	}
	if n.Link == nil && n.Attachment != nil {
		c.attachmentNote = phraseAttachmentNotHere.in(lang, line(n.Attachment.Name, noticeLinkRunes))
	}
	return c
}

// items is how many items the first k sections hold.
func (c noticeContent) items(k int) int {
	n := 0
	for _, s := range c.sections[:k] {
		for _, g := range s.groups {
			n += len(g.items)
		}
	}
	return n
}

// plan shows the first k sections and, when total is not negative, total
// items shared among their groups (at least one per group that has
// items): water-filling, so a group needing less than an equal share shows
// all of its items and the others share the rest equally. A negative
// total shows every item.
func (c noticeContent) plan(k, total int) noticePlan {
	p := noticePlan{sections: k, shortened: k < len(c.sections) || total >= 0}
	type ref struct{ s, g, n int }
	var refs []ref
	for si, s := range c.sections[:k] {
		row := make([]int, len(s.groups))
		for gi, g := range s.groups {
			row[gi] = len(g.items)
			if total >= 0 && len(g.items) > 0 {
				row[gi] = 1
				refs = append(refs, ref{si, gi, len(g.items)})
			}
		}
		p.shown = append(p.shown, row)
	}
	if total < 0 {
		return p
	}
	room := total - len(refs)
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].n < refs[j].n })
	for i, r := range refs {
		if room <= 0 {
			break
		}
		share := room / (len(refs) - i)
		extra := min(r.n-1, max(share, 0))
		if i == len(refs)-1 {
			extra = min(r.n-1, room)
		}
		p.shown[r.s][r.g] += extra
		room -= extra
	}
	return p
}

// build is the content shown under plan p, with its "and N more" counts.
func (c noticeContent) build(p noticePlan) noticeContent {
	out := c
	out.sections = make([]noticeSection, p.sections)
	for si := range p.sections {
		s := c.sections[si]
		groups := make([]noticeGroup, len(s.groups))
		for gi, g := range s.groups {
			shown := p.shown[si][gi]
			groups[gi] = noticeGroup{label: g.label, items: g.items[:shown], more: len(g.items) - shown}
		}
		s.groups = groups
		out.sections[si] = s
	}
	omitted := c.items(len(c.sections)) - c.items(p.sections)
	if p.sections < len(c.sections) {
		closing := noticeGroup{}
		if omitted > 0 {
			closing.more = omitted
		} else {
			closing.label = "…" + render.Translate(c.lang, render.MsgTruncated)
		}
		out.sections = append(out.sections, noticeSection{groups: []noticeGroup{closing}})
	}
	if p.shortened {
		out.attachmentNote = strings.TrimSpace(out.attachmentNote + "\n" + phraseNoticeShortened.in(c.lang))
	}
	return out
}

// moreText is a cut group's last line.
func (g noticeGroup) moreText(lang render.Language) string {
	return "… " + render.Translate(lang, render.MsgAndMore, g.more)
}

// encodeNotice lays c out in format and encodes it.
func encodeNotice(c noticeContent, format Format) ([]byte, error) {
	switch format {
	case FormatAdaptive, "":
		return marshalCard(adaptiveNotice(c))
	case FormatConnector:
		return marshalCard(connectorNotice(c))
	}
	return nil, fmt.Errorf("teams: unknown card format %q", format)
}

// adaptiveNotice lays c out as an Adaptive Card message.
func adaptiveNotice(c noticeContent) adaptiveMessage {
	body := []cardElement{textBlock(cardText(c.title), func(e *cardElement) { e.Size, e.Weight = "Large", "Bolder" })}
	for _, s := range c.sections {
		separated := false
		separate := func(e *cardElement) {
			if !separated {
				e.Separator, e.Spacing = true, "Medium"
				separated = true
			}
		}
		if s.header != "" {
			body = append(body, textBlock(cardText(s.header), func(e *cardElement) {
				e.Weight = "Bolder"
				separate(e)
			}))
		}
		if s.text != "" {
			body = append(body, textBlock(cardText(s.text), separate))
		}
		for _, g := range s.groups {
			if g.label != "" {
				body = append(body, textBlock(cardText(g.label), func(e *cardElement) {
					e.Weight = "Bolder"
					separate(e)
				}))
			}
			if len(g.items) > 0 {
				body = append(body, textBlock(markdownList(g.items), func(e *cardElement) {
					e.Spacing = "Small"
					separate(e)
				}))
			}
			if g.more > 0 {
				body = append(body, textBlock(cardText(g.moreText(c.lang)), func(e *cardElement) {
					e.IsSubtle, e.Spacing = true, "Small"
					separate(e)
				}))
			}
		}
	}
	if c.linkNote != "" {
		body = append(body, textBlock(cardText(c.linkNote), func(e *cardElement) { e.Separator, e.Spacing = true, "Medium" }))
	}
	for i, note := range strings.Split(c.attachmentNote, "\n") {
		if note != "" {
			body = append(body, textBlock(cardText(note), func(e *cardElement) {
				e.Size, e.IsSubtle = "Small", true
				if i == 0 {
					e.Separator, e.Spacing = true, "Medium"
				}
			}))
		}
	}
	var actions []openURLAction
	if c.link != nil {
		actions = append(actions, openURLAction{Type: "Action.OpenUrl", Title: c.link.title, URL: c.link.url})
	}
	return adaptiveMessage{
		Type: "message",
		Attachments: []adaptiveAttachment{{
			ContentType: cardContentType,
			Content: adaptiveCard{
				Schema:       cardSchema,
				Type:         "AdaptiveCard",
				Version:      cardVersion,
				FallbackText: cardText(c.summary),
				MSTeams:      &msTeams{Width: "Full"},
				Body:         body,
				Actions:      actions,
			},
		}},
	}
}

// connectorNotice lays c out as a MessageCard: the title, a section per
// notice section (its header and paragraph) and per group (its label and
// list), the notes, and the link as an OpenUri action.
func connectorNotice(c noticeContent) messageCard {
	card := messageCard{
		Type:       "MessageCard",
		Context:    messageCardContext,
		ThemeColor: noticeColor,
		Summary:    connectorText(c.summary),
		Title:      connectorText(c.title),
	}
	for _, s := range c.sections {
		first := true
		if s.header != "" || s.text != "" {
			card.Sections = append(card.Sections, cardSection{Title: connectorText(s.header), Text: connectorText(s.text), StartGroup: true, Markdown: true})
			first = false
		}
		for _, g := range s.groups {
			var text []string
			if len(g.items) > 0 {
				text = append(text, connectorList(g.items))
			}
			if g.more > 0 {
				text = append(text, connectorText(g.moreText(c.lang)))
			}
			card.Sections = append(card.Sections, cardSection{
				ActivityTitle: connectorText(g.label), Text: strings.Join(text, "\n\n"), StartGroup: first, Markdown: true,
			})
			first = false
		}
	}
	var notes []string
	for _, note := range append([]string{c.linkNote}, strings.Split(c.attachmentNote, "\n")...) {
		if note != "" {
			notes = append(notes, connectorText(note))
		}
	}
	if len(notes) > 0 {
		card.Sections = append(card.Sections, cardSection{Text: strings.Join(notes, "\n\n"), StartGroup: true, Markdown: true})
	}
	if len(card.Sections) == 0 {
		card.Sections = []cardSection{{ActivityTitle: connectorText(c.summary), Markdown: true}}
	}
	if c.link != nil {
		card.PotentialAction = []openURIAction{{Type: "OpenUri", Name: c.link.title, Targets: []uriTarget{{OS: "default", URI: c.link.url}}}}
	}
	return card
}

// noticeColor is a notice MessageCard's theme colour: Teams' accent blue;
// a notice has no severity.
const noticeColor = "0078D4"

// markdownList is items as a Markdown list for an Adaptive Card TextBlock,
// each item escaped so that it shows as written.
func markdownList(items []string) string {
	escaped := make([]string, len(items))
	for i, it := range items {
		escaped[i] = "- " + render.MarkdownEscape(it)
	}
	return strings.Join(escaped, listSeparator)
}

// connectorList is items as a Markdown list for a MessageCard, escaped
// as connectorText escapes.
func connectorList(items []string) string {
	escaped := make([]string, len(items))
	for i, it := range items {
		escaped[i] = "- " + render.MarkdownEscape(htmlEntities.Replace(it))
	}
	return strings.Join(escaped, listSeparator)
}

// marshalCard encodes a card without HTML escaping.
func marshalCard(card any) ([]byte, error) {
	body, err := marshal(card)
	if err != nil {
		return nil, fmt.Errorf("teams: encode card: %w", err)
	}
	return body, nil
}

// noticeRedactor is red, also removing the link of m's notice: it may be a
// signed URL, shown only in the card, and an answer that echoes the
// request must not carry it into an error.
func noticeRedactor(red *notify.Redactor, m *notify.Message) *notify.Redactor {
	if m.Notice == nil || m.Notice.Link == nil {
		return red
	}
	return red.With(m.Notice.Link.URL)
}
