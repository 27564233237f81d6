package email

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// composeNoticeMail composes and parses m's mail in lang.
func composeNoticeMail(t testing.TB, m *notify.Message, lang render.Language) (*Mail, []byte, parsedMail) {
	t.Helper()
	ml, err := composer(t, testConfig("smtp.example.com", 0), lang).Compose(m, at())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ml.Bytes(goldenBoundary)
	if err != nil {
		t.Fatal(err)
	}
	return ml, raw, parseMail(t, raw)
}

// TestGoldenNoticeMails composes every notice sample in both languages
// and compares the readable form with testdata/golden:
// <lang>-<sample>.txt (header fields, envelope, text part, attachments
// by name, type, size and SHA-256) and <lang>-<sample>.html.
func TestGoldenNoticeMails(t *testing.T) {
	for _, lang := range languages {
		for _, s := range notifytest.NoticeSamples(t) {
			name := string(lang) + "-" + s.Name
			t.Run(name, func(t *testing.T) {
				ml, _, p := composeNoticeMail(t, s.Message, lang)
				checkHeaderFields(t, p)
				if p.subject != s.Message.Notice.SubjectLine() {
					t.Errorf("subject %q, want the notice's %q", p.subject, s.Message.Notice.SubjectLine())
				}
				if got := p.decoded("X-Hubrelay-Topic"); got != s.Message.Notice.Topic {
					t.Errorf("X-Hubrelay-Topic %q", got)
				}
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(describe(p, ml.From.Address, ml.Recipients())))
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".html"), []byte(p.text("text/html")))
			})
		}
	}
}

// TestGoldenNoticeWireFormat pins the bytes of a mail with an attachment:
// multipart/mixed around multipart/alternative, each with a boundary of
// its own made from the one given, and the file in base64.
func TestGoldenNoticeWireFormat(t *testing.T) {
	_, raw, p := composeNoticeMail(t, notifytest.NoticeSamples(t)[3].Message, render.English)
	if p.mixed == p.boundary || !strings.HasSuffix(p.mixed, goldenBoundary[1:]) || !strings.HasSuffix(p.boundary, goldenBoundary[1:]) {
		t.Errorf("boundaries %q and %q, want two made from %q", p.mixed, p.boundary, goldenBoundary)
	}
	notifytest.Golden(t, filepath.Join("testdata", "golden", "en-notice-report-en.eml"), raw)
}

// TestNoticeAttachmentArrives sends each report notice through a real SMTP
// exchange and checks that the file arrives byte for byte, with its name
// and type, beside the link.
func TestNoticeAttachmentArrives(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		t.Run(s.Name, func(t *testing.T) {
			srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
			env, _ := notifytest.NewEnv(t)
			env.Language = "ja"
			rc, err := newNotifier(t, srv.config(), env).Notify(t.Context(), s.Message)
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("%d mails received", len(got))
			}
			p := parseMail(t, got[0].data)
			if p.header.Get("Message-ID") != rc.ID {
				t.Errorf("receipt %+v, Message-ID %q", rc, p.header.Get("Message-ID"))
			}
			a := s.Message.Notice.Attachment
			if len(p.attachments) != 1 {
				t.Fatalf("%d attachments, want 1", len(p.attachments))
			}
			att := p.attachments[0]
			if !bytes.Equal(att.data, a.Data) {
				t.Errorf("the attachment arrived with %d bytes, not the %d sent byte for byte", len(att.data), len(a.Data))
			}
			if att.name != a.Name || !strings.HasPrefix(att.contentType, a.ContentType) {
				t.Errorf("attachment %q (%s), want %q (%s)", att.name, att.contentType, a.Name, a.ContentType)
			}
			link := s.Message.Notice.Link
			if !strings.Contains(p.text("text/plain"), "\n"+link.URL+"\n") {
				t.Error("the text part does not show the link on a line of its own")
			}
			if !strings.Contains(p.text("text/html"), `<a href="`+strings.ReplaceAll(link.URL, "&", "&amp;")+`"`) {
				t.Error("the HTML part does not link to the link")
			}
			if !strings.Contains(p.text("text/plain"), a.Name) {
				t.Error("the text part does not name the attachment")
			}
		})
	}
}

