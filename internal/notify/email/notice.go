package email

import (
	"bytes"
	"fmt"
	"html/template"
	"mime"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Bounds on what a notice puts into a mail, like those of limits.go for
// findings.
const (
	// maxNoticeItems bounds how many items a mail lists in all; the
	// groups share them fairly and a cut group says how many it left out.
	// 20,000 account IDs are about 400 KB of text and HTML.
	maxNoticeItems = 20000
	// maxNoticeURLBytes is the longest link a notice links to: a presigned
	// S3 URL with an STS session token runs past maxURLBytes.
	maxNoticeURLBytes = 8000
	// maxAttachmentNameRunes bounds an attachment's file name, which goes
	// into two header fields of its part (RFC 2047 encoded when it is not
	// ASCII) whose lines must stay under 998 octets.
	maxAttachmentNameRunes = 100
)

// Attachment is a file carried by a mail as a part of its own
// (Content-Disposition: attachment, base64).
type Attachment struct {
	// Name is the file name shown to the reader: one line, at most
	// maxAttachmentNameRunes characters.
	Name string
	// ContentType is the file's media type with its parameters; empty
	// lets the writer pick one from the name's extension.
	ContentType string
	// Data is the file's content, sent byte for byte.
	Data []byte
}

// noticeHTMLTemplate is the HTML body of a notice; html/template escapes
// every value and refuses links that are not http(s).
const noticeHTMLTemplate = `<!DOCTYPE html>
<html lang="{{ .Language }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5;">
<h2 style="margin: 4px 0;">{{ .Title }}</h2>
{{- range .Sections }}
<hr style="border: none; border-top: 1px solid #DDDDDD; margin: 12px 0;">
{{- with .Header }}
<h3 style="margin: 8px 0 4px;">{{ . }}</h3>{{ end }}
{{- with .Text }}
<p>{{ range $i, $line := . }}{{ if $i }}<br>{{ end }}{{ $line }}{{ end }}</p>{{ end }}
{{- range .Groups }}
{{- with .Label }}
<p style="margin: 8px 0 0;"><strong>{{ . }}</strong></p>{{ end }}
{{- if .Items }}
<ul style="margin: 4px 0;">
{{- range .Items }}
<li>{{ . }}</li>{{ end }}
</ul>{{ end }}
{{- with .More }}
<p style="margin: 4px 0; color: #555555;">{{ . }}</p>{{ end }}
{{- end }}
{{- end }}
{{- with .Link }}
<hr style="border: none; border-top: 1px solid #DDDDDD; margin: 12px 0;">
{{- if .URL }}
<p><a href="{{ .URL }}" style="display: inline-block; padding: 6px 12px; background: #232F3E; color: #FFFFFF; text-decoration: none; border-radius: 4px;">{{ .Text }}</a></p>
{{- else }}
<p>{{ .Text }}: {{ .RawURL }}</p>{{ end }}
{{- end }}
{{- with .AttachmentNote }}
<p style="color: #555555;">📎 {{ . }}</p>{{ end }}
</body>
</html>
`

// noticeView is a notice as the mail's bodies show it: cut to the bounds
// above, items shared fairly, link checked.
type noticeView struct {
	Language       render.Language
	Title          string
	Sections       []noticeSectionView
	Link           *noticeLinkView
	AttachmentNote string
}

type noticeSectionView struct {
	Header string
	Text   []string // lines
	Groups []noticeGroupView
}

type noticeGroupView struct {
	Label string
	Items []string
	More  string // "… and N more" when items were left out
}

type noticeLinkView struct {
	Text string
	// URL is the link when it is an http(s) URL of at most
	// maxNoticeURLBytes;
	// otherwise empty, and RawURL shows the link as text.
	URL    string
	RawURL string
}

// composeNotice fills the subject, bodies and attachment of a notice's
// mail: the subject is the notice's SubjectLine; the text and HTML parts
// show the title, each section's header and paragraph, each group's label
// and items as a list, and the link; the attachment is attached as it is.
// An attachment that would make the mail larger than MaxMessageBytes is
// refused: the error names it, its size and the limit.
func (c *Composer) composeNotice(ml *Mail, n *notify.Notice) error {
	lang := c.opts.Language
	v := newNoticeView(n, lang)
	ml.Subject = n.SubjectLine()
	ml.Text = noticeText(v)
	var html bytes.Buffer
	if err := c.noticeHTML.Execute(&html, v); err != nil {
		return fmt.Errorf("email: compose notice: %w", err)
	}
	ml.HTML = html.String()
	if a := n.Attachment; a != nil {
		att := Attachment{Name: attachmentName(a.Name), ContentType: attachmentType(a.ContentType), Data: a.Data}
		// The bodies are encoded too (base64 for Japanese); 16 KB is
		// room for the header fields and part headers.
		if size := encodedSize(len(att.Data)) + encodedSize(len(ml.Text)) + encodedSize(len(ml.HTML)) + 16<<10; size > MaxMessageBytes {
			return fmt.Errorf("email: the attachment %q has %s, which makes a mail of about %s (base64); a mail may have at most %s "+
				"(MaxMessageBytes, within Amazon SES's limit for raw messages and the usual SMTP server limit): "+
				"send the file as a link instead", att.Name, byteSize(len(att.Data)), byteSize(size), byteSize(MaxMessageBytes))
		}
		ml.Attachments = []Attachment{att}
	}
	return nil
}

// newNoticeView cuts n to the mail's bounds.
func newNoticeView(n *notify.Notice, lang render.Language) noticeView {
	line := func(s string, runes int) string {
		return render.Truncate(strings.TrimSpace(render.SingleLine(render.RepairUTF8(s))), runes, lang)
	}
	v := noticeView{Language: lang, Title: line(n.Title, maxLineRunes)}
	if v.Title == "" {
		v.Title = line(n.SubjectLine(), maxLineRunes)
	}
	var counts []int
	for _, s := range n.Sections {
		for _, g := range s.Groups {
			counts = append(counts, len(g.Items))
		}
	}
	shown := notify.FairShare(counts, maxNoticeItems)
	gi := 0
	for _, s := range n.Sections {
		sv := noticeSectionView{Header: line(s.Header, maxLineRunes)}
		if text := strings.TrimSpace(render.Truncate(render.RepairUTF8(s.Text), maxTextRunes, lang)); text != "" {
			for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if l = strings.TrimSpace(render.SingleLine(l)); l != "" {
					sv.Text = append(sv.Text, l)
				}
			}
		}
		for _, g := range s.Groups {
			gv := noticeGroupView{Label: line(g.Label, maxLineRunes)}
			for _, it := range g.Items[:shown[gi]] {
				if it = line(it, maxLineRunes); it != "" {
					gv.Items = append(gv.Items, it)
				}
			}
			if more := len(g.Items) - shown[gi]; more > 0 {
				gv.More = "… " + render.Translate(lang, render.MsgAndMore, more)
			}
			gi++
			if gv.Label != "" || len(gv.Items) > 0 || gv.More != "" {
				sv.Groups = append(sv.Groups, gv)
			}
		}
		if sv.Header != "" || len(sv.Text) > 0 || len(sv.Groups) > 0 {
			v.Sections = append(v.Sections, sv)
		}
	}
	if l := n.Link; l != nil {
		lv := &noticeLinkView{Text: line(l.Text, maxLineRunes)}
		if lv.Text == "" {
			lv.Text = phraseOpenLink.in(lang)
		}
		u := strings.TrimSpace(l.URL)
		if p, err := url.Parse(u); err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" &&
			len(u) <= maxNoticeURLBytes && utf8.ValidString(u) && !strings.ContainsFunc(u, unicode.IsSpace) {
			lv.URL = u
		} else {
			lv.RawURL = render.Truncate(render.SingleLine(render.RepairUTF8(u)), maxNoticeURLBytes, lang)
		}
		v.Link = lv
	}
	if a := n.Attachment; a != nil {
		v.AttachmentNote = phraseAttached.in(lang, attachmentName(a.Name), byteSize(len(a.Data)))
	}
	return v
}

