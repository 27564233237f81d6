package teams_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostileTexts are finding texts that try to format, link, mention or
// break a card.
var hostileTexts = []struct{ name, text string }{
	{"markdown link", "[Click to fix](https://evil.example/phish) now"},
	{"markdown image", "![x](https://evil.example/x.png)"},
	{"autolink", "<https://evil.example/phish>"},
	{"html link", `<a href="https://evil.example">Security Hub</a>`},
	{"html script", `<script>alert(1)</script><img src=x onerror=alert(1)>`},
	{"slack mrkdwn", "<!channel> <@U123|admin> <https://evil.example|Open in Security Hub>"},
	{"teams mention", "<at>Adele Vance</at> please look"},
	{"emphasis", "**urgent** _now_ ***really*** ~~no~~ `code`"},
	{"lists and headings", "- one\n+ two\n* three\n1. four\n2) five\n# Heading\n    indented code\n> quote"},
	{"escapes", `\[not a link\](https://evil.example) \\*star\\*`},
	{"nested brackets", "[[a](https://evil.example)](https://evil.example)"},
	{"entities", "&lt;a href=x&gt;click&lt;/a&gt; &amp;"},
	{"invalid utf-8", "bad \xff\xfe bytes \xc3\x28 here"},
	{"controls and bidi", "nul\x00 bell\a esc\x1b[31m rlo\u202egnp.exe lsep\u2028psep\u2029"},
	{"json breakers", `"}]},{"type":"Action.OpenUrl","url":"https://evil.example"}`},
	{"mention at", "@channel @here @everyone user@example.com"},
}

// hostileFinding puts text into every text field of a finding.
func hostileFinding(text string) *finding.Finding {
	return &finding.Finding{
		ID:          "arn:aws:securityhub:us-east-1:111111111111:finding/" + text,
		ProductARN:  "arn:aws:securityhub:us-east-1::product/aws/securityhub",
		ProductName: text,
		CompanyName: text,
		GeneratorID: text,
		AccountID:   text,
		Region:      "us-east-1",
		Title:       text,
		Description: text,
		Severity:    finding.Severity{Label: "CRITICAL", Normalized: 90},
		Types:       []string{text},
		Resources:   []finding.Resource{{Type: text, ID: text, Region: text}, {Type: "AwsS3Bucket", ID: text}},
		Compliance:  finding.Compliance{Status: text, SecurityControlID: text},
		Workflow:    text,
		RecordState: text,
		Remediation: finding.Remediation{Text: text, URL: "javascript:alert(document.cookie)"},
		ActionName:  text,
		Format:      finding.FormatASFF,
	}
}

// everyShape returns a message of each shape about f (and a digest of fs).
func everyShape(f *finding.Finding, text string, fs ...*finding.Finding) []*notify.Message {
	prev := &notify.Receipt{ID: text, URL: "https://evil.example/" + text}
	if len(fs) == 0 {
		fs = []*finding.Finding{f}
	}
	return []*notify.Message{
		{Kind: notify.KindNew, Route: text, Key: "k", Finding: f},
		{Kind: notify.KindNew, Route: text, Key: "k", Finding: f, Previous: prev},
		{Kind: notify.KindResolved, Route: text, Key: "k", Finding: f, Previous: prev},
		{Kind: notify.KindTest, Key: "k", Finding: f},
		{Kind: notify.KindNew, Route: text, Key: "k", Digest: &notify.Digest{GroupKey: text, Findings: fs, Total: len(fs) + 3}},
	}
}

var (
	formats   = []teams.Format{teams.FormatAdaptive, teams.FormatConnector}
	languages = []render.Language{render.English, render.Japanese}
)

// TestHostileText checks that text from a finding cannot add links,
// formatting, mentions or HTML to a card, nor break its JSON, in every
// field, message shape, format and language.
func TestHostileText(t *testing.T) {
	for _, h := range hostileTexts {
		t.Run(h.name, func(t *testing.T) {
			for _, m := range everyShape(hostileFinding(h.text), h.text) {
				for _, format := range formats {
					for _, lang := range languages {
						body, err := teams.BuildPayload(m, format, render.Options{Language: lang})
						if err != nil {
							t.Fatalf("%s %s %s: %v", m.Kind, format, lang, err)
						}
						checkBody(t, body, format)
						if strings.Contains(string(body), "javascript:") {
							t.Errorf("%s %s: a javascript: URL reached the card", m.Kind, format)
						}
					}
				}
			}
		})
	}
}

