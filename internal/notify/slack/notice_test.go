package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// noticeBlock is a block of a built notice, decoded.
type noticeBlock struct {
	Type string `json:"type"`
	Text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"text"`
	Elements []struct {
		Text string `json:"text"`
	} `json:"elements"`
}

// decodeNotice builds n for cfg in lang, checks it against Slack's limits
// and returns its text and blocks.
func decodeNotice(t testing.TB, n *notify.Notice, cfg *Config, lang render.Language) (string, []noticeBlock) {
	t.Helper()
	p := BuildNoticePayload(n, cfg, render.Options{Language: lang})
	checkPayload(t, p)
	js, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Text   string        `json:"text"`
		Blocks []noticeBlock `json:"blocks"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Text, doc.Blocks
}

// bullets returns the "• " lines of every section, in order.
func bullets(blocks []noticeBlock) []string {
	var out []string
	for _, b := range blocks {
		if b.Type != "section" {
			continue
		}
		for _, line := range strings.Split(b.Text.Text, "\n") {
			if item, ok := strings.CutPrefix(line, "• "); ok {
				out = append(out, item)
			}
		}
	}
	return out
}

// moreCounts returns the N of every "and N more" / "他 N 件" line.
func moreCounts(blocks []noticeBlock) []int {
	pattern := regexp.MustCompile(`(?:and (\d+) more|他 (\d+) 件)`)
	var out []int
	for _, b := range blocks {
		texts := []string{b.Text.Text}
		for _, e := range b.Elements {
			texts = append(texts, e.Text)
		}
		for _, text := range texts {
			for _, m := range pattern.FindAllStringSubmatch(text, -1) {
				n, _ := strconv.Atoi(m[1] + m[2])
				out = append(out, n)
			}
		}
	}
	return out
}

func sum(ns []int) int {
	total := 0
	for _, n := range ns {
		total += n
	}
	return total
}

func TestNoticePayloadGolden(t *testing.T) {
	webhook := &Config{WebhookURL: "https://hooks.slack.com/services/T000/B000/golden"}
	for _, s := range notifytest.NoticeSamples(t) {
		for _, lang := range []render.Language{render.English, render.Japanese} {
			t.Run(s.Name+"/"+string(lang), func(t *testing.T) {
				p := BuildPayload(s.Message, botConfig(), goldenOptions(lang))
				checkPayload(t, p)
				if p.Channel != "sec-alerts" || p.ThreadTS != "" {
					t.Errorf("channel %q thread %q; a notice goes to the configured channel", p.Channel, p.ThreadTS)
				}
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", s.Name+"."+string(lang)+".json"), p)
			})
		}
	}
	t.Run("webhook", func(t *testing.T) {
		m := notifytest.NoticeSamples(t)[2].Message
		p := BuildPayload(m, webhook, goldenOptions(render.Japanese))
		checkPayload(t, p)
		if p.Channel != "" {
			t.Errorf("channel %q in a webhook payload", p.Channel)
		}
		notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", "notice-webhook-report.ja.json"), p)
	})
}

// TestNoticeSeed004Layout: the member alert reads like seed 004's, with
// all 300 accounts listed in far fewer than 50 blocks.
func TestNoticeSeed004Layout(t *testing.T) {
	n := notifytest.MembersNoticeJA()
	text, blocks := decodeNotice(t, n, botConfig(), render.Japanese)
	if text != n.Subject {
		t.Errorf("text %q, want the subject %q", text, n.Subject)
	}
	var headers []string
	for _, b := range blocks {
		if b.Type == "header" {
			headers = append(headers, b.Text.Text)
		}
	}
	want := []string{"2026/01/02", "Security Hub メンバーステータスの変更", "Security Hub 管理外となっているアカウント"}
	if strings.Join(headers, "|") != strings.Join(want, "|") {
		t.Errorf("headers %q, want %q", headers, want)
	}
	if blocks[0].Type != "header" || blocks[0].Text.Text != "2026/01/02" {
		t.Errorf("first block %+v, want the date header", blocks[0])
	}
	var all []string
	for _, s := range n.Sections {
		for _, g := range s.Groups {
			all = append(all, g.Items...)
		}
	}
	if got := bullets(blocks); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Errorf("%d bullets, want all %d accounts in order", len(got), len(all))
	}
	if more := moreCounts(blocks); len(more) > 0 {
		t.Errorf("cut (%v) although everything fits", more)
	}
	for _, label := range []string{"*Enabled*", "*Invited*", "*Resigned*"} {
		found := false
		for _, b := range blocks {
			found = found || strings.HasPrefix(b.Text.Text, label+"\n• ")
		}
		if !found {
			t.Errorf("no section starts with %s and its first account", label)
		}
	}
	dividers := 0
	for _, b := range blocks {
		if b.Type == "divider" {
			dividers++
		}
	}
	if dividers != 1 || len(blocks) > 15 {
		t.Errorf("%d blocks with %d dividers; want the two sections divided once, items packed", len(blocks), dividers)
	}
}

