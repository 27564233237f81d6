package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// noticeProblems lists how a notice's publication breaks SNS's rules: the
// checks of publicationProblems, except that a raw topic gets the notice
// as text with a subject (there is no event to publish).
func noticeProblems(p Publication, format string, fifo bool) []string {
	if format != FormatRaw {
		return publicationProblems(p, format, fifo)
	}
	var problems []string
	if !utf8.ValidString(p.Message) || p.Message == "" {
		problems = append(problems, "message is not valid UTF-8 text")
	}
	if p.Size() > MaxMessageBytes {
		problems = append(problems, fmt.Sprintf("message and attributes are %d bytes", p.Size()))
	}
	// The rest of the checks, with a JSON stand-in for the text.
	q := p
	q.Message = `{}`
	return append(problems, publicationProblems(q, FormatJSON, fifo)...)
}

func buildNoticeFor(t testing.TB, m *notify.Message, cfg *Config, lang render.Language) Publication {
	t.Helper()
	p, err := Build(m, cfg, goldenOptions(lang), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, fifo := strings.CutSuffix(cfg.TopicARN, ".fifo")
	for _, problem := range noticeProblems(p, cfg.format(), fifo) {
		t.Error(problem)
	}
	return p
}

func TestNoticeGolden(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t) {
		for _, lang := range languages {
			t.Run("chatbot/"+s.Name+"/"+string(lang), func(t *testing.T) {
				p := buildNoticeFor(t, s.Message, &Config{TopicARN: standardTopic}, lang)
				var n ChatbotNotification
				if err := json.Unmarshal([]byte(p.Message), &n); err != nil {
					t.Fatal(err)
				}
				base := "testdata/golden/chatbot-" + s.Name + "." + string(lang)
				notifytest.GoldenJSON(t, base+".json", golden(t, p))
				notifytest.Golden(t, base+".txt", []byte(preview(n)))
			})
		}
		t.Run("json/"+s.Name, func(t *testing.T) {
			p := buildNoticeFor(t, s.Message, &Config{TopicARN: standardTopic, MessageFormat: FormatJSON}, render.English)
			notifytest.GoldenJSON(t, "testdata/golden/json-"+s.Name+".json", golden(t, p))
		})
		t.Run("raw/"+s.Name, func(t *testing.T) {
			p := buildNoticeFor(t, s.Message, &Config{TopicARN: fifoTopic, MessageFormat: FormatRaw}, render.Japanese)
			var b strings.Builder
			fmt.Fprintf(&b, "Subject: %s\n", p.Subject)
			for _, a := range p.Attributes {
				fmt.Fprintf(&b, "Attribute %s: %s\n", a.Name, a.Value)
			}
			fmt.Fprintf(&b, "MessageGroupId: %s\nMessageDeduplicationId: %s\n\n%s", p.GroupID, p.DeduplicationID, p.Message)
			notifytest.Golden(t, "testdata/golden/raw-"+s.Name+".txt", []byte(b.String()))
		})
	}
}

func TestNoticeSubject(t *testing.T) {
	samples := notifytest.NoticeSamples(t)
	for _, tt := range []struct {
		n    *notify.Notice
		want string
	}{
		{samples[0].Message.Notice, "[MEMBERS] hubrelay notice: 2026/01/02"},
		{samples[1].Message.Notice, "[MEMBERS] Security Hub members: no change (2026/01/02)"},
		{samples[2].Message.Notice, "[REPORT] hubrelay notice: system-a 2026/01/02"},
		{samples[3].Message.Notice, "[REPORT] [hubrelay] Security report for system-b is ready (2026/01/02)"},
		{&notify.Notice{Topic: "メンバー", Title: "日本語だけ"}, "[NOTICE] hubrelay notice"},
		{&notify.Notice{Topic: "report", Subject: strings.Repeat("long subject ", 20)}, "[REPORT] long subject long subject long subject long subject long subject long subject long subj..."},
		{&notify.Notice{Topic: "members", Subject: "a\r\nb\x00\tc"}, "[MEMBERS] a b c"},
	} {
		got := NoticeSubject(tt.n)
		if got != tt.want {
			t.Errorf("NoticeSubject(%q) = %q, want %q", tt.n.SubjectLine(), got, tt.want)
		}
		if len(got) > MaxSubjectLength {
			t.Errorf("%q: %d characters", got, len(got))
		}
	}
}