// TestNoticeAttachmentSES sends the Excel report with SES: the raw
// message SendEmail carries holds the file byte for byte.
func TestNoticeAttachmentSES(t *testing.T) {
	srv := notifytest.NewServer(t, sesAccepted)
	env, _ := notifytest.NewEnv(t)
	m := notifytest.NoticeSamples(t)[2].Message
	if _, err := buildSES(t, srv.URL, env).Notify(t.Context(), m); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	var body sendEmailRequest
	if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil || body.Content.Raw == nil {
		t.Fatalf("body: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(body.Content.Raw.Data)
	if err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, raw)
	if len(p.attachments) != 1 || !bytes.Equal(p.attachments[0].data, m.Notice.Attachment.Data) {
		t.Errorf("%d attachments; the workbook did not arrive byte for byte", len(p.attachments))
	}
}

// TestNoticeAttachmentTooLarge: a file that would make the mail larger
// than MaxMessageBytes is refused for good, before anything is sent, and
// the error says which file, how large and what the limit is.
func TestNoticeAttachmentTooLarge(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	m := notifytest.NoticeSamples(t)[2].Message
	m.Notice.Attachment.Data = bytes.Repeat([]byte{0x50, 0x4b, 0x03, 0x04}, MaxMessageBytes*3/4/4)
	_, err := newNotifier(t, srv.config(), env).Notify(t.Context(), m)
	notifytest.CheckError(t, err, false, 0)
	for _, want := range []string{`"system-a-2026-01-02.xlsx"`, "7.5 MB", "10.0 MB", "link"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if got := len(srv.received()); got != 0 {
		t.Errorf("%d mails sent", got)
	}
	// Just under the limit still goes: the mail is within MaxMessageBytes
	// and carries the file whole. (Composed rather than sent: 10 MB
	// through TLS under the race detector outlasts the test server's
	// timeouts; TestNoticeAttachmentArrives sends a workbook for real.)
	m.Notice.Attachment.Data = bytes.Repeat([]byte{1, 2, 3}, 7_200_000/3)
	_, raw, p := composeNoticeMail(t, m, render.Japanese)
	if len(raw) > MaxMessageBytes || !bytes.Equal(p.attachments[0].data, m.Notice.Attachment.Data) {
		t.Errorf("a 7.2 MB attachment: a mail of %d bytes; the file does not round-trip", len(raw))
	}
}

// TestNoticeSMTPSizeRefusal: a server announcing a smaller SIZE refuses
// the mail before DATA, permanently, saying so.
func TestNoticeSMTPSizeRefusal(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}, maxBytes: 5000})
	env, _ := notifytest.NewEnv(t)
	_, err := newNotifier(t, srv.config(), env).Notify(t.Context(), notifytest.NoticeSamples(t)[2].Message)
	notifytest.CheckError(t, err, false, 0)
	if err == nil || !strings.Contains(err.Error(), "SIZE") {
		t.Errorf("error %v does not name the server's SIZE", err)
	}
}

// TestNoticeMembersMail: the 300 accounts are all listed, by status, in
// both parts.
func TestNoticeMembersMail(t *testing.T) {
	n := notifytest.MembersNoticeJA()
	_, _, p := composeNoticeMail(t, &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}, render.Japanese)
	text, html := p.text("text/plain"), p.text("text/html")
	for _, s := range n.Sections {
		if !strings.Contains(text, "■ "+s.Header+"\n") || !strings.Contains(html, "<h3 style=\"margin: 8px 0 4px;\">"+s.Header+"</h3>") {
			t.Errorf("header %q missing", s.Header)
		}
		for _, g := range s.Groups {
			for _, id := range g.Items {
				if !strings.Contains(text, "  - "+id+"\n") || !strings.Contains(html, "<li>"+id+"</li>") {
					t.Fatalf("account %s missing", id)
				}
			}
		}
	}
	if len(p.attachments) != 0 || p.mixed != "" {
		t.Errorf("a notice without attachment is multipart/mixed (%q)", p.mixed)
	}
}

// TestNoticeItemsShared: a notice of more items than a mail lists shares
// them: small groups whole, the large one cut with "and N more".
func TestNoticeItemsShared(t *testing.T) {
	n := notifytest.MembersNoticeJA()
	n.Sections[0].Groups[0].Items = notifytest.AccountIDs(9, 30000)
	_, _, p := composeNoticeMail(t, &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}, render.English)
	text := p.text("text/plain")
	listed := strings.Count(text, "\n  - ")
	small := notifytest.MembersInvited + notifytest.MembersResigned + notifytest.MembersOutside
	if listed != maxNoticeItems {
		t.Errorf("%d items listed, want %d", listed, maxNoticeItems)
	}
	want := fmt.Sprintf("  … and %d more\n", 30000+small-maxNoticeItems)
	if !strings.Contains(text, want) {
		t.Errorf("no %q line", want)
	}
	for _, id := range n.Sections[1].Groups[0].Items {
		if !strings.Contains(text, "  - "+id+"\n") {
			t.Errorf("account %s of the second section is missing", id)
		}
	}
}

