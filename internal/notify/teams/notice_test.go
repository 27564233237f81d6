package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// validateNoticeBody checks a notice's body as validateBody checks a
// finding's, except that the bulleted TextBlocks (and MessageCard texts)
// are Markdown lists: "- " and an escaped item per line, lines separated by
// "\r" as "Format cards in Microsoft Teams" writes lists.
func validateNoticeBody(body []byte, format teams.Format) error {
	if !utf8.Valid(body) || !json.Valid(body) {
		return errors.New("body is not valid UTF-8 JSON")
	}
	if len(body) > teams.PayloadBudget {
		return fmt.Errorf("body is %d bytes, over the budget of %d", len(body), teams.PayloadBudget)
	}
	var texts []string
	var err error
	if format == teams.FormatConnector {
		texts, err = validateMessageCard(body)
	} else {
		texts, err = validateAdaptiveMessage(body)
	}
	if err != nil {
		return err
	}
	for _, text := range texts {
		for _, part := range strings.Split(text, "\n\n") {
			for _, line := range listLines(part) {
				if err := checkEscaped(line, format == teams.FormatConnector); err != nil {
					return fmt.Errorf("text %q: %w", text, err)
				}
			}
		}
	}
	return nil
}

// listLines returns the items of a Markdown list without their "- ", or
// text itself when it is no list.
func listLines(text string) []string {
	if !strings.HasPrefix(text, "- ") {
		return []string{text}
	}
	lines := strings.Split(text, "\r")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "- ")
	}
	return lines
}

func checkNoticeBody(t testing.TB, body []byte, format teams.Format) {
	t.Helper()
	if err := validateNoticeBody(body, format); err != nil {
		t.Fatalf("invalid payload: %v\n%s", err, body)
	}
}

// noticeCard is a notice's Adaptive Card, decoded.
type noticeCard struct {
	FallbackText string `json:"fallbackText"`
	Body         []struct {
		Type      string `json:"type"`
		Text      string `json:"text"`
		Size      string `json:"size"`
		Weight    string `json:"weight"`
		Separator bool   `json:"separator"`
		IsSubtle  bool   `json:"isSubtle"`
	} `json:"body"`
	Actions []struct {
		Type  string `json:"type"`
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"actions"`
}

func buildNoticeCard(t testing.TB, n *notify.Notice, lang render.Language) noticeCard {
	t.Helper()
	body, err := teams.BuildNoticePayload(n, teams.FormatAdaptive, render.Options{Language: lang})
	if err != nil {
		t.Fatal(err)
	}
	checkNoticeBody(t, body, teams.FormatAdaptive)
	var msg struct {
		Attachments []struct {
			Content noticeCard `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	return msg.Attachments[0].Content
}

// items returns every list item of the card, unescaped, in order.
func (c noticeCard) items() []string {
	var out []string
	for _, e := range c.Body {
		if strings.HasPrefix(e.Text, "- ") {
			for _, l := range listLines(e.Text) {
				out = append(out, unescapeMarkdown(l))
			}
		}
	}
	return out
}

// more returns the N of every "and N more" / "他 N 件" line.
func (c noticeCard) more() []int {
	pattern := regexp.MustCompile(`(?:and (\d+) more|他 (\d+) 件)`)
	var out []int
	for _, e := range c.Body {
		for _, m := range pattern.FindAllStringSubmatch(e.Text, -1) {
			n, _ := strconv.Atoi(m[1] + m[2])
			out = append(out, n)
		}
	}
	return out
}

func TestNoticePayloadGolden(t *testing.T) {
	type variant struct {
		prefix string
		format teams.Format
	}
	for i, s := range notifytest.NoticeSamples(t) {
		variants := []variant{{"", teams.FormatAdaptive}}
		if i%2 == 0 {
			variants = append(variants, variant{"connector-", teams.FormatConnector})
		}
		for _, v := range variants {
			for _, lang := range languages {
				t.Run(v.prefix+s.Name+"."+string(lang), func(t *testing.T) {
					body, err := teams.BuildPayload(s.Message, v.format, render.Options{Language: lang})
					if err != nil {
						t.Fatal(err)
					}
					checkNoticeBody(t, body, v.format)
					var pretty bytes.Buffer
					if err := json.Indent(&pretty, body, "", "  "); err != nil {
						t.Fatal(err)
					}
					pretty.WriteByte('\n')
					notifytest.Golden(t, "testdata/golden/"+v.prefix+s.Name+"."+string(lang)+".json", pretty.Bytes())
				})
			}
		}
	}
}

// TestNoticeSeed004Layout: the member alert reads like seed 004's: the
// date large and bold, each section's header bold above a separator, each
// status bold over its accounts as one bulleted list, all 300 listed.
func TestNoticeSeed004Layout(t *testing.T) {
	n := notifytest.MembersNoticeJA()
	c := buildNoticeCard(t, n, render.Japanese)
	if c.FallbackText != n.Subject {
		t.Errorf("fallbackText %q, want the subject", c.FallbackText)
	}
	if first := c.Body[0]; first.Text != "2026/01/02" || first.Size != "Large" || first.Weight != "Bolder" {
		t.Errorf("first element %+v, want the date large and bold", first)
	}
	var bold []string
	for _, e := range c.Body[1:] {
		if e.Weight == "Bolder" {
			bold = append(bold, e.Text)
		}
	}
	want := []string{"Security Hub メンバーステータスの変更", "Enabled", "Invited", "Resigned", "Security Hub 管理外となっているアカウント"}
	if strings.Join(bold, "|") != strings.Join(want, "|") {
		t.Errorf("bold texts %q, want %q", bold, want)
	}
	var all []string
	for _, s := range n.Sections {
		for _, g := range s.Groups {
			all = append(all, g.Items...)
		}
	}
	if got := c.items(); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Errorf("%d items listed, want all %d in order", len(got), len(all))
	}
	if len(c.more()) > 0 || len(c.Actions) > 0 {
		t.Errorf("more %v, actions %v; want neither", c.more(), c.Actions)
	}
}

