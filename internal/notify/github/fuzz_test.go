package github

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
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
	f.CompanyName = text
	f.Types = []string{text}
	f.Remediation = finding.Remediation{Text: text, URL: text}
	f.Compliance.SecurityControlID = text
	f.Compliance.Status = text
	f.Workflow = text
	f.Severity.Label = text
	f.Resources = []finding.Resource{{Type: text, ID: text, Region: text}, {Type: "AwsS3Bucket", ID: text}}
	return &f
}

var (
	// ownLink matches the links the built-in templates write: escaped
	// text, then an http(s) destination with no raw parenthesis or space.
	ownLink = regexp.MustCompile(`\[(?:\\.|[^\\\[\]\n])*\]\(https?://[^()\s]*\)`)
	// ownHTML is the HTML the built-in templates write themselves.
	ownHTML = regexp.MustCompile(`<sub>|</sub>|<!-- hubrelay:delivery hubrelay-[0-9a-f]{16} -->`)
	// heading is a heading the templates start a line with.
	heading = regexp.MustCompile(`(?m)^#{2,3} `)
	// mention is an "@name" GitHub would turn into a mention.
	mention = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]`)
	// reference is an escaped "#" GitHub would still link ("#12").
	reference = regexp.MustCompile(`\\#[A-Za-z0-9]`)
)

// foreignMarkup lists Markdown and HTML in a built text that the built-in
// templates do not write themselves: an unescaped "[", "]", "<", ">", "`",
// "*", "_", "~" or "#" outside their links, headings and HTML, an
// unescaped "|" outside their table rows, or a table row whose cells a
// finding split.
func foreignMarkup(text string) []string {
	text = ownLink.ReplaceAllString(text, "LINK")
	text = ownHTML.ReplaceAllString(text, "HTML")
	text = heading.ReplaceAllString(text, "")
	text = strings.ReplaceAll(text, "| # |", "| N |") // the digest table's number column
	var out []string
	for _, line := range strings.Split(text, "\n") {
		pipes := 0
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\':
				i++ // an escaped character
			case line[i] == '|':
				pipes++
			case strings.IndexByte("[]<>`*_~#", line[i]) >= 0:
				out = append(out, line[max(0, i-20):min(len(line), i+20)])
			}
		}
		row := strings.HasPrefix(line, "| ") && strings.HasSuffix(line, " |")
		if pipes > 0 && (!row || (pipes != 3 && pipes != 7)) {
			out = append(out, "table row: "+line[:min(len(line), 80)])
		}
	}
	return out
}

// checkRequest asserts that a built request is one GitHub accepts and
// shows as intended.
func checkRequest(t *testing.T, req Request) {
	t.Helper()
	var texts []string
	switch req.Action {
	case ActionNone:
		return
	case ActionCreate:
		title, body := req.Issue.GetTitle(), req.Issue.GetBody()
		if strings.TrimSpace(title) == "" || strings.ContainsAny(title, "\r\n") {
			t.Errorf("title %q must be one non-empty line", title)
		}
		if render.UTF16Len(title) > MaxTitle || !utf8.ValidString(title) {
			t.Errorf("title is %d UTF-16 units (max %d) or invalid UTF-8", render.UTF16Len(title), MaxTitle)
		}
		texts = append(texts, body)
		js, err := json.Marshal(req.Issue)
		if err != nil || !json.Valid(js) {
			t.Fatalf("issue does not marshal: %v", err)
		}
		if req.Marker != "" && !strings.HasSuffix(body, req.Marker) {
			t.Errorf("the body does not end with the delivery marker")
		}
	default:
		if req.Number <= 0 {
			t.Errorf("action %s without an issue number", req.Action)
		}
		texts = append(texts, req.Comment)
	}
	for _, text := range texts {
		if !utf8.ValidString(text) {
			t.Error("text is not valid UTF-8")
		}
		if n := render.UTF16Len(text); n > MaxBody {
			t.Errorf("text is %d UTF-16 units, over GitHub's %d", n, MaxBody)
		}
		if foreign := foreignMarkup(text); len(foreign) > 0 {
			t.Errorf("text holds markup from the finding: %q", foreign)
		}
		if m := mention.FindString(text); m != "" {
			t.Errorf("text mentions someone: %q", m)
		}
		if r := reference.FindString(text); r != "" {
			t.Errorf("text references an issue: %q", r)
		}
	}
}