func TestNoticeAttributesAndFIFO(t *testing.T) {
	m := notifytest.NoticeMessage(t)
	p := buildNoticeFor(t, m, &Config{TopicARN: fifoTopic}, render.English)
	if fmt.Sprint(p.Attributes) != "[{kind notice} {topic members}]" {
		t.Errorf("attributes %v, want kind=notice and topic=members", p.Attributes)
	}
	if p.GroupID != "notice:members:members" || p.DeduplicationID != DeduplicationID(m) {
		t.Errorf("group %q dedup %q", p.GroupID, p.DeduplicationID)
	}
	other := notifytest.NoticeMessage(t)
	other.Key = "notice-0099"
	if threadID(m) == threadID(other) {
		t.Error("two notices share a Chatbot thread")
	}
}

// moreCount sums every "and N more" / "他 N 件" of s.
func moreCount(s string) int {
	total := 0
	for _, m := range regexp.MustCompile(`(?:and (\d+) more|他 (\d+) 件)`).FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1] + m[2])
		total += n
	}
	return total
}

// TestNoticeChatbotFits: seed 004's 300 accounts do not fit Chatbot's
// 3,000 characters; every group keeps some, the small ones whole, and the
// rest are counted.
func TestNoticeChatbotFits(t *testing.T) {
	m := notifytest.NoticeMessage(t)
	for _, lang := range languages {
		p := buildNoticeFor(t, m, &Config{TopicARN: standardTopic}, lang)
		var n ChatbotNotification
		if err := json.Unmarshal([]byte(p.Message), &n); err != nil {
			t.Fatal(err)
		}
		d := n.Content.Description
		listed := strings.Count(d, "\n• ")
		if listed+moreCount(d) != notifytest.MembersChanged+notifytest.MembersOutside {
			t.Errorf("%s: %d listed, %d counted; want %d", lang, listed, moreCount(d), notifytest.MembersChanged+notifytest.MembersOutside)
		}
		for _, id := range m.Notice.Sections[1].Groups[0].Items {
			if !strings.Contains(d, "• "+id) {
				t.Errorf("%s: account %s outside Security Hub is not listed", lang, id)
			}
		}
		if utf8.RuneCountInString(d) < maxDescriptionRunes*9/10 {
			t.Errorf("%s: the description uses %d of %d characters", lang, utf8.RuneCountInString(d), maxDescriptionRunes)
		}
	}
}

// TestNoticeDocumentFits: a notice of tens of thousands of accounts
// leaves out its data, then items, to fit SNS's 256 KB, and says so.
func TestNoticeDocumentFits(t *testing.T) {
	m := notifytest.NoticeMessage(t)
	ids := notifytest.AccountIDs(9, 20000)
	m.Notice.Sections[0].Groups[0].Items = ids
	m.Notice.Data["changes"].(map[string]any)["Enabled"] = ids
	p := buildNoticeFor(t, m, &Config{TopicARN: standardTopic, MessageFormat: FormatJSON}, render.English)
	var doc Document
	if err := json.Unmarshal([]byte(p.Message), &doc); err != nil {
		t.Fatal(err)
	}
	nd := doc.Notice
	if doc.Kind != notify.KindNotice || nd == nil || !nd.DataOmitted || nd.Data != nil {
		t.Fatalf("kind %s, notice %+v", doc.Kind, nd)
	}
	listed, more := 0, 0
	for _, s := range nd.Sections {
		for _, g := range s.Groups {
			listed += len(g.Items)
			more += g.More
		}
	}
	if total := 20000 + notifytest.MembersInvited + notifytest.MembersResigned + notifytest.MembersOutside; listed+more != total || more == 0 {
		t.Errorf("%d listed, %d more; want %d", listed, more, total)
	}
	if p.Size() < MaxMessageBytes*9/10 {
		t.Errorf("%d bytes: cut far more than needed", p.Size())
	}
	// The raw text fits too.
	p = buildNoticeFor(t, m, &Config{TopicARN: standardTopic, MessageFormat: FormatRaw}, render.Japanese)
	if listed := strings.Count(p.Message, "\n  - "); listed+moreCount(p.Message) != 20000+notifytest.MembersInvited+notifytest.MembersResigned+notifytest.MembersOutside {
		t.Errorf("raw: %d listed, %d counted", listed, moreCount(p.Message))
	}
}

