package slack

import (
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Budgets of a notice's parts, inside the limits of limits.go.
const (
	// noticeTextBudget bounds a section's paragraph.
	noticeTextBudget = 2000
	// noticeLabelBudget bounds a group's label.
	noticeLabelBudget = 200
	// noticeLinkTextBudget bounds the text a link shows.
	noticeLinkTextBudget = 300
	// noticeMoreRoom is kept free in a cut group for its "… and N more"
	// line.
	noticeMoreRoom = 40
)

// BuildNoticePayload builds the Slack message of a notice, laid out as
// seed 004's member alert: a header block with the title, then per
// section a header block, its paragraph and, per group, a section with
// the label in bold and one "• item" line per item, the sections
// separated by dividers; the link last, as a mrkdwn link in a section. The
// notification text ("text") is the notice's SubjectLine.
//
// Seed 004 posted one section per account, which Slack refuses beyond 50
// blocks; here the items of a group share as few sections as their text
// needs (at most 3000 characters each). When the whole notice does not fit
// Slack's 50 blocks or this package's 12,000 characters of block text,
// every group keeps a fair share of the room (small groups whole, large
// ones cut) and a cut group ends with "… and N more"; sections that do not
// fit at all are replaced by one "… and N more" line counting their items.
// Nothing is dropped without saying so.
//
// An attachment cannot be posted with chat.postMessage or an incoming
// webhook; when the notice has no link, a context line names the file so
// the reader knows it went elsewhere (email). With a bot token the message
// goes to cfg.Channel (notices are never thread replies); an incoming
// webhook posts where it was created. cfg.Language, else opts.Language,
// picks the language of the few words this package adds.
//
// n must be valid (as notify.Message.Validate checks). Pure and safe for
// concurrent use; every text is escaped and within Slack's limits.
func BuildNoticePayload(n *notify.Notice, cfg *Config, opts render.Options) *Payload {
	lang := messageOptions(cfg, opts).Language
	p := &Payload{}
	if cfg.WebhookURL == "" {
		p.Channel, _ = target(&notify.Message{}, cfg)
	}
	subject := strings.TrimSpace(render.SingleLine(n.SubjectLine()))
	if subject == "" {
		subject = phraseNotice.in(lang)
	}
	p.Text = esc(subject, fallbackTextBudget)
	p.Blocks = noticeBlocks(n, lang, subject)
	return p
}

// noticeSection is a section of a notice as escaped mrkdwn, before its
// groups are packed into blocks.
type noticeSection struct {
	header string // raw, one line; header() escapes and cuts it
	text   string // escaped
	groups []noticeGroup
}

// itemCount is how many items the section lists.
func (s noticeSection) itemCount() int {
	n := 0
	for _, g := range s.groups {
		n += len(g.items)
	}
	return n
}

// noticeGroup is a group as escaped lines, with the room it needs.
type noticeGroup struct {
	label string   // "*label*", escaped; "" for none
	items []string // "• item", escaped
	// need is how many units the whole group takes: its lines joined by
	// newlines. least is what it takes at the least: its label and first
	// item, and its "… and N more" line when it has more items.
	need, least int
}

// newNoticeGroup makes a group of escaped lines and measures it.
func newNoticeGroup(label string, items []string) noticeGroup {
	g := noticeGroup{label: label, items: items}
	lines := len(items)
	if label != "" {
		lines++
		g.need = units(label)
	}
	for _, it := range items {
		g.need += units(it)
	}
	g.need += max(lines-1, 0)
	if lines <= 2 && (label != "" || lines <= 1) {
		g.least = g.need
		return g
	}
	g.least = units(g.line(0)) + noticeMoreRoom
	if label != "" {
		g.least += 1 + units(g.line(1))
	}
	return g
}

// lineCount is how many lines the group has: the label and the items.
func (g noticeGroup) lineCount() int {
	if g.label == "" {
		return len(g.items)
	}
	return len(g.items) + 1
}

// line returns line i: the label first, when there is one.
func (g noticeGroup) line(i int) string {
	if g.label == "" {
		return g.items[i]
	}
	if i == 0 {
		return g.label
	}
	return g.items[i-1]
}

// plannedSection is a section placed in the message: whether a divider
// goes before it, and the groups that fit.
type plannedSection struct {
	divider bool
	sec     noticeSection
	groups  []noticeGroup
}

// noticeBlocks lays n out within Slack's limits.
func noticeBlocks(n *notify.Notice, lang render.Language, subject string) []goslack.Block {
	title := strings.TrimSpace(render.SingleLine(n.Title))
	if title == "" {
		title = subject
	}

	// The tail: the link, the attachment note, and room for one closing
	// "… and N more" line should whole sections not fit.
	var tail []goslack.Block
	tailText := 0
	if l := noticeLink(n.Link, lang); l != "" {
		tail = append(tail, section(l))
		tailText += units(l)
	}
	if n.Link == nil && n.Attachment != nil {
		note := esc(phraseAttachmentNotHere.in(lang, render.SingleLine(n.Attachment.Name)), maxTextObject)
		tail = append(tail, contextBlock(note))
		tailText += units(note)
	}
	const closingRoom = 60
	blockRoom := maxBlocks - 1 - len(tail) - 1 // the closing line, the divider before the tail
	textRoom := maxBlocksText - tailText - closingRoom

	// The skeleton: dividers, headers, paragraphs and the least of each
	// group (one block each), as many sections as fit.
	blocks, text := 1, units(esc(title, maxHeaderText))
	var plan []plannedSection
	omitted, cut := 0, false
	for _, s := range noticeSections(n) {
		if cut {
			omitted += s.itemCount()
			continue
		}
		ps := plannedSection{divider: len(plan) > 0, sec: s}
		b, t := 0, 0
		if ps.divider {
			b++
		}
		if s.header != "" {
			b++
			t += units(esc(s.header, maxHeaderText))
		}
		if s.text != "" {
			b++
			t += units(s.text)
		}
		if blocks+b > blockRoom || text+t > textRoom {
			cut = true
			omitted += s.itemCount()
			continue
		}
		blocks, text = blocks+b, text+t
		for gi, g := range s.groups {
			if blocks+1 > blockRoom || text+g.least > textRoom {
				cut = true
				for _, rest := range s.groups[gi:] {
					omitted += len(rest.items)
				}
				break
			}
			ps.groups = append(ps.groups, g)
			blocks++
			text += g.least
		}
		plan = append(plan, ps)
	}

	// The fill: share the room left among the groups placed.
	var groups []noticeGroup
	least := 0
	for _, ps := range plan {
		for _, g := range ps.groups {
			groups = append(groups, g)
			least += g.least
		}
	}
	packed := packGroups(groups, textRoom-(text-least), blockRoom-blocks, lang)

	out := []goslack.Block{header(title)}
	gi := 0
	for _, ps := range plan {
		if ps.divider {
			out = append(out, goslack.NewDividerBlock())
		}
		if ps.sec.header != "" {
			out = append(out, header(ps.sec.header))
		}
		if ps.sec.text != "" {
			out = append(out, section(ps.sec.text))
		}
		for range ps.groups {
			for _, chunk := range packed[gi] {
				out = append(out, section(chunk))
			}
			gi++
		}
	}
	if cut {
		more := "…" + render.Translate(lang, render.MsgTruncated)
		if omitted > 0 {
			more = "… " + render.Translate(lang, render.MsgAndMore, omitted)
		}
		out = append(out, contextBlock(render.SlackEscape(more)))
	}
	if len(tail) > 0 && len(out) > 1 {
		out = append(out, goslack.NewDividerBlock())
	}
	return append(out, tail...)
}

// noticeSections escapes and cuts n's sections; empty headers, paragraphs
// and items (only white space) are left out.
func noticeSections(n *notify.Notice) []noticeSection {
	out := make([]noticeSection, 0, len(n.Sections))
	for _, s := range n.Sections {
		ns := noticeSection{header: strings.TrimSpace(render.SingleLine(s.Header))}
		if text := strings.TrimSpace(s.Text); text != "" {
			ns.text = esc(text, noticeTextBudget)
		}
		for _, g := range s.Groups {
			var ng noticeGroup
			if label := strings.TrimSpace(render.SingleLine(g.Label)); label != "" {
				ng.label = "*" + esc(label, noticeLabelBudget) + "*"
			}
			for _, it := range g.Items {
				if it = strings.TrimSpace(render.SingleLine(it)); it != "" {
					ng.items = append(ng.items, "• "+esc(it, lineBudget))
				}
			}
			if ng.label != "" || len(ng.items) > 0 {
				ns.groups = append(ns.groups, newNoticeGroup(ng.label, ng.items))
			}
		}
		out = append(out, ns)
	}
	return out
}

// packGroups packs each group into section texts within a fair share of
// room units, and all of them within extraBlocks blocks beyond the one
// each group has: the group with the most blocks gives one up until they
// fit. The result has one slice of texts per group.
func packGroups(groups []noticeGroup, room, extraBlocks int, lang render.Language) [][]string {
	rooms := fairShares(groups, room)
	packed := make([][]string, len(groups))
	limits := make([]int, len(groups))
	for i, g := range groups {
		limits[i] = maxBlocks
		packed[i] = packGroup(g, rooms[i], limits[i], lang)
	}
	for {
		extra, largest := 0, 0
		for i, p := range packed {
			extra += len(p) - 1
			if len(p) > len(packed[largest]) {
				largest = i
			}
		}
		if extra <= max(extraBlocks, 0) || len(packed) == 0 || len(packed[largest]) <= 1 {
			return packed
		}
		limits[largest] = len(packed[largest]) - 1
		packed[largest] = packGroup(groups[largest], rooms[largest], limits[largest], lang)
	}
}

// fairShares divides room among the groups: each gets its least, then
// what is left is shared by water-filling, so that no group gets more
// than it needs and those needing more share the rest equally.
func fairShares(groups []noticeGroup, room int) []int {
	shares := make([]int, len(groups))
	pending := make([]int, 0, len(groups))
	for i, g := range groups {
		shares[i] = g.least
		room -= shares[i]
		if g.need > shares[i] {
			pending = append(pending, i)
		}
	}
	for len(pending) > 0 && room > 0 {
		share := room / len(pending)
		var rest []int
		for _, i := range pending {
			if want := groups[i].need - shares[i]; want <= share {
				shares[i] += want
				room -= want
			} else {
				rest = append(rest, i)
			}
		}
		if len(rest) == len(pending) {
			for _, i := range rest {
				shares[i] += share
			}
			return shares
		}
		pending = rest
	}
	return shares
}

// packGroup packs g's lines into at most maxChunks section texts of at
// most maxSectionText units, using at most room units in all. The label
// and first item are always kept; a group cut short ends with "… and N
// more".
func packGroup(g noticeGroup, room, maxChunks int, lang render.Language) []string {
	whole := g.need <= room
	if whole {
		if texts := chunkLines(g, maxSectionText); len(texts) <= maxChunks {
			return texts
		}
	}
	keep := 1
	if g.label != "" {
		keep = 2
	}
	var texts []string
	var cur strings.Builder
	curUnits, used, shown := 0, 0, 0
	for i := range g.lineCount() {
		line := g.line(i)
		sep := 0
		if curUnits > 0 {
			sep = 1
		}
		same := curUnits+sep+units(line) <= maxSectionText-noticeMoreRoom
		ok := used+sep+units(line) <= room-noticeMoreRoom && (same || len(texts)+2 <= maxChunks)
		if !ok && i >= keep {
			break
		}
		if !same {
			texts = append(texts, cur.String())
			cur.Reset()
			curUnits, sep = 0, 0
		}
		if sep > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		curUnits += sep + units(line)
		used += sep + units(line)
		if g.label == "" || i > 0 {
			shown++
		}
	}
	if more := len(g.items) - shown; more > 0 {
		if curUnits > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(render.SlackEscape("… " + render.Translate(lang, render.MsgAndMore, more)))
	}
	return append(texts, cur.String())
}

// chunkLines joins g's lines with newlines into texts of at most max
// units.
func chunkLines(g noticeGroup, max int) []string {
	var texts []string
	var cur strings.Builder
	curUnits := 0
	for i := range g.lineCount() {
		line := g.line(i)
		if curUnits > 0 && curUnits+1+units(line) > max {
			texts = append(texts, cur.String())
			cur.Reset()
			curUnits = 0
		}
		if curUnits > 0 {
			cur.WriteByte('\n')
			curUnits++
		}
		cur.WriteString(line)
		curUnits += units(line)
	}
	if curUnits > 0 {
		texts = append(texts, cur.String())
	}
	return texts
}

// noticeLink is the link as mrkdwn, "" when there is none. A URL that is
// not http(s), or too long for a message, shows as text, since Slack
// would not open it.
func noticeLink(l *notify.NoticeLink, lang render.Language) string {
	if l == nil {
		return ""
	}
	text := strings.TrimSpace(render.SingleLine(l.Text))
	if text == "" {
		text = phraseOpenLink.in(lang)
	}
	escapedText := esc(text, noticeLinkTextBudget)
	u := strings.TrimSpace(l.URL)
	lower := strings.ToLower(u)
	if (strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")) && units(linkURL(u)) <= maxButtonURL &&
		!strings.ContainsAny(u, " \t\r\n") {
		return "🔗 *" + link(u, escapedText) + "*"
	}
	return "🔗 *" + escapedText + "* " + render.SlackEscape(phraseLinkNotShown.in(lang))
}

// noticeRedactor is red, also removing the link of m's notice: it may be a
// signed URL, shown only in the message, and an API that echoes the
// request in an error answer must not carry it into an error.
func noticeRedactor(red *notify.Redactor, m *notify.Message) *notify.Redactor {
	if m.Notice == nil || m.Notice.Link == nil {
		return red
	}
	return red.With(m.Notice.Link.URL)
}
