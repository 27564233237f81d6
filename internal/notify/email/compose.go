package email

import (
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// replyPrefix starts the subject of a mail that continues a thread. Mail
// clients recognise "Re: " in every language (RFC 5322 §3.6.5).
const replyPrefix = "Re: "

// Composer turns messages into mails for one configured destination: the
// pure half of the destination, from message, settings and render options
// to the mail, kept apart from sending so it can be tested on its own.
//
// NewComposer builds it when the destination is built; Compose is safe
// for concurrent use.
type Composer struct {
	from, replyTo *mail.Address
	to, cc, bcc   []*mail.Address
	opts          render.Options
	idDomain      string
	// referenceSelf lists a first message's own Message-ID in its
	// References field. Amazon SES replaces the Message-ID, so that copy is
	// what later mails of the thread can refer to.
	referenceSelf bool

	subject, text, html                   *render.Template
	digestSubject, digestText, digestHTML *render.Template
	// message is the compiled `message:` override; nil when unset.
	message *render.Renderer
	// noticeHTML is the HTML body of notices.
	noticeHTML *htmltemplate.Template
}

// NewComposer compiles cfg's addresses and templates (the built-in email
// templates of package render, cfg's subject templates and its message
// override, whose errors name the destination called name) for opts;
// cfg.Language, when set, replaces opts.Language. cfg must be valid
// (Config.Validate).
func NewComposer(name string, cfg *Config, opts render.Options) (*Composer, error) {
	if cfg.Language != "" {
		opts.Language = render.Language(cfg.Language)
	}
	lang, err := render.ParseLanguage(string(opts.Language))
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	opts.Language = lang
	if opts.Location == nil {
		opts.Location = render.DefaultLocation(lang)
	}
	c := &Composer{opts: opts, referenceSelf: cfg.SES != nil}

	fromRaw := ""
	switch {
	case cfg.SMTP != nil:
		fromRaw = cfg.SMTP.From
	case cfg.SES != nil:
		fromRaw = cfg.SES.From
	}
	if c.from, err = parseAddress(fromRaw); err != nil {
		return nil, fmt.Errorf("email: from: %w", err)
	}
	c.idDomain = idDomain(c.from.Address)
	if cfg.ReplyTo != "" {
		if c.replyTo, err = parseAddress(cfg.ReplyTo); err != nil {
			return nil, fmt.Errorf("email: reply_to: %w", err)
		}
	}
	for _, list := range []struct {
		field string
		raw   []string
		dst   *[]*mail.Address
	}{{"to", cfg.To, &c.to}, {"cc", cfg.Cc, &c.cc}, {"bcc", cfg.Bcc, &c.bcc}} {
		for i, raw := range list.raw {
			a, err := parseAddress(raw)
			if err != nil {
				return nil, fmt.Errorf("email: %s[%d]: %w", list.field, i, err)
			}
			*list.dst = append(*list.dst, a)
		}
	}
	if len(c.to) == 0 {
		return nil, fmt.Errorf("email: to: at least one recipient is required")
	}

	for _, t := range []struct {
		dst      **render.Template
		kind     render.Kind
		override string
	}{
		{&c.subject, render.KindEmailSubject, cfg.SubjectTemplate},
		{&c.text, render.KindEmailText, ""},
		{&c.html, render.KindEmailHTML, ""},
		{&c.digestSubject, render.KindDigestSubject, cfg.DigestSubjectTemplate},
		{&c.digestText, render.KindDigestText, ""},
		{&c.digestHTML, render.KindDigestHTML, ""},
	} {
		if *t.dst, err = render.LoadTemplate(t.kind, t.override, opts); err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
	}
	if c.message, err = cfg.Message.Compile(name, opts); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	if c.noticeHTML, err = parseNoticeTemplate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Compose builds the mail of m, dated at. It is pure: the same message and
// time give the same mail. m must be valid (notify.Message.Validate).
//
// A single finding gets the built-in email subject, text and HTML bodies
// of package render; a digest gets the digest ones: counts by severity,
// the most severe findings, "and N more" (counting Digest.Total beyond the
// findings included) and a console link to the set. A `message:`
// override replaces the body where it applies (see Config.Message).
//
// A notice (m.Notice) gets its SubjectLine as subject, a text and an HTML
// body laid out from its sections, and its attachment attached (see
// composeNotice); the override does not apply to it.
//
// When m.Previous holds an earlier mail's receipt, the mail joins its
// thread (In-Reply-To, References) and a single finding's subject becomes
// "Re: " and the subject of a new-finding mail, so that every mail client
// threads it; the body's first line still says resolved, reopened or
// reminder.
func (c *Composer) Compose(m *notify.Message, at time.Time) (*Mail, error) {
	if m == nil || (m.Finding != nil && m.Digest != nil) || (m.Notice != nil) == (m.Finding != nil || m.Digest != nil) {
		return nil, fmt.Errorf("email: compose: the message needs exactly one of finding, digest and notice")
	}
	ml := &Mail{
		From: c.from, ReplyTo: c.replyTo, To: c.to, Cc: c.cc, Bcc: c.bcc,
		Date:     at.In(c.opts.Location),
		Language: c.opts.Language,
	}
	ml.MessageID = newMessageID(m, at, c.idDomain)
	th := threadOf(m.Previous, ml.MessageID)
	ml.InReplyTo, ml.References, ml.Thread = th.inReplyTo, th.references, th.root
	if !th.reply() && c.referenceSelf {
		ml.References = []string{ml.MessageID}
	}

	var err error
	switch {
	case m.Notice != nil:
		err = c.composeNotice(ml, m.Notice)
	case m.Digest != nil:
		err = c.composeDigest(ml, m)
	default:
		err = c.composeFinding(ml, m, th)
	}
	if err != nil {
		return nil, err
	}
	if m.Kind == notify.KindTest {
		ml.Subject = phraseTestSubject.in(c.opts.Language) + ml.Subject
	}
	ml.Subject = render.Truncate(render.SingleLine(ml.Subject), maxSubjectRunes, c.opts.Language)
	ml.Headers = c.headers(m)
	return ml, nil
}

// composeFinding fills the subject and bodies of a single finding.
func (c *Composer) composeFinding(ml *Mail, m *notify.Message, th thread) error {
	v := boundView(render.NewView(m.Finding, c.opts)).WithEvent(eventOf(m.Kind))
	if m.Kind == notify.KindTest {
		v.Heading = phraseTestHeading.in(v.Language)
		v.Intro = phraseTestIntro.in(v.Language)
	}
	subjectView := v
	if th.reply() && m.Kind != notify.KindTest {
		subjectView = v.WithEvent(render.EventNew)
	}
	subject, err := c.execute(c.subject, subjectView)
	if err != nil {
		return err
	}
	if th.reply() && m.Kind != notify.KindTest {
		subject = replyPrefix + subject
	}
	ml.Subject = subject
	if ml.Text, err = c.execute(c.text, v); err != nil {
		return err
	}
	if ml.HTML, err = c.execute(c.html, v); err != nil {
		return err
	}
	return c.override(ml, render.Data{
		Finding: m.Finding, View: v, Event: m.Event,
		Kind: string(m.Kind), Route: m.Route, Destination: m.Destination, Language: v.Language,
	})
}

// composeDigest fills the subject and bodies of a digest. A digest that
// holds only some of its group's findings says so: the title and intro
// count all of them, "and N more" includes those left out, and the intro
// notes that the counts by severity are of the findings included.
func (c *Composer) composeDigest(ml *Mail, m *notify.Message) error {
	d := render.NewDigestView(m.Digest.Findings, c.opts)
	lang := d.Language
	if total := m.Digest.Total; total > d.Total {
		d.Title = render.Translate(lang, render.MsgDigestTitle, total)
		d.Intro = joinSentences(lang, render.Translate(lang, render.MsgDigestIntro, total), phraseCountsOf.in(lang, d.Total))
		d.More += total - d.Total
		d.MoreText = render.Translate(lang, render.MsgAndMore, d.More)
		d.Total = total
	}
	if m.Kind == notify.KindTest {
		d.Intro = joinSentences(lang, phraseTestIntro.in(lang), d.Intro)
	}
	for i := range d.Top {
		d.Top[i] = boundView(d.Top[i])
	}
	var err error
	if ml.Subject, err = c.execute(c.digestSubject, d); err != nil {
		return err
	}
	if ml.Text, err = c.execute(c.digestText, d); err != nil {
		return err
	}
	if ml.HTML, err = c.execute(c.digestHTML, d); err != nil {
		return err
	}
	return c.override(ml, render.Data{
		Digest: &d, Event: m.Event,
		Kind: string(m.Kind), Route: m.Route, Destination: m.Destination, Language: lang,
	})
}

// override replaces the body with the `message:` override when it applies
// to d (see render.Renderer.Applies): an HTML override replaces the HTML
// part, a text one the whole body, which leaves a text-only mail.
func (c *Composer) override(ml *Mail, d render.Data) error {
	if !c.message.Applies(d) {
		return nil
	}
	out, err := c.message.Render(d)
	if err != nil {
		return fmt.Errorf("email: compose: %w", err)
	}
	if c.message.Format() == render.FormatHTML {
		ml.HTML = string(out)
	} else {
		ml.Text, ml.HTML = string(out), ""
	}
	return nil
}

// joinSentences joins sentences as each language writes them: with a
// space in English, without one after Japanese 。.
func joinSentences(lang render.Language, sentences ...string) string {
	sep := " "
	if lang == render.Japanese {
		sep = ""
	}
	return strings.Join(sentences, sep)
}

// execute runs t on data; a failing template is a permanent problem of
// the configuration, not of the delivery.
func (c *Composer) execute(t *render.Template, data any) (string, error) {
	out, err := t.Execute(data)
	if err != nil {
		return "", fmt.Errorf("email: compose: %w", err)
	}
	return string(out), nil
}

// headers are the further header fields of m's mail: RFC 3834's
// Auto-Submitted and Exchange's X-Auto-Response-Suppress, so that
// out-of-office replies do not answer an alert, and X-Hubrelay-* fields
// that mail filters can sort by.
func (c *Composer) headers(m *notify.Message) []Header {
	hs := []Header{
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "OOF, AutoReply"},
		{"X-Hubrelay-Kind", string(m.Kind)},
	}
	add := func(name, value string) {
		if value = render.Truncate(render.SingleLine(value), maxHeaderRunes, render.English); value != "" {
			hs = append(hs, Header{name, value})
		}
	}
	add("X-Hubrelay-Route", m.Route)
	if m.Notice != nil {
		add("X-Hubrelay-Topic", m.Notice.Topic)
	}
	if m.Finding != nil {
		add("X-Hubrelay-Severity", m.Finding.Severity.Label)
	}
	if m.Digest != nil {
		add("X-Hubrelay-Group", m.Digest.GroupKey)
	}
	return hs
}

// eventOf maps a message kind to the render event that picks the heading.
func eventOf(k notify.Kind) render.Event {
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

// boundView cuts the parts of v a finding controls to the limits of
// limits.go, and drops links too long to be real.
func boundView(v render.View) render.View {
	lang := v.Language
	line := func(s string) string { return render.Truncate(s, maxLineRunes, lang) }
	v.ID = line(v.ID)
	v.Title = render.Truncate(v.Title, maxTitleRunes, lang)
	v.AccountID, v.Region = line(v.AccountID), line(v.Region)
	v.ProductName, v.CompanyName, v.GeneratorID = line(v.ProductName), line(v.CompanyName), line(v.GeneratorID)
	v.Details, v.ControlID, v.ActionName = line(v.Details), line(v.ControlID), line(v.ActionName)
	v.Description = render.Truncate(v.Description, maxTextRunes, lang)
	v.RemediationText = render.Truncate(v.RemediationText, maxTextRunes, lang)
	if len(v.ConsoleURL) > maxURLBytes {
		v.ConsoleURL = ""
	}
	if len(v.RemediationURL) > maxURLBytes {
		v.RemediationURL = ""
	}
	types := make([]string, len(v.Types))
	for i, t := range v.Types {
		types[i] = line(t)
	}
	v.Types = types
	resources := make([]render.ResourceLine, len(v.Resources))
	for i, r := range v.Resources {
		resources[i] = render.ResourceLine{Type: line(r.Type), ID: line(r.ID), Region: line(r.Region), Text: line(r.Text)}
	}
	v.Resources = resources
	return v
}

// findingsOf returns the findings of m.
func findingsOf(m *notify.Message) []*finding.Finding {
	if m.Digest != nil {
		return m.Digest.Findings
	}
	if m.Finding != nil {
		return []*finding.Finding{m.Finding}
	}
	return nil
}