var hostileSeeds = []string{
	"plain finding title",
	"[phish](https://evil.example) ![img](https://t.example/p.gif) <script>alert(1)</script> `code` **b** _i_ ~~s~~ # h",
	"<img src=x onerror=alert(1)> &lt;b&gt; <br /> <a href=\"javascript:alert(1)\">x</a> <!-- hidden --> <details open>",
	"@octocat @example-org/security-team cc @everyone fixes #1 and example-org/other#12, GH-3",
	"| a | b |\n| --- | --- |\n| c | d |",
	"## heading\n- list\n1. one\n> quote\n---\n===\n    code",
	"javascript:alert(1)",
	"https://example.com/a]b)c>d <https://autolink.example>",
	"$$x$$ $y$ :tada: [^1] [x]: https://ref.example",
	"\xff\xfe invalid \xc3\x28 UTF-8",
	"\u202eevil\u202c bidi \x00 nul \r\n crlf \t tab",
	"🔥" + strings.Repeat("長い説明文。", 200),
	strings.Repeat("A", 100<<10),
	strings.Repeat("<@", 20000),
	strings.Repeat("😀", 40000),
}

// FuzzBuildRequest renders hostile finding text (Markdown, HTML and mention
// injection, 100 KB descriptions, invalid UTF-8) into every kind of
// request in both languages and checks that the payload stays valid:
// valid UTF-8 and JSON, within GitHub's title and body limits, a one-line
// title, no markup, mention or issue reference the finding wrote in the
// body or a comment. (GitHub shows titles as plain text and does not
// notify mentions in them.)
//
//	go test -fuzz=FuzzBuildRequest -fuzztime=60s ./internal/notify/github
func FuzzBuildRequest(f *testing.F) {
	for i, s := range hostileSeeds {
		f.Add(s, uint8(i))
	}
	base := fixture(f, fxRDS1).Finding
	other := fixture(f, fxGuardDuty).Finding
	builders := map[render.Language]*Builder{}
	for _, lang := range []render.Language{render.Japanese, render.English} {
		b, err := NewBuilder(testConfig(""), renderOptions(lang))
		if err != nil {
			f.Fatal(err)
		}
		builders[lang] = b
	}
	f.Fuzz(func(t *testing.T, text string, shape uint8) {
		lang := []render.Language{render.Japanese, render.English}[shape&1]
		kind := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened}[(shape>>1)&3]
		hostile := hostileFinding(base, text)
		m := &notify.Message{Kind: kind, Route: text, Destination: "d", Key: text}
		if shape&8 != 0 {
			m.Digest = &notify.Digest{GroupKey: text, Findings: []*finding.Finding{hostile, hostileFinding(other, text), other}, Total: 9}
		} else {
			m.Finding = hostile
		}
		if shape&16 != 0 {
			m.Previous = issue12()
		}
		if shape&32 != 0 {
			m.Kind = notify.KindTest
		}
		req, err := builders[lang].Build(m)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		checkRequest(t, req)
	})
}

// TestHostileSeedsRenderSafely runs the fuzz seeds in every shape as a
// plain test.
func TestHostileSeedsRenderSafely(t *testing.T) {
	base := fixture(t, fxRDS1).Finding
	for _, text := range hostileSeeds {
		for shape := range 32 {
			if len(text) > 10<<10 && shape%5 != 0 {
				continue // the huge seeds in a few shapes keep the test fast
			}
			lang := []render.Language{render.Japanese, render.English}[shape&1]
			kind := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindResolved, notify.KindReopened}[(shape>>1)&3]
			m := &notify.Message{Kind: kind, Route: "r", Destination: "d", Key: "k"}
			if shape&8 != 0 {
				m.Digest = &notify.Digest{GroupKey: text, Findings: []*finding.Finding{hostileFinding(base, text)}, Total: 1}
			} else {
				m.Finding = hostileFinding(base, text)
			}
			if shape&16 != 0 {
				m.Previous = issue12()
			}
			req, err := BuildRequest(m, testConfig(""), renderOptions(lang))
			if err != nil {
				t.Fatal(err)
			}
			checkRequest(t, req)
		}
	}
}