// noticeText is the text/plain body of a notice.
func noticeText(v noticeView) string {
	var b strings.Builder
	b.WriteString(v.Title)
	b.WriteString("\n")
	for _, s := range v.Sections {
		b.WriteString("\n")
		if s.Header != "" {
			b.WriteString("■ " + s.Header + "\n")
		}
		for _, l := range s.Text {
			b.WriteString(l + "\n")
		}
		for _, g := range s.Groups {
			if g.Label != "" {
				b.WriteString("\n" + g.Label + ":\n")
			}
			for _, it := range g.Items {
				b.WriteString("  - " + it + "\n")
			}
			if g.More != "" {
				b.WriteString("  " + g.More + "\n")
			}
		}
	}
	if l := v.Link; l != nil {
		b.WriteString("\n" + l.Text + ":\n")
		if l.URL != "" {
			b.WriteString(l.URL + "\n")
		} else {
			b.WriteString(l.RawURL + "\n")
		}
	}
	if v.AttachmentNote != "" {
		b.WriteString("\n" + v.AttachmentNote + "\n")
	}
	return b.String()
}

// attachmentName makes name one line of at most maxAttachmentNameRunes
// characters, keeping its extension; "attachment" when nothing is left.
func attachmentName(name string) string {
	name = strings.TrimSpace(render.SingleLine(render.RepairUTF8(name)))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return "attachment"
	}
	runes := []rune(name)
	if len(runes) <= maxAttachmentNameRunes {
		return name
	}
	ext := []rune(path.Ext(name))
	if len(ext) > 10 {
		ext = nil
	}
	return string(runes[:maxAttachmentNameRunes-len(ext)]) + string(ext)
}

// attachmentType returns ct when it is a valid media type (parameters
// kept), else "" so that the writer picks one from the file name.
func attachmentType(ct string) string {
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mediaType, "/") {
		return ""
	}
	if formatted := mime.FormatMediaType(mediaType, params); formatted != "" {
		return formatted
	}
	return mime.FormatMediaType(mediaType, nil)
}

// encodedSize is how many bytes n bytes take in base64 with CRLF after
// every 76 characters, as the attachment's part is written.
func encodedSize(n int) int {
	chars := (n + 2) / 3 * 4
	return chars + (chars+75)/76*2
}

// byteSize writes n bytes for a person: 512 B, 7.1 KB, 9.5 MB.
func byteSize(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}

// parseNoticeTemplate parses the notice's HTML body template.
func parseNoticeTemplate() (*template.Template, error) {
	t, err := template.New("notice-html").Parse(noticeHTMLTemplate)
	if err != nil {
		return nil, fmt.Errorf("email: notice template: %w", err)
	}
	return t, nil
}

// noticeRedactor is red, also removing the link of m's notice: it may be a
// signed URL, shown only in the mail, and a server that echoes the
// message must not carry it into an error.
func noticeRedactor(red *notify.Redactor, m *notify.Message) *notify.Redactor {
	if m.Notice == nil || m.Notice.Link == nil {
		return red
	}
	return red.With(m.Notice.Link.URL)
}
