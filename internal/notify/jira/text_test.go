package jira

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

func TestEscapeWiki(t *testing.T) {
	zw := zeroWidthSpace
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"eu-west-1 aws_foundational i-0c10c2c7863d1a356", "eu-west-1 aws_foundational i-0c10c2c7863d1a356"},
		{"*bold* _em_ -del-", `\*bold\* \_em\_ \-del\-`},
		{"a - b", `a \- b`},
		{"[link|https://x.example]", `\[link\|https://x.example\]`},
		{"{code}x{code}", `\{code\}x\{code\}`},
		{"!image.png! @user (y) ??c??", `\!image.png\! \@user \(y\) \?\?c\?\?`},
		{`C:\path\*x`, `C:\` + zw + `path\` + zw + `\*x`},
		{`\\`, `\` + zw + `\` + zw},
		{"h1. Title\nbq. quote\nh7. no", zw + "h1. Title\n" + zw + "bq. quote\nh7. no"},
		{"# one\n* two\n----", `\# one` + "\n" + `\* two` + "\n" + `\-\-\-\-`},
		{"\xff", "\ufffd"},
	}
	for _, tt := range tests {
		if got := EscapeWiki(tt.in); got != tt.want {
			t.Errorf("EscapeWiki(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := unescapeWiki(EscapeWiki(tt.in)); back != strings.ToValidUTF8(tt.in, "\ufffd") {
			t.Errorf("EscapeWiki(%q) reads back as %q", tt.in, back)
		}
	}
}

func TestWikiURLAndNoformat(t *testing.T) {
	if got := wikiURL("https://x.example/a]b|c{d}!e f"); got != "https://x.example/a%5Db%7Cc%7Bd%7D%21e%20f" {
		t.Errorf("wikiURL = %q", got)
	}
	got := neutralizeNoformat("x{noformat}y{NoFormat}")
	if strings.Contains(strings.ToLower(got), "{noformat") || strings.ReplaceAll(got, zeroWidthSpace, "") != "x{noformat}y{NoFormat}" {
		t.Errorf("neutralizeNoformat = %q", got)
	}
}