// TestHugeDescriptionIsCut: a 100 KB description is cut with a visible
// marker, and the links after it survive.
func TestHugeDescriptionIsCut(t *testing.T) {
	m := sampleNamed(t, "new-rds1")
	f := *m.Finding
	f.Description = strings.Repeat("<x> ", 25<<10)
	m.Finding = &f
	req, err := BuildRequest(m, testConfig(""), renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	body := req.Issue.GetBody()
	for _, want := range []string{"… (truncated)", "[Open in Security Hub](https://", Marker(m.Key)} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	checkRequest(t, req)
}

// TestMarkdownInjectionIsInert pins what a hostile title turns into.
func TestMarkdownInjectionIsInert(t *testing.T) {
	m := sampleNamed(t, "new-rds1")
	f := *m.Finding
	f.Title = "@org/team see #12 [x](https://evil.example) <b>"
	m.Finding = &f
	req, err := BuildRequest(m, testConfig(""), renderOptions(render.English))
	if err != nil {
		t.Fatal(err)
	}
	want := "## 🔴 @\u200borg/team see \\#\u200b12 \\[x\\](https://evil.example) \\<b\\>"
	if first := strings.SplitN(req.Issue.GetBody(), "\n", 2)[0]; first != want {
		t.Errorf("heading %q, want %q", first, want)
	}
}

// FuzzRateLimitWait reads arbitrary rate-limit headers.
//
//	go test -fuzz=FuzzRateLimitWait -fuzztime=60s ./internal/notify/github
func FuzzRateLimitWait(f *testing.F) {
	f.Add(403, "", "0", "1767323165", false)
	f.Add(429, "30", "", "", false)
	f.Add(403, "Fri, 02 Jan 2026 03:05:35 GMT", "12", "", true)
	f.Add(403, "", "4999", "", false)
	f.Add(429, "-1", "0", "99999999999999999999", true)
	f.Add(500, "5", "0", "1", true)
	f.Fuzz(func(t *testing.T, status int, retryAfter, remaining, reset string, flagged bool) {
		h := http.Header{"Retry-After": {retryAfter}, "X-Ratelimit-Remaining": {remaining}, "X-Ratelimit-Reset": {reset}}
		wait, limited := rateLimitWait(status, h, flagged, fixedNow())
		if wait < 0 || wait > notify.MaxRetryAfter {
			t.Fatalf("wait %v outside [0, %v]", wait, notify.MaxRetryAfter)
		}
		if limited != (status == 429 || (status == 403 && (flagged || isRateLimitHeader(h)))) {
			t.Fatalf("status %d flagged %v headers %v: limited = %v", status, flagged, h, limited)
		}
		if !limited && wait != 0 {
			t.Fatalf("wait %v for an answer that is no rate limit", wait)
		}
	})
}

// isRateLimitHeader reports whether h alone marks a rate limit.
func isRateLimitHeader(h http.Header) bool {
	_, ok := notify.ParseRetryAfter(h.Get("Retry-After"), fixedNow())
	return ok || strings.TrimSpace(h.Get("X-Ratelimit-Remaining")) == "0"
}

// FuzzPreviousIssue reads arbitrary receipt IDs as issue numbers.
func FuzzPreviousIssue(f *testing.F) {
	for _, id := range []string{"12", "#12", "0", "-1", "SEC-12", "", "99999999999999999999", "1e3", " 7"} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		n, ok, err := previousIssue(&notify.Receipt{ID: id})
		if (err == nil) != (ok || id == "") || (ok && n <= 0) {
			t.Fatalf("previousIssue(%q) = %d, %v, %v", id, n, ok, err)
		}
	})
}

// FuzzConfig decodes arbitrary settings strictly and validates them: never
// a panic, and never the token in an error.
func FuzzConfig(f *testing.F) {
	f.Add(`{"owner":"example-org","repo":"security-findings","token":"ghp_secretvalue0000"}`)
	f.Add(`{"owner":"a/b","repo":"..","token":"ghp_secretvalue0000 ","base_url":"http://x","labels":["", "x"]}`)
	f.Add(`{"owner":"o","repo":"r","token":"ghp_secretvalue0000","severity_labels":{"HIGH":"","high":"x"},"assignees":["@a","A"]}`)
	f.Add(`{"owner":"o","repo":"r","token":"ghp_secretvalue0000","body_template":"{{ .Nope"}`)
	f.Fuzz(func(t *testing.T, settings string) {
		var c Config
		if err := notifytest.Settings(settings).Decode(&c); err != nil {
			return
		}
		err := c.Validate()
		if err != nil && c.Token != "" && len(c.Token) >= 8 && strings.Contains(err.Error(), c.Token) {
			t.Fatalf("the token is in the error: %v", err)
		}
		if err == nil {
			if _, err := NewBuilder(&c, render.Options{}); err != nil {
				t.Fatalf("valid config, builder fails: %v", err)
			}
		}
	})
}