// TestNoticeHostile: notice text cannot add markup, headers or links.
func TestNoticeHostile(t *testing.T) {
	evil := "<script>alert(1)</script> <a href=\"https://evil.example\">x</a>\r\nBcc: victim@example.net =?UTF-8?B?4oCu?="
	n := &notify.Notice{
		Topic: "report\r\nX-Injected: yes", Title: evil, Subject: evil,
		Sections: []notify.NoticeSection{{Header: evil, Text: evil, Groups: []notify.NoticeGroup{{Label: evil, Items: []string{evil}}}}},
		Link:     &notify.NoticeLink{Text: evil, URL: "javascript:alert(2)"},
		Attachment: &notify.NoticeAttachment{Name: "../../etc/passwd\r\nX-Injected: yes\"; x=\".xlsx",
			ContentType: "text/html\r\nX-Injected: yes", Data: []byte("<html>")},
	}
	_, raw, p := composeNoticeMail(t, &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}, render.English)
	if p.header.Get("X-Injected") != "" || p.header.Get("Bcc") != "" || bytes.Contains(raw, []byte("\r\nX-Injected")) {
		t.Error("a header was injected")
	}
	html := p.text("text/html")
	if strings.Contains(html, "<script>") || strings.Contains(html, "evil.example\">") || strings.Contains(html, "javascript:") && strings.Contains(html, "href=\"javascript") {
		t.Errorf("HTML part carries markup from the notice:\n%s", html)
	}
	if len(p.attachments) != 1 || strings.ContainsAny(p.attachments[0].name, "/\r\n\"") {
		t.Errorf("attachments %+v", p.attachments)
	}
	if ct := p.attachments[0].contentType; strings.Contains(ct, "text/html") {
		t.Errorf("attachment type %q taken from a broken content type", ct)
	}
}

// TestNoticeNoSecretLeak: the SES credentials and the report's signed
// link never reach an error or a log, however SES fails.
func TestNoticeNoSecretLeak(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		t.Run(s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, buildSES, s.Message, testSecretAccessKey, testSessionToken, s.Message.Notice.Link.URL)
		})
	}
}

// FuzzComposeNotice composes random notices, with hostile text, many
// items and attachments of any bytes and name: the mail must parse as
// every mail of this destination does, stay within MaxMessageBytes, and
// carry the attachment byte for byte.
//
//	go test -run '^$' -fuzz '^FuzzComposeNotice$' -fuzztime 60s ./internal/notify/email
func FuzzComposeNotice(f *testing.F) {
	f.Add("2026/01/02", "Security Hub メンバーステータスの変更", "Enabled", "123456789012", "https://example.com/r?a=1&b=2", "report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte("PK\x03\x04"), uint16(300), uint8(0))
	f.Add("<b>x</b>", "\r\nBcc: a@b", "=?UTF-8?B?4oCu?=", "\xff\xfe", "javascript:x", "レポート\r\n.csv", "text/csv; charset=\"utf-8\"", []byte{0, 1, 2, 0xff}, uint16(7), uint8(0xff))
	composers := map[render.Language]*Composer{}
	for _, lang := range languages {
		composers[lang] = composer(f, testConfig("smtp.example.com", 0), lang)
	}
	f.Fuzz(func(t *testing.T, title, header, label, item, linkURL, name, contentType string, data []byte, count uint16, flags uint8) {
		n := &notify.Notice{Topic: "members", Title: title, Subject: header}
		if strings.TrimSpace(title) == "" && strings.TrimSpace(header) == "" {
			n.Subject = "s"
		}
		for i := range int(flags % 4) {
			s := notify.NoticeSection{Header: header, Text: title + "\n" + item}
			for j := range int(flags>>2%3) + 1 {
				g := notify.NoticeGroup{Label: label}
				for x := range int(count%3000) / (i + j + 1) {
					g.Items = append(g.Items, item+strconv.Itoa(x))
				}
				s.Groups = append(s.Groups, g)
			}
			n.Sections = append(n.Sections, s)
		}
		if linkURL != "" {
			n.Link = &notify.NoticeLink{Text: label, URL: linkURL}
		}
		if name != "" {
			n.Attachment = &notify.NoticeAttachment{Name: name, ContentType: contentType, Data: data}
		}
		m := &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}
		if m.Validate() != nil {
			return
		}
		lang := render.English
		if flags&0x80 != 0 {
			lang = render.Japanese
		}
		ml, err := composers[lang].Compose(m, at())
		if err != nil {
			t.Fatal(err)
		}
		raw, err := ml.Bytes(goldenBoundary)
		if err == nil && len(raw) > MaxMessageBytes {
			t.Fatalf("%d bytes", len(raw))
		}
		if err != nil {
			if strings.Contains(err.Error(), "contains the multipart boundary") {
				return
			}
			t.Fatal(err)
		}
		p, err := parseMailBytes(raw)
		if err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		if name != "" && (len(p.attachments) != 1 || !bytes.Equal(p.attachments[0].data, data)) {
			t.Fatalf("attachment did not round-trip: %d parts", len(p.attachments))
		}
	})
}
