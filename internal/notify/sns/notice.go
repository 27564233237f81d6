package sns

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// AttrTopic is the message attribute of a notice naming its topic
// ("members", "report"), beside AttrKind "notice", so a subscription's
// filter policy can take member alerts and leave report links:
//
//	{"kind": ["notice"], "topic": ["members"]}
const AttrTopic = "topic"

// EventTypeNotice is the metadata.eventType of a notice's Chatbot
// notification.
const EventTypeNotice = "HubrelayNotice"

// Limits of a notice's texts (characters), within the limits of limits.go.
const (
	noticeLineRunes = 300  // a header, label or item
	noticeTextRunes = 2000 // a section's paragraph
)

// NoticeDocument is a notice in a Document (format json): the notice as
// composed, its groups cut to fit SNS's 256 KB with the number of items
// left out, and its attachment described but not carried.
type NoticeDocument struct {
	Topic    string                  `json:"topic"`
	Title    string                  `json:"title"`
	Subject  string                  `json:"subject"`
	Sections []NoticeDocumentSection `json:"sections,omitempty"`
	Link     *notify.NoticeLink      `json:"link,omitempty"`
	// Attachment names the file email destinations attach; its bytes are
	// not published.
	Attachment *NoticeDocumentAttachment `json:"attachment,omitempty"`
	// Data is the notice's machine-readable content, left out (and
	// DataOmitted set) when the message would not fit SNS's limit with it.
	Data        map[string]any `json:"data,omitempty"`
	DataOmitted bool           `json:"data_omitted,omitempty"`
}

// NoticeDocumentSection is a section of a NoticeDocument.
type NoticeDocumentSection struct {
	Header string                `json:"header,omitempty"`
	Text   string                `json:"text,omitempty"`
	Groups []NoticeDocumentGroup `json:"groups,omitempty"`
}

// NoticeDocumentGroup is a group of a NoticeDocument; More counts the
// items left out to fit.
type NoticeDocumentGroup struct {
	Label string   `json:"label,omitempty"`
	Items []string `json:"items,omitempty"`
	More  int      `json:"more,omitempty"`
}

// NoticeDocumentAttachment describes an attachment without its bytes.
type NoticeDocumentAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size"`
}

// NoticeSubject returns the subject of a notice's Publish call: "[TOPIC] "
// and the notice's SubjectLine when that is ASCII (SNS takes only
// printable ASCII, fewer than 100 characters), else "[TOPIC] hubrelay
// notice: " and what ASCII its title holds (a date, a project name):
//
//	[MEMBERS] Security Hub members: no change (2026/01/02)
//	[MEMBERS] hubrelay notice: 2026/01/02
//	[REPORT] hubrelay notice: system-a 2026/01/02
//
// Pure; n must be valid.
func NoticeSubject(n *notify.Notice) string {
	tag := strings.ToUpper(asciiLine(n.Topic))
	if tag == "" {
		tag = "NOTICE"
	}
	subject := render.SingleLine(n.SubjectLine())
	if ascii := asciiLine(subject); ascii != "" && ascii == strings.Join(strings.Fields(subject), " ") {
		return clipASCII("["+tag+"] "+ascii, MaxSubjectLength)
	}
	s := "[" + tag + "] hubrelay notice"
	if title := asciiWords(n.Title); title != "" {
		s += ": " + title
	}
	return clipASCII(s, MaxSubjectLength)
}