// bigMembers is a members notice with n accounts Enabled and the 8
// accounts outside, as a large organization's onboarding would produce.
func bigMembers(n int) *notify.Notice {
	notice := notifytest.MembersNoticeJA()
	notice.Sections[0].Groups[0].Items = notifytest.AccountIDs(7, n)
	return notice
}

// TestNoticeTruncatesLargeGroup: thousands of accounts are cut to what
// fits, the cut group says how many it left out, and the small groups and
// the second section stay whole.
func TestNoticeTruncatesLargeGroup(t *testing.T) {
	for _, n := range []int{900, 3000, 20000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			notice := bigMembers(n)
			for _, lang := range []render.Language{render.English, render.Japanese} {
				_, blocks := decodeNotice(t, notice, botConfig(), lang)
				shown := bullets(blocks)
				total := n + notifytest.MembersInvited + notifytest.MembersResigned + notifytest.MembersOutside
				more := moreCounts(blocks)
				if len(more) != 1 || len(shown)+more[0] != total {
					t.Fatalf("%s: %d shown and 'more' %v; want one line counting the %d left out", lang, len(shown), more, total-len(shown))
				}
				// The small groups and the second section are whole.
				tail := strings.Join(shown[len(shown)-notifytest.MembersInvited-notifytest.MembersResigned-notifytest.MembersOutside:], ",")
				var want []string
				for _, s := range notice.Sections {
					for _, g := range s.Groups[min(1, len(s.Groups)-1):] {
						want = append(want, g.Items...)
					}
				}
				if tail != strings.Join(want, ",") {
					t.Errorf("%s: the small groups are not listed whole", lang)
				}
				last := blocks[len(blocks)-1]
				if !strings.Contains(last.Text.Text, notice.Sections[1].Groups[0].Items[notifytest.MembersOutside-1]) {
					t.Errorf("%s: the last block is %+v, not the end of the second section", lang, last)
				}
			}
		})
	}
}

// TestNoticeTooManyGroups: more groups than blocks: the groups that do not
// fit are counted in a closing line.
func TestNoticeTooManyGroups(t *testing.T) {
	n := &notify.Notice{Topic: "members", Title: "2026/01/02"}
	total := 0
	for i := range 30 {
		s := notify.NoticeSection{Header: fmt.Sprintf("Section %d", i)}
		for j := range 3 {
			s.Groups = append(s.Groups, notify.NoticeGroup{Label: fmt.Sprintf("Status %d", j), Items: notifytest.AccountIDs(i*3+j, 5)})
			total += 5
		}
		n.Sections = append(n.Sections, s)
	}
	n.Link = &notify.NoticeLink{Text: "Report", URL: notifytest.ReportLinkEN}
	_, blocks := decodeNotice(t, n, botConfig(), render.English)
	shown := bullets(blocks)
	if more := moreCounts(blocks); len(shown)+sum(more) != total || len(more) == 0 {
		t.Errorf("%d shown, 'more' %v; want them to add up to %d", len(shown), more, total)
	}
	if last := blocks[len(blocks)-1]; !strings.Contains(last.Text.Text, "Report") {
		t.Errorf("the link is not the last block: %+v", last)
	}
}

func TestNoticeLink(t *testing.T) {
	tests := []struct {
		name, url, text string
		want            string
	}{
		{"s3 presigned, & escaped", notifytest.ReportLinkJA, "レポートをダウンロード",
			"🔗 *<" + strings.ReplaceAll(notifytest.ReportLinkJA, "&", "&amp;") + "|レポートをダウンロード>*"},
		{"text escaped, | in URL encoded", "https://example.com/a|b?x=<y>", "<!channel> & more",
			"🔗 *<https://example.com/a%7Cb?x=&lt;y&gt;|&lt;!channel&gt; &amp; more>*"},
		{"no text", "https://example.com/r.xlsx", "", "🔗 *<https://example.com/r.xlsx|Open the link>*"},
		{"not http", "javascript:alert(1)", "Report", "🔗 *Report* (the link cannot be shown in Slack)"},
		{"too long", "https://example.com/" + strings.Repeat("a", 3000), "Report", "🔗 *Report* (the link cannot be shown in Slack)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &notify.Notice{Topic: "report", Title: "Report", Link: &notify.NoticeLink{Text: tt.text, URL: tt.url}}
			_, blocks := decodeNotice(t, n, botConfig(), render.English)
			if last := blocks[len(blocks)-1]; last.Type != "section" || last.Text.Text != tt.want {
				t.Errorf("last block %+v, want a section %q", last, tt.want)
			}
		})
	}
}

