package backlog

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostileFinding puts text in every field of a published finding that a
// finding's producer controls.
func hostileFinding(base *finding.Finding, text string) *finding.Finding {
	f := *base
	f.ID = "id-" + text
	f.Title = text
	f.Description = text
	f.AccountID = text
	f.Region = text
	f.ProductName = text
	f.Remediation = finding.Remediation{Text: text, URL: text}
	f.Compliance.SecurityControlID = text
	f.Resources = []finding.Resource{{Type: text, ID: text, Region: text}, {Type: "AwsS3Bucket", ID: text}}
	return &f
}

// ownMarkdownLink matches the links the built-in Markdown texts write.
var ownMarkdownLink = regexp.MustCompile(`\[[^\[\]\n]*\]\(https?://[^()\s]*\)`)

// foreignMarkdownMarkup lists Markdown markup in a built text that the
// built-in texts do not write themselves: an unescaped "[", "]", "<", ">",
// "`", "*", "_", "|", "~" or "#" outside their links.
func foreignMarkdownMarkup(text string) []string {
	text = ownMarkdownLink.ReplaceAllString(text, "LINK")
	var out []string
	for i := 0; i < len(text); i++ {
		if text[i] == '\\' {
			i++ // an escaped character
			continue
		}
		if strings.IndexByte("[]<>`*_|~#", text[i]) >= 0 {
			out = append(out, text[max(0, i-20):min(len(text), i+20)])
		}
	}
	return out
}

// FuzzBuildRequest renders hostile finding text (Backlog notation, Markdown
// and HTML injection, huge text, invalid UTF-8) into every kind of request
// in both text formats and both languages, and checks that the payload
// stays valid: valid UTF-8 that survives form encoding, within Backlog's
// length limits, a one-line summary, and no markup the built-in texts do
// not write themselves.
//
//	go test -fuzz=FuzzBuildRequest -fuzztime=60s ./internal/notify/backlog
func FuzzBuildRequest(f *testing.F) {
	seeds := []string{
		"plain finding title",
		"[[evil>https://phish.example]] ''bold'' %%strike%% {code}x{/code} #image(https://t.example/p.gif) &color(red){x}",
		"* heading\n- list\n+ numbered\n> quote\n|table|h",
		"[phish](https://evil.example) ![img](https://t.example/p.gif) <script>alert(1)</script> `code` **b** _i_ ~~s~~ # h",
		"<img src=x onerror=alert(1)> &lt;b&gt; <br /> <a href=\"javascript:alert(1)\">x</a>",
		"@channel <!here> <@U123|user>",
		"javascript:alert(1)",
		"https://example.com/a]]b)c>d",
		"\xff\xfe invalid \xc3\x28 UTF-8",
		"\u202eevil\u202c bidi \x00 nul \r\n crlf",
		"🔥" + strings.Repeat("長い説明文。", 200),
		strings.Repeat("A", 100<<10),
		strings.Repeat("[[", 3000),
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	base := fixture(f, fxEC28).Finding
	other := fixture(f, fxGuardDuty).Finding
	f.Fuzz(func(t *testing.T, text string, shape uint8) {
		format := []TextFormat{FormatBacklog, FormatMarkdown}[shape&1]
		lang := []render.Language{render.Japanese, render.English}[(shape>>1)&1]
		kind := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened}[(shape>>2)&3]
		hostile := hostileFinding(base, text)
		m := &notify.Message{Kind: kind, Route: text, Destination: "d", Key: text}
		if shape&16 != 0 {
			m.Digest = &notify.Digest{Findings: []*finding.Finding{hostile, hostileFinding(other, text), other}, Total: 9}
		} else {
			m.Finding = hostile
		}
		if shape&32 != 0 {
			m.Previous = &notify.Receipt{ID: "SEC-12"}
		}
		cfg := testConfig("https://example.backlog.jp")
		cfg.TextFormat = string(format)
		req, err := BuildRequest(m, cfg, renderOptions(lang))
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		checkPayload(t, req, format)
	})
}

// checkPayload asserts that a built request is one Backlog accepts and
// shows as intended.
func checkPayload(t *testing.T, req Request, format TextFormat) {
	t.Helper()
	if req.Action == ActionNone {
		return
	}
	decoded, err := url.ParseQuery(req.Form.Encode())
	if err != nil || len(decoded) != len(req.Form) {
		t.Fatalf("form does not survive encoding: %v", err)
	}
	limits := map[string]int{"summary": MaxSummary, "description": MaxDescription, "content": MaxComment, "comment": MaxComment}
	for key, values := range req.Form {
		for _, v := range values {
			if !utf8.ValidString(v) {
				t.Errorf("%s is not valid UTF-8", key)
			}
			if limit, ok := limits[key]; ok && render.UTF16Len(v) > limit {
				t.Errorf("%s is %d UTF-16 units, over Backlog's %d", key, render.UTF16Len(v), limit)
			}
			if decoded.Get(key) == "" && v != "" {
				t.Errorf("%s lost in encoding", key)
			}
		}
	}
	if s := req.Form.Get("summary"); req.Action == ActionCreateIssue && (s == "" || strings.ContainsAny(s, "\r\n")) {
		t.Errorf("summary %q must be one non-empty line", s)
	}
	for _, key := range []string{"description", "content", "comment"} {
		text := req.Form.Get(key)
		var foreign []string
		if format == FormatMarkdown {
			foreign = foreignMarkdownMarkup(text)
		} else {
			foreign = foreignNotationMarkup(text)
		}
		if len(foreign) > 0 {
			t.Errorf("%s holds markup from the finding: %q\n%s", key, foreign, text)
		}
	}
}

func TestHostileSeedsRenderSafely(t *testing.T) {
	// The fuzz seeds, each in every shape, as a plain test.
	base := fixture(t, fxEC28).Finding
	for _, text := range []string{
		"[[evil>https://phish.example]] ''bold'' {code}x{/code} #image(https://t.example/p.gif) &color(red){x}",
		"* heading\n- list\n> quote\n|table|h",
		"[phish](https://evil.example) <script>alert(1)</script> `code` **b** # h",
		strings.Repeat("B", 100<<10),
	} {
		for shape := range 64 {
			format := []TextFormat{FormatBacklog, FormatMarkdown}[shape&1]
			m := &notify.Message{Kind: notify.KindNew, Route: "r", Destination: "d", Key: "k", Finding: hostileFinding(base, text)}
			if shape&32 != 0 {
				m.Previous = &notify.Receipt{ID: "SEC-12"}
			}
			cfg := testConfig("https://example.backlog.jp")
			cfg.TextFormat = string(format)
			req, err := BuildRequest(m, cfg, renderOptions(render.Japanese))
			if err != nil {
				t.Fatal(err)
			}
			checkPayload(t, req, format)
		}
	}
}