// asciiWords keeps the ASCII of s, with every run of other characters
// made one space, trimmed of the punctuation a cut leaves at its ends.
func asciiWords(s string) string {
	var b strings.Builder
	for _, r := range render.RepairUTF8(s) {
		if r > 0x20 && r < 0x7f {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.Trim(strings.Join(strings.Fields(b.String()), " "), " :-/.,;()[]")
}

// buildNotice is Build for a notice: the Chatbot notification
// (FormatChatbot), the Document with the notice (FormatJSON), or, for a
// raw topic, the notice as plain text (a notice has no EventBridge
// event); each with NoticeSubject and the attributes kind and topic.
func buildNotice(m *notify.Message, cfg *Config, opts render.Options, fifo bool) (Publication, error) {
	n := m.Notice
	lang := opts.Language
	if lang != render.Japanese {
		lang = render.English
	}
	p := Publication{Subject: NoticeSubject(n), Attributes: Attributes(m), Thread: threadID(m)}
	if fifo {
		p.GroupID = GroupID(m, cfg.group())
		p.DeduplicationID = DeduplicationID(m)
	}
	room := MaxMessageBytes - attributesSize(p.Attributes)
	var err error
	switch cfg.format() {
	case FormatJSON:
		p.Message, err = noticeDocument(m, lang, p.Thread, room)
	case FormatRaw:
		p.Message = noticeText(newNoticeLayout(n, lang), lang, room)
	default:
		var data []byte
		data, err = marshal(NewChatbotNoticeNotification(m, lang, p.Thread))
		p.Message = string(data)
	}
	if err != nil {
		return Publication{}, err
	}
	if size := p.Size(); size > MaxMessageBytes {
		return Publication{}, fmt.Errorf("message: %d bytes with its attributes, more than the %d SNS accepts", size, MaxMessageBytes)
	}
	return p, nil
}

// noticeLayout is a notice cut to this package's lengths, with the
// number of items per group.
type noticeLayout struct {
	n        *notify.Notice
	title    string
	sections []NoticeDocumentSection // every item
	counts   []int                   // items per group, in order
}

func newNoticeLayout(n *notify.Notice, lang render.Language) noticeLayout {
	line := func(s string, runes int) string {
		return render.Truncate(strings.TrimSpace(render.SingleLine(render.RepairUTF8(s))), runes, lang)
	}
	l := noticeLayout{n: n, title: line(n.Title, maxTitleRunes)}
	if l.title == "" {
		l.title = line(n.SubjectLine(), maxTitleRunes)
	}
	for _, s := range n.Sections {
		ds := NoticeDocumentSection{Header: line(s.Header, noticeLineRunes),
			Text: render.Truncate(strings.TrimSpace(render.RepairUTF8(s.Text)), noticeTextRunes, lang)}
		for _, g := range s.Groups {
			dg := NoticeDocumentGroup{Label: line(g.Label, noticeLineRunes)}
			for _, it := range g.Items {
				if it = line(it, noticeLineRunes); it != "" {
					dg.Items = append(dg.Items, it)
				}
			}
			ds.Groups = append(ds.Groups, dg)
			l.counts = append(l.counts, len(dg.Items))
		}
		l.sections = append(l.sections, ds)
	}
	return l
}

// total is how many items the notice holds.
func (l noticeLayout) total() int {
	t := 0
	for _, c := range l.counts {
		t += c
	}
	return t
}

// shown returns the sections with only shown[i] items of group i, and
// how many each left out.
func (l noticeLayout) shown(shown []int) []NoticeDocumentSection {
	out := make([]NoticeDocumentSection, len(l.sections))
	gi := 0
	for si, s := range l.sections {
		groups := make([]NoticeDocumentGroup, len(s.Groups))
		for i, g := range s.Groups {
			groups[i] = NoticeDocumentGroup{Label: g.Label, Items: g.Items[:shown[gi]], More: len(g.Items) - shown[gi]}
			gi++
		}
		s.Groups = groups
		out[si] = s
	}
	return out
}

// fit returns the largest number of items, shared fairly among the
// groups (fairCounts), for which fits holds, and the share; every group
// keeps at least one item even when fits never holds.
func (l noticeLayout) fit(fits func(shown []int) bool) []int {
	all := notify.FairShare(l.counts, l.total())
	if fits(all) {
		return all
	}
	lo, hi := 0, l.total()
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if fits(notify.FairShare(l.counts, mid)) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return notify.FairShare(l.counts, lo)
}

// noticeDocument is the json format's message of a notice, within room
// bytes: whole when it fits, else without Data, else with fewer items.
func noticeDocument(m *notify.Message, lang render.Language, thread string, room int) (string, error) {
	n := m.Notice
	l := newNoticeLayout(n, lang)
	nd := &NoticeDocument{Topic: n.Topic, Title: l.title, Subject: render.SingleLine(n.SubjectLine()), Link: n.Link, Data: n.Data}
	if a := n.Attachment; a != nil {
		nd.Attachment = &NoticeDocumentAttachment{Name: a.Name, ContentType: a.ContentType, Size: len(a.Data)}
	}
	doc := Document{Version: DocumentVersion, Kind: m.Kind, Route: m.Route, Destination: m.Destination,
		Key: m.Key, Thread: thread, Previous: m.Previous, Notice: nd}
	encode := func(shown []int) ([]byte, error) {
		nd.Sections = l.shown(shown)
		return marshal(doc)
	}
	all := notify.FairShare(l.counts, l.total())
	data, err := encode(all)
	if err != nil {
		return "", fmt.Errorf("json: encode notice: %w", err)
	}
	if len(data) > room && nd.Data != nil {
		nd.Data, nd.DataOmitted = nil, true
		if data, err = encode(all); err != nil {
			return "", fmt.Errorf("json: encode notice: %w", err)
		}
	}
	if len(data) > room {
		shown := l.fit(func(shown []int) bool {
			d, err := encode(shown)
			return err == nil && len(d) <= room
		})
		if data, err = encode(shown); err != nil {
			return "", fmt.Errorf("json: encode notice: %w", err)
		}
	}
	for _, limit := range []int{2000, 200} {
		if len(data) <= room {
			break
		}
		if data, err = truncateStrings(data, limit, lang); err != nil {
			return "", fmt.Errorf("json: shorten notice: %w", err)
		}
	}
	return string(data), nil
}

// noticeText is the raw format's message of a notice: plain text within
// room bytes, items shared fairly when they do not all fit.
func noticeText(l noticeLayout, lang render.Language, room int) string {
	write := func(shown []int) string {
		var b strings.Builder
		b.WriteString(l.title + "\n")
		for _, s := range l.shown(shown) {
			b.WriteString("\n")
			if s.Header != "" {
				b.WriteString("■ " + s.Header + "\n")
			}
			if s.Text != "" {
				b.WriteString(s.Text + "\n")
			}
			for _, g := range s.Groups {
				if g.Label != "" {
					b.WriteString("\n" + g.Label + ":\n")
				}
				for _, it := range g.Items {
					b.WriteString("  - " + it + "\n")
				}
				if g.More > 0 {
					b.WriteString("  … " + render.Translate(lang, render.MsgAndMore, g.More) + "\n")
				}
			}
		}
		if link := l.n.Link; link != nil {
			text := strings.TrimSpace(render.SingleLine(render.RepairUTF8(link.Text)))
			if text == "" {
				text = phraseOpenLink.in(lang)
			}
			b.WriteString("\n" + render.Truncate(text, noticeLineRunes, lang) + ":\n" + render.RepairUTF8(render.SingleLine(link.URL)) + "\n")
		}
		if a := l.n.Attachment; a != nil && l.n.Link == nil {
			b.WriteString("\n" + fmt.Sprintf(phraseAttachmentNotHere.in(lang), render.Truncate(render.SingleLine(render.RepairUTF8(a.Name)), noticeLineRunes, lang)) + "\n")
		}
		return b.String()
	}
	text := write(l.fit(func(shown []int) bool { return len(write(shown)) <= room }))
	if len(text) > room {
		text, _ = fitRunes(text, utf8.RuneCountInString(text)*room/len(text))
		for len(text) > room {
			text, _ = fitRunes(text, utf8.RuneCountInString(text)/2)
		}
	}
	return text
}

// NewChatbotNoticeNotification builds the Chatbot custom notification of
// a notice: the title; a description in Slack markdown with each
// section's header in bold, its paragraph, each group's label in bold and
// its items as "• " lines (items shared fairly among the groups and each
// cut group ending with "… and N more" when they do not fit Chatbot's
// 3,000 characters); the link as the next step (or at the end of the
// description when it is too long for one); and the topic as keyword.
// Pure; m must hold a valid notice.
func NewChatbotNoticeNotification(m *notify.Message, lang render.Language, thread string) ChatbotNotification {
	n := m.Notice
	l := newNoticeLayout(n, lang)
	c := ChatbotNotification{
		Version: "1.0",
		Source:  "custom",
		ID:      hash32("id\x00" + m.Key),
		Content: ChatbotContent{TextType: "client-markdown", Title: esc(l.title, maxTitleRunes, lang)},
	}
	var tail []string
	if nl := n.Link; nl != nil {
		text := strings.TrimSpace(render.SingleLine(nl.Text))
		if text == "" {
			text = phraseOpenLink.in(lang)
		}
		step := link(strings.TrimSpace(nl.URL), text, lang)
		if runes(step) <= maxNextStepRunes {
			c.Content.NextSteps = []string{step}
		} else {
			tail = append(tail, step)
		}
	}
	if a := n.Attachment; a != nil && n.Link == nil {
		tail = append(tail, esc(fmt.Sprintf(phraseAttachmentNotHere.in(lang), render.SingleLine(a.Name)), 400, lang))
	}
	tailText := lines(tail...)
	room := maxDescriptionRunes
	if tailText != "" {
		room -= runes(tailText) + 2
	}
	describe := func(shown []int) string {
		var parts []string
		for _, s := range l.shown(shown) {
			var block []string
			if s.Header != "" {
				block = append(block, bold(esc(s.Header, noticeLineRunes, lang)))
			}
			if s.Text != "" {
				block = append(block, esc(s.Text, noticeTextRunes, lang))
			}
			for _, g := range s.Groups {
				if g.Label != "" {
					block = append(block, bold(esc(g.Label, noticeLineRunes, lang)))
				}
				for _, it := range g.Items {
					block = append(block, "• "+esc(it, noticeLineRunes, lang))
				}
				if g.More > 0 {
					block = append(block, esc("… "+render.Translate(lang, render.MsgAndMore, g.More), 60, lang))
				}
			}
			if len(block) > 0 {
				parts = append(parts, strings.Join(block, "\n"))
			}
		}
		return strings.Join(parts, "\n\n")
	}
	body := describe(l.fit(func(shown []int) bool { return runes(describe(shown)) <= room }))
	if cut, ok := fitRunes(body, room-40); runes(body) > room && ok {
		body = lines(cut, esc("…"+render.Translate(lang, render.MsgTruncated), 40, lang))
	}
	description := lines(body, "", tailText)
	if description == "" {
		description = esc(render.SingleLine(n.SubjectLine()), maxDescriptionRunes, lang)
	}
	c.Content.Description = description
	c.Content.Keywords = keywords(lang, n.Topic)
	c.Metadata = ChatbotMetadata{
		ThreadID:  thread,
		Summary:   esc(render.SingleLine(n.SubjectLine()), maxSummaryRunes, lang),
		EventType: EventTypeNotice,
		AdditionalContext: additionalContext(lang, map[string]string{
			"kind": string(m.Kind), "topic": n.Topic, "route": m.Route,
		}),
	}
	return c
}

// noticeRedactor is red, also removing the link of m's notice: it may be a
// signed URL, shown only in the message, and an answer that echoes the
// request must not carry it into an error.
func noticeRedactor(red *notify.Redactor, m *notify.Message) *notify.Redactor {
	if m.Notice == nil || m.Notice.Link == nil {
		return red
	}
	return red.With(m.Notice.Link.URL)
}