// TestNoticeTruncatedToFit: an organization's thousands of accounts are
// cut to fit 28 KB; every account is listed or counted, the small groups
// and the second section stay whole, and the card says it was shortened.
func TestNoticeTruncatedToFit(t *testing.T) {
	for _, count := range []int{2000, 20000} {
		for _, format := range formats {
			t.Run(fmt.Sprintf("%d/%s", count, format), func(t *testing.T) {
				n := notifytest.MembersNoticeJA()
				n.Sections[0].Groups[0].Items = notifytest.AccountIDs(7, count)
				body, err := teams.BuildNoticePayload(n, format, render.Options{Language: render.Japanese})
				if err != nil {
					t.Fatal(err)
				}
				checkNoticeBody(t, body, format)
				if len(body) < teams.PayloadBudget*3/4 {
					t.Errorf("%d bytes: cut far more than needed (budget %d)", len(body), teams.PayloadBudget)
				}
				text := string(body)
				for _, s := range append(n.Sections[0].Groups[1].Items, n.Sections[1].Groups[0].Items...) {
					if !strings.Contains(text, s) {
						t.Errorf("account %s of a small group is missing", s)
					}
				}
				if !strings.Contains(text, "28 KB") {
					t.Error("the card does not say it was shortened")
				}
				if format == teams.FormatAdaptive {
					c := buildNoticeCard(t, n, render.Japanese)
					total := count + notifytest.MembersInvited + notifytest.MembersResigned + notifytest.MembersOutside
					if more := c.more(); len(more) != 1 || len(c.items())+more[0] != total {
						t.Errorf("%d listed, more %v; want them to add up to %d", len(c.items()), more, total)
					}
				}
			})
		}
	}
}

