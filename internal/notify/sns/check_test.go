package sns

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hostileTexts are finding texts written to break a message: Slack
// mentions and links, HTML and Markdown injection, JSON and form
// breakers, controls, bidi overrides and invalid UTF-8.
var hostileTexts = []string{
	"<!channel> <!here> <@U0123ABCD> <#C0123|general> <!subteam^S0123>",
	"<https://evil.example/phish|Open in Security Hub> <javascript:alert(1)|x>",
	"*bold* _italic_ ~strike~ `code` ```block``` > quote\n• bullet",
	"<script>alert(1)</script><img src=x onerror=alert(1)>&amp;&lt;",
	"[click](javascript:alert(1)) ![x](https://evil.example/x.png)\n# Heading\n---",
	`"},"version":"0","source":"evil","x":{"a":"` + "\\",
	"Action=Delete&TopicArn=arn:aws:sns:us-east-1:999999999999:other&Message=%0A",
	"\x00\x01\x1b[31mred\x7f\r\n\t\u2028\u2029",
	"\u202eevil\u202c \u2066isolate\u2069 \ufeffbom",
	"\xff\xfe\xc3\x28 invalid \xe2\x82",
	"日本語のタイトル：重大な検出結果（テスト）",
	"`backquote` inside `code` ``",
	"|pipe|><|",
}

// slackLink matches a link this package writes: <http(s)://url|text>.
var slackLink = regexp.MustCompile(`<(https?://[^\s<>|]+)\|([^<>]*)>`)

// publicationProblems lists every way p breaks SNS's rules or the
// promise that finding text cannot inject anything.
func publicationProblems(p Publication, format string, fifo bool) []string {
	var problems []string
	add := func(f string, args ...any) { problems = append(problems, fmt.Sprintf(f, args...)) }
	if !utf8.ValidString(p.Message) || !json.Valid([]byte(p.Message)) {
		add("message is not valid UTF-8 JSON")
	}
	if p.Size() > MaxMessageBytes {
		add("message and attributes are %d bytes, over %d", p.Size(), MaxMessageBytes)
	}
	switch {
	case format == FormatRaw && p.Subject != "":
		add("raw message has a subject")
	case format != FormatRaw && p.Subject == "":
		add("no subject")
	case len(p.Subject) > MaxSubjectLength:
		add("subject is %d characters", len(p.Subject))
	}
	for i := 0; i < len(p.Subject); i++ {
		if c := p.Subject[i]; c < 0x20 || c > 0x7e {
			add("subject has byte %#x", c)
			break
		}
	}
	for _, a := range p.Attributes {
		if !attributeName.MatchString(a.Name) {
			add("attribute name %q", a.Name)
		}
		if a.Value == "" || !utf8.ValidString(a.Value) || strings.IndexFunc(a.Value, unicode.IsControl) >= 0 {
			add("attribute %s value %q", a.Name, a.Value)
		}
	}
	if fifo != (p.GroupID != "") || fifo != (p.DeduplicationID != "") {
		add("FIFO IDs %q %q on a topic with fifo=%v", p.GroupID, p.DeduplicationID, fifo)
	}
	for _, id := range []string{p.GroupID, p.DeduplicationID} {
		if id != "" && fifoID(id) != id {
			add("invalid FIFO ID %q", id)
		}
	}
	if format == FormatChatbot {
		problems = append(problems, chatbotProblems(p.Message)...)
	}
	return problems
}

// attributeName is what SNS accepts as a message attribute name.
var attributeName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-]$|^[A-Za-z0-9_-]$`)

func chatbotProblems(message string) []string {
	var problems []string
	add := func(f string, args ...any) { problems = append(problems, fmt.Sprintf(f, args...)) }
	var n ChatbotNotification
	if err := json.Unmarshal([]byte(message), &n); err != nil {
		return []string{"not a notification: " + err.Error()}
	}
	if n.Version != "1.0" || n.Source != "custom" || n.Content.TextType != "client-markdown" {
		add("version %q source %q textType %q", n.Version, n.Source, n.Content.TextType)
	}
	if n.Content.Description == "" {
		add("empty description")
	}
	limit := func(what, s string, max int) {
		if c := utf8.RuneCountInString(s); c > max {
			add("%s is %d characters, over %d", what, c, max)
		}
		problems = append(problems, markupProblems(what, s)...)
	}
	limit("title", n.Content.Title, maxTitleRunes)
	limit("description", n.Content.Description, maxDescriptionRunes)
	limit("summary", n.Metadata.Summary, maxSummaryRunes)
	for i, s := range n.Content.NextSteps {
		limit(fmt.Sprintf("next step %d", i), s, maxNextStepRunes)
	}
	if len(n.Content.Keywords) > maxKeywords {
		add("%d keywords", len(n.Content.Keywords))
	}
	for i, s := range n.Content.Keywords {
		limit(fmt.Sprintf("keyword %d", i), s, maxKeywordRunes)
	}
	return problems
}

// markupProblems finds "<" or ">" that is not part of a link this package
// wrote (so no mention, command or forged link), and links that are not
// http(s).
func markupProblems(what, s string) []string {
	var problems []string
	for _, m := range slackLink.FindAllStringSubmatch(s, -1) {
		u, err := url.Parse(m[1])
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("%s links to %q", what, m[1]))
		}
	}
	if rest := slackLink.ReplaceAllString(s, ""); strings.ContainsAny(rest, "<>") {
		problems = append(problems, fmt.Sprintf("%s has raw < or >: %q", what, rest))
	}
	return problems
}