func TestNoticeChatbotLink(t *testing.T) {
	n := notifytest.ReportNoticeJA(t)
	m := &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}
	p := buildNoticeFor(t, m, &Config{TopicARN: standardTopic}, render.Japanese)
	var c ChatbotNotification
	if err := json.Unmarshal([]byte(p.Message), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Content.NextSteps) != 1 || c.Content.NextSteps[0] != "<"+notifytest.ReportLinkJA+"|レポートをダウンロード（7日間有効）>" {
		t.Errorf("next steps %q", c.Content.NextSteps)
	}
	// A link too long for a next step goes at the end of the description.
	n.Link.URL += "&X-Amz-Security-Token=" + strings.Repeat("IQoJb3JpZ2luX2VjE", 80)
	p = buildNoticeFor(t, m, &Config{TopicARN: standardTopic}, render.Japanese)
	c = ChatbotNotification{}
	if err := json.Unmarshal([]byte(p.Message), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Content.NextSteps) != 0 || !strings.HasSuffix(c.Content.Description, "|レポートをダウンロード（7日間有効）>") {
		t.Errorf("next steps %q, description ends %q", c.Content.NextSteps, c.Content.Description[len(c.Content.Description)-80:])
	}
}

// TestNoticeHostile: notice text can neither mention, link nor break the
// message, in any format.
func TestNoticeHostile(t *testing.T) {
	for _, h := range hostileTexts {
		n := &notify.Notice{Topic: h, Title: h, Subject: h,
			Sections: []notify.NoticeSection{{Header: h, Text: h, Groups: []notify.NoticeGroup{{Label: h, Items: []string{h, h}}}}},
			Link:     &notify.NoticeLink{Text: h, URL: "https://example.com/" + h},
		}
		m := &notify.Message{Kind: notify.KindNotice, Key: h, Route: h, Notice: n}
		for _, format := range []string{FormatChatbot, FormatJSON, FormatRaw} {
			for _, topic := range []string{standardTopic, fifoTopic} {
				buildNoticeFor(t, m, &Config{TopicARN: topic, MessageFormat: format}, render.Japanese)
			}
		}
	}
}