// TestNoticeAttachmentNote: without a link, the reader learns the file
// went elsewhere; with one, the link is enough.
func TestNoticeAttachmentNote(t *testing.T) {
	n := notifytest.ReportNoticeEN(t)
	_, blocks := decodeNotice(t, n, botConfig(), render.English)
	for _, b := range blocks {
		if b.Type == "context" {
			t.Errorf("attachment note %+v although the link is shown", b)
		}
	}
	n.Link = nil
	_, blocks = decodeNotice(t, n, botConfig(), render.Japanese)
	last := blocks[len(blocks)-1]
	if last.Type != "context" || !strings.Contains(last.Elements[0].Text, "system-b-2026-01-02.csv") {
		t.Errorf("last block %+v, want a note naming the file", last)
	}
}

// TestNoticeHostileText: notice text can neither mention anyone nor forge
// a link, and a title of white space still makes a header.
func TestNoticeHostileText(t *testing.T) {
	for _, s := range hostileTexts {
		n := &notify.Notice{
			Topic: "members", Title: s, Subject: s,
			Sections: []notify.NoticeSection{{Header: s, Text: s, Groups: []notify.NoticeGroup{{Label: s, Items: []string{s, s}}}}},
			Link:     &notify.NoticeLink{Text: s, URL: "https://example.com/" + s},
		}
		for _, cfg := range hostileConfigs {
			p := BuildNoticePayload(n, cfg, render.Options{Language: render.Japanese})
			checkPayload(t, p)
			for _, host := range linkTargets(t, p) {
				if host != "example.com" {
					t.Errorf("%q: link to %q", s, host)
				}
			}
		}
	}
	_, blocks := decodeNotice(t, &notify.Notice{Topic: "members", Title: " \t ", Subject: "Members"}, botConfig(), render.English)
	if blocks[0].Type != "header" || blocks[0].Text.Text != "Members" {
		t.Errorf("first block %+v, want the subject as header", blocks[0])
	}
}

// TestNoticeIgnoresOverride: a `message:` override renders findings; a
// notice keeps its own layout.
func TestNoticeIgnoresOverride(t *testing.T) {
	cfg := botConfig()
	msg := compileOverride(t, render.Override{Template: "{{ .View.Title }}"}, cfg, goldenOptions(render.English))
	m := notifytest.NoticeMessage(t)
	p, err := Build(m, cfg, goldenOptions(render.English), msg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := BuildNoticePayload(m.Notice, cfg, goldenOptions(render.English)).Marshal()
	if got, _ := p.Marshal(); string(got) != string(want) {
		t.Error("the override changed a notice")
	}
}

func TestNoticePostMessageContract(t *testing.T) {
	srv := notifytest.NewServerFunc(t, slackAPI())
	env, _ := notifytest.NewEnv(t)
	n := botNotifier(t, srv.URL, env, `, "message": {"template": "{{ .View.Title }}"}`)
	for _, s := range notifytest.NoticeSamples(t) {
		t.Run(s.Name, func(t *testing.T) {
			before := len(srv.Requests())
			rc, err := notifyOnce(t, n, s.Message)
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if rc.ID != postedTS || rc.Channel != channelID || rc.URL == "" {
				t.Errorf("receipt %+v", rc)
			}
			post := srv.Requests()[before]
			checkRequest(t, post, http.MethodPost, "/api/chat.postMessage")
			if got := post.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			var body struct {
				Channel  string           `json:"channel"`
				ThreadTS string           `json:"thread_ts"`
				Text     string           `json:"text"`
				Blocks   []map[string]any `json:"blocks"`
			}
			if err := json.Unmarshal(post.Body, &body); err != nil {
				t.Fatal(err)
			}
			if body.Channel != "sec-alerts" || body.ThreadTS != "" || body.Text != s.Message.Notice.SubjectLine() || len(body.Blocks) == 0 {
				t.Errorf("channel %q thread %q text %q, %d blocks", body.Channel, body.ThreadTS, body.Text, len(body.Blocks))
			}
			want, _ := BuildNoticePayload(s.Message.Notice, &Config{Token: testToken, Channel: "#sec-alerts"}, n.(*Notifier).opts).Marshal()
			if string(post.Body) != string(want) {
				t.Error("the body sent is not BuildNoticePayload's payload")
			}
		})
	}
}

func TestNoticeWebhookContract(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Body: "ok"})
	env, _ := notifytest.NewEnv(t)
	n := webhookNotifier(t, srv.URL, env)
	m := notifytest.NoticeSamples(t)[3].Message
	rc, err := notifyOnce(t, n, m)
	if err != nil || !rc.IsZero() {
		t.Fatalf("Notify = %+v, %v", rc, err)
	}
	r := srv.Requests()[0]
	if r.Method != http.MethodPost || r.Path != testWebhook || r.Header.Get("Authorization") != "" {
		t.Errorf("%s %s Authorization %q", r.Method, r.Path, r.Header.Get("Authorization"))
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["text"] != m.Notice.SubjectLine() || body["channel"] != nil {
		t.Errorf("text %v channel %v", body["text"], body["channel"])
	}
	if !strings.Contains(string(r.Body), strings.ReplaceAll(notifytest.ReportLinkEN, "&", "&amp;")) {
		t.Error("the report link is not in the message")
	}
}