// TestNoticeTooManySections: when not even one item per group fits, the
// last sections are left out and counted.
func TestNoticeTooManySections(t *testing.T) {
	n := &notify.Notice{Topic: "members", Title: "2026/01/02"}
	total := 0
	for i := range 400 {
		n.Sections = append(n.Sections, notify.NoticeSection{
			Header: fmt.Sprintf("Section %d %s", i, strings.Repeat("x", 100)),
			Groups: []notify.NoticeGroup{{Label: "Enabled", Items: notifytest.AccountIDs(i, 3)}},
		})
		total += 3
	}
	c := buildNoticeCard(t, n, render.English)
	if more := c.more(); len(c.items())+sumInts(more) != total || len(more) == 0 {
		t.Errorf("%d listed, more %v; want them to add up to %d", len(c.items()), more, total)
	}
}

func sumInts(ns []int) int {
	s := 0
	for _, n := range ns {
		s += n
	}
	return s
}

func TestNoticeLink(t *testing.T) {
	for _, tt := range []struct {
		name, url string
		button    bool
	}{
		{"s3 presigned", notifytest.ReportLinkJA, true},
		{"long presigned with a session token", notifytest.ReportLinkJA + "&X-Amz-Security-Token=" + strings.Repeat("IQoJb3JpZ2luX2VjE", 150), true},
		{"not http", "javascript:alert(1)", false},
		{"too long", "https://example.com/" + strings.Repeat("a", 9000), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := &notify.Notice{Topic: "report", Title: "Report", Link: &notify.NoticeLink{Text: "Download *now*", URL: tt.url}}
			c := buildNoticeCard(t, n, render.English)
			if !tt.button {
				last := c.Body[len(c.Body)-1]
				if len(c.Actions) != 0 || !strings.Contains(last.Text, "cannot be opened from Teams") {
					t.Errorf("actions %v, last %+v; want a note instead of a button", c.Actions, last)
				}
				return
			}
			if len(c.Actions) != 1 || c.Actions[0].Type != "Action.OpenUrl" || c.Actions[0].URL != tt.url || c.Actions[0].Title != "Download *now*" {
				t.Errorf("actions %+v, want one Action.OpenUrl to the link", c.Actions)
			}
		})
	}
}

func TestNoticeAttachmentNote(t *testing.T) {
	n := notifytest.ReportNoticeEN(t)
	n.Link = nil
	c := buildNoticeCard(t, n, render.English)
	last := c.Body[len(c.Body)-1]
	if !strings.Contains(last.Text, "system-b-2026-01-02.csv") || !last.IsSubtle {
		t.Errorf("last element %+v, want a note naming the file", last)
	}
}

// TestNoticeHostileText: notice text is escaped everywhere.
func TestNoticeHostileText(t *testing.T) {
	for _, h := range hostileTexts {
		n := &notify.Notice{
			Topic: "members", Title: h.text, Subject: h.text,
			Sections: []notify.NoticeSection{{Header: h.text, Text: h.text, Groups: []notify.NoticeGroup{{Label: h.text, Items: []string{h.text, h.text}}}}},
			Link:     &notify.NoticeLink{Text: h.text, URL: "https://example.com/report"},
		}
		for _, format := range formats {
			for _, lang := range languages {
				body, err := teams.BuildNoticePayload(n, format, render.Options{Language: lang})
				if err != nil {
					t.Fatalf("%s: %v", h.name, err)
				}
				if err := validateNoticeBody(body, format); err != nil {
					t.Errorf("%s %s: %v", h.name, format, err)
				}
			}
		}
	}
}