// TestHostileTextStaysReadable checks that escaping keeps the text as
// written: after removing the escapes, the title reads as the finding's.
func TestHostileTextStaysReadable(t *testing.T) {
	const title = `Use [brackets] *stars* _under_scores_ and <tags> & "quotes"`
	f := hostileFinding("x")
	f.Title = title
	body, err := teams.BuildPayload(&notify.Message{Kind: notify.KindNew, Key: "k", Finding: f}, teams.FormatAdaptive, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Attachments []struct {
			Content struct {
				Body []struct {
					Items []struct {
						Text string `json:"text"`
					} `json:"items"`
				} `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	got := msg.Attachments[0].Content.Body[0].Items[1].Text
	if unescaped := unescapeMarkdown(got); unescaped != title {
		t.Errorf("title %q reads as %q, want %q", got, unescaped, title)
	}
}

// unescapeMarkdown removes CommonMark backslash escapes and the zero-width
// space render puts after "@".
func unescapeMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.ReplaceAll(b.String(), "\u200b", "")
}

// TestHugeDescriptionIsShortened is the 28 KB test: a 100 KB description
// (and everything else as large as a finding can make it) still gives a
// card within the budget, cut with a visible, localized marker.
func TestHugeDescriptionIsShortened(t *testing.T) {
	markers := map[render.Language]string{
		render.English:  "… (truncated)",
		render.Japanese: "…（省略されました）",
	}
	notes := map[render.Language]string{
		render.English:  "shortened to fit the Teams message size limit",
		render.Japanese: "Teams のメッセージサイズ上限 (28 KB) に収めるため",
	}
	cases := []struct {
		name      string
		finding   func() *finding.Finding
		shortened bool // the card needs less than full detail
	}{
		{"100 KB description", func() *finding.Finding {
			f := load(t, fixtureEC27Event).Finding
			f.Description = strings.Repeat("The bucket policy allows [public](https://evil.example) access. ", 1600)[:100_000]
			return f
		}, false},
		{"100 KB of characters JSON escapes", func() *finding.Finding {
			f := load(t, fixtureEC27Event).Finding
			f.Description = strings.Repeat("\u2028<", 100_000/4)
			f.Remediation.Text = strings.Repeat(`\"`, 50_000)
			return f
		}, false},
		{"every field 100 KB", func() *finding.Finding {
			big := strings.Repeat(`\@a<`, 25_000) // 3 bytes or more a character once escaped
			f := hostileFinding(big)
			for range 50 {
				f.Resources = append(f.Resources, finding.Resource{Type: big, ID: big})
			}
			return f
		}, true},
	}
	for _, c := range cases {
		for _, format := range formats {
			for _, lang := range languages {
				t.Run(c.name+"/"+string(format)+"/"+string(lang), func(t *testing.T) {
					m := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Finding: c.finding()}
					body, err := teams.BuildPayload(m, format, render.Options{Language: lang})
					if err != nil {
						t.Fatal(err)
					}
					checkBody(t, body, format)
					if len(body) > teams.MaxMessageBytes {
						t.Fatalf("body is %d bytes, over Teams' %d", len(body), teams.MaxMessageBytes)
					}
					text := decodedText(t, body)
					if !strings.Contains(text, markers[lang]) {
						t.Errorf("no truncation marker %q in the card", markers[lang])
					}
					if got := strings.Contains(text, notes[lang]); got != c.shortened {
						t.Errorf("shortened note shown = %v, want %v (%d bytes)", got, c.shortened, len(body))
					}
				})
			}
		}
	}
}

// TestHugeDigestIsShortened: a digest of 500 findings with long titles
// fits, lists fewer of them and says how many more there are.
func TestHugeDigestIsShortened(t *testing.T) {
	var fs []*finding.Finding
	for i := range 500 {
		f := load(t, fixtureGuardDuty).Finding
		f.ID += strings.Repeat("x", i)
		f.Title = strings.Repeat("very long title ", 100)
		fs = append(fs, f)
	}
	m := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Digest: &notify.Digest{Findings: fs, Total: 2000}}
	for _, format := range formats {
		for _, lang := range languages {
			body, err := teams.BuildPayload(m, format, render.Options{Language: lang, TopN: 50})
			if err != nil {
				t.Fatal(err)
			}
			checkBody(t, body, format)
			text := decodedText(t, body)
			want := map[render.Language]string{render.English: "and 19", render.Japanese: "他 19"}[lang]
			if !strings.Contains(text, want) {
				t.Errorf("%s %s: no %q (\"and N more\") in the digest", format, lang, want)
			}
		}
	}
}

// decodedText returns every string of the JSON body, joined by newlines.
func decodedText(t testing.TB, body []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
			b.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}