// TestNoticeErrors: failures of a notice are classified like any other.
func TestNoticeErrors(t *testing.T) {
	notifytest.CheckRetry(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return botNotifier(t, baseURL, env, "")
	}, notifytest.NoticeMessage(t))
}

// TestNoticeNoSecretLeak: neither the token, the webhook URL nor the
// notice's signed link reaches an error or a log line.
func TestNoticeNoSecretLeak(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		link := s.Message.Notice.Link.URL
		t.Run("bot token/"+s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
				return botNotifier(t, baseURL, env, "")
			}, s.Message, testToken, link)
		})
		t.Run("incoming webhook/"+s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
				return webhookNotifier(t, baseURL, env)
			}, s.Message, "https://hooks.slack.com"+testWebhook, link)
		})
	}
}

// FuzzBuildNoticePayload builds random notices, from a few accounts to
// tens of thousands, with hostile text everywhere: the payload must stay
// valid JSON within Slack's limits, link only to the notice's link, and
// account for every item (shown, or counted in an "and N more" line).
//
//	go test -run '^$' -fuzz '^FuzzBuildNoticePayload$' -fuzztime 60s ./internal/notify/slack
func FuzzBuildNoticePayload(f *testing.F) {
	f.Add("2026/01/02", "Security Hub メンバーステータスの変更", "", "Enabled", "123456789012", "https://example.com/r?a=1&b=2", "レポート", uint16(300), uint16(0x0123))
	f.Add("", "No change", "All 42 member accounts are unchanged.", "", "", "", "", uint16(0), uint16(0x8000))
	f.Add("t", "h", strings.Repeat("あ&<", 3000), strings.Repeat("L", 400), strings.Repeat("🔥", 200), "javascript:x", "", uint16(4000), uint16(0xffff))
	for i, s := range hostileTexts {
		f.Add(s, s, s, s, s, "https://example.com/"+s, s, uint16(i*97), uint16(i*4099))
	}
	f.Fuzz(func(t *testing.T, title, header, text, label, item, linkURL, linkText string, count, flags uint16) {
		sections := int(flags % 7)
		groups := int(flags>>3%5) + 1
		n := &notify.Notice{Topic: "members", Title: title, Subject: header}
		if title == "" && header == "" {
			n.Subject = "s"
		}
		total := 0
		for i := range sections {
			s := notify.NoticeSection{Header: header, Text: text}
			for j := range groups {
				g := notify.NoticeGroup{Label: label}
				k := int(count%5000) / (i + j + 1)
				for x := range k {
					g.Items = append(g.Items, item+strconv.Itoa(x))
					total++
				}
				if g.Label != "" || len(g.Items) > 0 {
					s.Groups = append(s.Groups, g)
				}
			}
			n.Sections = append(n.Sections, s)
		}
		if linkURL != "" {
			n.Link = &notify.NoticeLink{Text: linkText, URL: linkURL}
		}
		if flags&0x4000 != 0 {
			n.Attachment = &notify.NoticeAttachment{Name: label + ".xlsx", Data: []byte(item)}
		}
		lang := render.English
		if flags&0x8000 != 0 {
			lang = render.Japanese
		}
		cfg := hostileConfigs[int(flags>>13)&1]
		p := BuildNoticePayload(n, cfg, render.Options{Language: lang})
		if problems := payloadProblems(p); len(problems) > 0 {
			t.Fatal(strings.Join(problems, "\n"))
		}
		for _, host := range linkTargets(t, p) {
			if !strings.Contains(linkURL, host) {
				t.Fatalf("link to %q, not the notice's link %q", host, linkURL)
			}
		}
		plain := true
		for _, s := range []string{title, header, text, label, item, linkText, linkURL} {
			plain = plain && !strings.ContainsAny(s, "•他\n\r\u0085\u2028\u2029") && !strings.Contains(s, "more")
		}
		if !plain || strings.TrimSpace(item) == "" {
			return
		}
		js, _ := p.Marshal()
		var doc struct {
			Blocks []noticeBlock `json:"blocks"`
		}
		if err := json.Unmarshal(js, &doc); err != nil {
			t.Fatal(err)
		}
		if shown, more := len(bullets(doc.Blocks)), sum(moreCounts(doc.Blocks)); shown+more != total {
			t.Fatalf("%d items: %d shown, %d counted as more", total, shown, more)
		}
	})
}