func TestLinkify(t *testing.T) {
	tests := []struct {
		in   string
		want string // spans as text|href, joined by " / "
	}{
		{"no links", "no links|"},
		{"see https://a.example/x.", "see |  / https://a.example/x|https://a.example/x / .|"},
		{"(https://a.example/x_(y))", "(| / https://a.example/x_(y)|https://a.example/x_(y) / )|"},
		{"javascript:alert(1) http://", "javascript:alert(1) http://|"},
		{"xhttps://a.example", "xhttps://a.example|"},
		{`https://a.example/"><script>`, `https://a.example/"><script>|`},
	}
	for _, tt := range tests {
		var parts []string
		for _, s := range linkify(tt.in) {
			parts = append(parts, s.text+"|"+s.href)
		}
		if got := strings.Join(parts, " / "); got != strings.ReplaceAll(tt.want, "|  / ", "| / ") {
			t.Errorf("linkify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextBlocks(t *testing.T) {
	blocks := textBlocks("first line\r\nsecond line\n\n  \n\nnext paragraph   \n")
	if len(blocks) != 2 {
		t.Fatalf("%d blocks, want 2", len(blocks))
	}
	doc := toADF(blocks)
	data, _ := json.Marshal(doc)
	want := `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"first line"},{"type":"hardBreak"},{"type":"text","text":"second line"}]},{"type":"paragraph","content":[{"type":"text","text":"next paragraph"}]}]}`
	if string(data) != want {
		t.Errorf("ADF:\n got %s\nwant %s", data, want)
	}
	if got := toWiki(blocks); got != "first line\nsecond line\n\nnext paragraph" {
		t.Errorf("wiki = %q", got)
	}
	if len(textBlocks(" \n\t\n")) != 0 {
		t.Error("blank text gave blocks")
	}
	if data, _ := json.Marshal(toADF(nil)); string(data) != `{"type":"doc","version":1,"content":[{"type":"paragraph"}]}` {
		t.Errorf("empty document: %s", data)
	}
}

func TestPickTransition(t *testing.T) {
	var offered TransitionsAnswer
	if err := json.Unmarshal([]byte(offeredTransitions), &offered); err != nil {
		t.Fatal(err)
	}
	offered.Transitions = append(offered.Transitions,
		TransitionOption{ID: "41", Name: "Close Issue", To: Status{Name: "Closed"}},
		TransitionOption{ID: "", Name: "Broken"})
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"Done", "31", true},
		{" done ", "31", true},
		{"to do", "11", true},
		{"Closed", "41", true}, // by the status it leads to
		{"close issue", "41", true},
		{"Broken", "", false}, // no ID
		{"Reopen", "", false},
	}
	for _, tt := range tests {
		got, ok := PickTransition(offered.Transitions, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("PickTransition(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if s := offeredNames(nil); s != "none" {
		t.Errorf("offeredNames(nil) = %q", s)
	}
}

func TestSettled(t *testing.T) {
	status := func(key string) Status {
		var s Status
		s.StatusCategory.Key = key
		return s
	}
	tests := []struct {
		key     string
		resolve bool
		want    bool
	}{
		{"done", true, true}, {"done", false, false},
		{"new", true, false}, {"new", false, true},
		{"indeterminate", false, true}, {"", true, false}, {"", false, false},
	}
	for _, tt := range tests {
		if got := settled(status(tt.key), tt.resolve); got != tt.want {
			t.Errorf("settled(%q, resolve=%v) = %v", tt.key, tt.resolve, got)
		}
	}
}

func TestSummaryLimits(t *testing.T) {
	m := sampleNamed(t, "new-ec2.8")
	f := *m.Finding
	f.Title = strings.Repeat("🔥", 300) // 600 UTF-16 units
	m.Finding = &f
	for _, tmpl := range []string{"", "{{ .Title }}{{ .Title }}"} {
		cfg := testConfig("https://example.atlassian.net")
		cfg.SummaryTemplate = tmpl
		req, err := BuildRequest(m, cfg, renderOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		s := req.Issue.Fields.Summary
		if render.UTF16Len(s) > MaxSummary || !strings.HasSuffix(s, "…（省略されました）") || strings.ContainsRune(s, '\ufffd') {
			t.Errorf("summary of %d UTF-16 units: %q", render.UTF16Len(s), s)
		}
	}
	test := sampleNamed(t, "test")
	req, err := BuildRequest(test, testConfig("https://example.atlassian.net"), renderOptions(render.English))
	if err != nil || !strings.HasPrefix(req.Issue.Fields.Summary, "[hubrelay test] [Informational] EC2.7") {
		t.Errorf("test summary %q, %v", req.Issue.Fields.Summary, err)
	}
}

// TestDescriptionTemplate checks that a template's output is plain text:
// paragraphs, links from URLs, nothing read as markup.
func TestDescriptionTemplate(t *testing.T) {
	for _, version := range []int{3, 2} {
		cfg := testConfig("https://example.atlassian.net")
		cfg.APIVersion = version
		cfg.SummaryTemplate = "SEC finding: {{ .Title }}"
		cfg.DescriptionTemplate = "*Not bold* [not|a link]\n{{ .Description }}\n\nConsole: {{ .ConsoleURL }}"
		req, err := BuildRequest(sampleNamed(t, "new-guardduty"), cfg, renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		checkRequestPayload(t, req)
		if s := req.Issue.Fields.Summary; !strings.HasPrefix(s, "SEC finding: 199.241.229.197") {
			t.Errorf("summary %q", s)
		}
		switch d := req.Issue.Fields.Description.(type) {
		case string:
			if !strings.HasPrefix(d, `\*Not bold\* \[not\|a link\]`+"\n199.241.229.197") || !strings.Contains(d, "Console: [https://") {
				t.Errorf("v2 description:\n%s", d)
			}
		case *Node:
			links := adfLinks(decodeJSON(t, d))
			if len(d.Content) != 2 || len(links) != 1 || links[0][0] != links[0][1] {
				t.Errorf("v3 description: %d paragraphs, links %v", len(d.Content), links)
			}
		}
	}
	cfg := testConfig("https://example.atlassian.net")
	cfg.DescriptionTemplate = "{{ .Nope }}"
	if _, err := BuildRequest(sampleNamed(t, "new-guardduty"), cfg, renderOptions(render.English)); err == nil || !strings.Contains(err.Error(), "description:") {
		t.Errorf("a failing template gave %v", err)
	}
}

// TestHugeFindingFits checks the fallback chain: a finding whose every
// field is huge still gives a description within Jira's limit, with the
// finding's ID and console link kept.
func TestHugeFindingFits(t *testing.T) {
	base := fixture(t, fxEC28).Finding
	huge := hostileFinding(base, strings.Repeat(`<"&>`, 30_000))
	huge.ID = base.ID
	for _, version := range []int{3, 2} {
		cfg := testConfig("https://example.atlassian.net")
		cfg.APIVersion = version
		req, err := BuildRequest(&notify.Message{Kind: notify.KindNew, Key: "k", Finding: huge}, cfg, renderOptions(render.English))
		if err != nil {
			t.Fatal(err)
		}
		checkRequestPayload(t, req)
		text := toText(t, req.Issue.Fields.Description)
		if !strings.Contains(text, base.ID) || !strings.Contains(text, "truncated") {
			t.Errorf("v%d: the description lost the finding ID or the truncation marker", version)
		}
	}
}

func toText(t *testing.T, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBuildRejectsForeignReceipt(t *testing.T) {
	m := sampleNamed(t, "reminder")
	m.Previous = &notify.Receipt{ID: "1767323045.000100", Channel: "C0123"}
	_, err := BuildRequest(m, testConfig("https://example.atlassian.net"), renderOptions(render.English))
	if err == nil || !strings.Contains(err.Error(), "is not a Jira issue key") {
		t.Errorf("Build = %v, want a previous-receipt error", err)
	}
	m.Previous = &notify.Receipt{ID: "10010"} // a numeric issue ID is fine
	if req, err := BuildRequest(m, testConfig("https://example.atlassian.net"), renderOptions(render.English)); err != nil || req.CommentPath() != "/rest/api/3/issue/10010/comment" {
		t.Errorf("numeric issue ID: %v, %v", req.CommentPath(), err)
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{strings.Repeat("🔥", 10), 12, "🔥🔥🔥🔥🔥…"}, // the marker alone when the words do not fit
		{strings.Repeat("a", 30), 20, "aaaaaaa… (truncated)"},
		{strings.Repeat("🔥", 30), 20, "🔥🔥🔥… (truncated)"},
	}
	for _, tt := range tests {
		got := fit(tt.in, tt.max, render.English)
		if got != tt.want || render.UTF16Len(got) > tt.max {
			t.Errorf("fit(%q, %d) = %q (%d units), want %q", tt.in, tt.max, got, render.UTF16Len(got), tt.want)
		}
	}
}