func TestNoticeIgnoresOverride(t *testing.T) {
	msg := compile(t, render.Override{Template: textTemplate})
	m := notifytest.NoticeMessage(t)
	got, err := teams.Build(m, teams.FormatAdaptive, render.Options{}, msg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := teams.BuildNoticePayload(m.Notice, teams.FormatAdaptive, render.Options{})
	if !bytes.Equal(got, want) {
		t.Error("the override changed a notice")
	}
}

// TestNoticeContract posts every notice to a workflow and to an Incoming
// Webhook in both formats.
func TestNoticeContract(t *testing.T) {
	for _, format := range formats {
		for _, s := range notifytest.NoticeSamples(t) {
			t.Run(string(format)+"/"+s.Name, func(t *testing.T) {
				srv := notifytest.NewServer(t, notifytest.Response{Status: http.StatusAccepted})
				env, _ := notifytest.NewEnv(t)
				cfg := teams.Config{WorkflowURL: workflowURL(srv.URL)}
				path, query := workflowPath, workflowQuery
				if format == teams.FormatConnector {
					cfg = teams.Config{WebhookURL: webhookURL(srv.URL), Format: format}
					path, query = webhookPath, ""
				}
				n := newNotifier(t, cfg, env)
				if rc, err := n.Notify(context.Background(), s.Message); err != nil || !rc.IsZero() {
					t.Fatalf("Notify = %+v, %v", rc, err)
				}
				req := srv.Requests()[0]
				if req.Method != http.MethodPost || req.Path != path || req.RawQuery != query || req.Header.Get("Authorization") != "" {
					t.Errorf("%s %s?%s Authorization %q", req.Method, req.Path, req.RawQuery, req.Header.Get("Authorization"))
				}
				if mt, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/json" || params["charset"] != "utf-8" {
					t.Errorf("Content-Type %q", req.Header.Get("Content-Type"))
				}
				checkNoticeBody(t, req.Body, format)
				want, _ := teams.BuildNoticePayload(s.Message.Notice, format, render.Options{Language: render.English})
				if !bytes.Equal(req.Body, want) {
					t.Error("the body sent is not BuildNoticePayload's")
				}
			})
		}
	}
}

func TestNoticeRetryClassification(t *testing.T) {
	notifytest.CheckRetry(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newNotifier(t, teams.Config{WorkflowURL: workflowURL(base)}, env)
	}, notifytest.NoticeMessage(t))
}

// TestNoticeNoSecretLeak: neither the workflow URL nor the notice's
// signed link reaches an error, a receipt or a log.
func TestNoticeNoSecretLeak(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		t.Run(s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
				return newNotifier(t, teams.Config{WorkflowURL: workflowURL(base)}, env)
			}, s.Message, workflowURL("https://prod-00.japaneast.logic.azure.com"), s.Message.Notice.Link.URL)
		})
	}
}

// FuzzBuildNoticePayload builds random notices, from a few items to tens
// of thousands, with hostile text everywhere, in both formats: each body
// must be a card Teams takes within 28 KB, with every text escaped.
//
//	go test -run '^$' -fuzz '^FuzzBuildNoticePayload$' -fuzztime 60s ./internal/notify/teams
func FuzzBuildNoticePayload(f *testing.F) {
	f.Add("2026/01/02", "Security Hub メンバーステータスの変更", "", "Enabled", "123456789012", "https://example.com/r?a=1&b=2", uint16(300), uint16(0x0123))
	f.Add("", "No change", "All unchanged.", "", "", "", uint16(0), uint16(0x8000))
	f.Add("t", "h", "", "Enabled", "123456789012", "https://example.com/r", uint16(2999), uint16(0x0022))
	for i, h := range hostileTexts {
		f.Add(h.text, h.text, h.text, h.text, h.text, "https://example.com/"+h.text, uint16(i*7), uint16(i*4099))
	}
	f.Fuzz(func(t *testing.T, title, header, text, label, item, linkURL string, count, flags uint16) {
		n := &notify.Notice{Topic: "members", Title: title, Subject: header}
		if title == "" && header == "" {
			n.Subject = "s"
		}
		for i := range int(flags % 7) {
			s := notify.NoticeSection{Header: header, Text: text}
			for j := range int(flags>>3%5) + 1 {
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
		if flags&0x4000 != 0 {
			n.Attachment = &notify.NoticeAttachment{Name: label + ".xlsx"}
		}
		lang := languages[int(flags>>15)]
		for _, format := range formats {
			body, err := teams.BuildNoticePayload(n, format, render.Options{Language: lang})
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if err := validateNoticeBody(body, format); err != nil {
				t.Fatalf("%s: %v\n%s", format, err, body)
			}
		}
	})
}