func TestNoticeIgnoresOverride(t *testing.T) {
	cfg := overrideConfig("text", standardTopic)
	m := notifytest.NoticeMessage(t)
	got, err := buildOverride(t, m, cfg, goldenOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Build(m, &Config{TopicARN: standardTopic}, goldenOptions(render.English), nil)
	if got.Message != want.Message {
		t.Error("the override changed a notice")
	}
}

// TestNoticePublishContract publishes each notice through the AWS SDK and
// checks the Query request as SNS documents it.
func TestNoticePublishContract(t *testing.T) {
	for _, format := range []string{FormatChatbot, FormatJSON, FormatRaw} {
		t.Run(format, func(t *testing.T) {
			srv := notifytest.NewServer(t, publishOK("5f6e7d8c-1234-5678-9abc-def012345678"))
			env, _ := notifytest.NewEnv(t)
			n := newTestNotifier(t, srv.URL, env, Config{TopicARN: fifoTopic, MessageFormat: format})
			m := notifytest.NoticeSamples(t)[2].Message
			rc, err := n.Notify(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Build(m, &n.cfg, n.opts, nil)
			if rc.ID != "5f6e7d8c-1234-5678-9abc-def012345678" || rc.Thread != want.Thread {
				t.Errorf("receipt %+v", rc)
			}
			req := srv.Requests()[0]
			form, err := url.ParseQuery(string(req.Body))
			if err != nil {
				t.Fatal(err)
			}
			wantForm := url.Values{
				"Action": {"Publish"}, "Version": {"2010-03-31"}, "TopicArn": {fifoTopic},
				"Message": {want.Message}, "Subject": {"[REPORT] hubrelay notice: system-a 2026/01/02"},
				"MessageGroupId": {want.GroupID}, "MessageDeduplicationId": {want.DeduplicationID},
				"MessageAttributes.entry.1.Name": {"kind"}, "MessageAttributes.entry.1.Value.DataType": {"String"},
				"MessageAttributes.entry.1.Value.StringValue": {"notice"},
				"MessageAttributes.entry.2.Name":              {"topic"}, "MessageAttributes.entry.2.Value.DataType": {"String"},
				"MessageAttributes.entry.2.Value.StringValue": {"report"},
			}
			if form.Encode() != wantForm.Encode() {
				t.Errorf("form:\n got %s\nwant %s", form.Encode(), wantForm.Encode())
			}
			checkSigV4(t, req, srv.URL)
		})
	}
}

// TestNoticeNoSecretLeak: neither the credentials nor the report's signed
// link reach an error or a log.
func TestNoticeNoSecretLeak(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		t.Run(s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, buildFor(Config{}), s.Message, testSecretKey, testToken, s.Message.Notice.Link.URL)
		})
	}
}

// FuzzBuildNotice publishes random notices, with hostile text and up to
// thousands of items, in every format: each message must keep SNS's rules
// and limits and hold no markup from the notice.
//
//	go test -run '^$' -fuzz '^FuzzBuildNotice$' -fuzztime 60s ./internal/notify/sns
func FuzzBuildNotice(f *testing.F) {
	f.Add("members", "2026/01/02", "Security Hub メンバーステータスの変更", "Enabled", "123456789012", "https://example.com/r?a=1&b=2", "k", uint16(300), uint8(0))
	f.Add("members", "2026/01/02", "h", "Enabled", "123456789012", "https://example.com/r", "k", uint16(2999), uint8(0x1c))
	for i, h := range hostileTexts {
		f.Add(h, h, h, h, h, "https://example.com/"+h, h, uint16(i*7), uint8(i*37))
	}
	f.Fuzz(func(t *testing.T, topic, title, header, label, item, linkURL, key string, count uint16, flags uint8) {
		n := &notify.Notice{Topic: topic, Title: title, Subject: header}
		for i := range int(flags % 5) {
			s := notify.NoticeSection{Header: header, Text: title}
			for j := range int(flags>>3%4) + 1 {
				g := notify.NoticeGroup{Label: label}
				for x := range int(count%3000) / (i + j + 1) {
					g.Items = append(g.Items, item+strconv.Itoa(x))
				}
				if g.Label != "" || len(g.Items) > 0 {
					s.Groups = append(s.Groups, g)
				}
			}
			n.Sections = append(n.Sections, s)
		}
		if linkURL != "" {
			n.Link = &notify.NoticeLink{Text: label, URL: linkURL}
		}
		if flags&0x40 != 0 {
			n.Attachment = &notify.NoticeAttachment{Name: label, Data: []byte(item)}
		}
		m := &notify.Message{Kind: notify.KindNotice, Key: key, Route: title, Notice: n}
		if m.Validate() != nil {
			return
		}
		lang := languages[int(flags>>7)]
		for _, format := range []string{FormatChatbot, FormatJSON, FormatRaw} {
			for _, topicARN := range []string{standardTopic, fifoTopic} {
				cfg := &Config{TopicARN: topicARN, MessageFormat: format}
				p, err := Build(m, cfg, render.Options{Language: lang}, nil)
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if problems := noticeProblems(p, format, topicARN == fifoTopic); len(problems) > 0 {
					t.Fatalf("%s: %s", format, strings.Join(problems, "\n"))
				}
			}
		}
	})
}
