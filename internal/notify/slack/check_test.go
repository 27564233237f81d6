package slack

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkPayload fails the test when p breaks one of Slack's documented
// limits (see limits.go) or could mention someone or carry a link this
// package did not write.
func checkPayload(t testing.TB, p *Payload) {
	t.Helper()
	for _, problem := range payloadProblems(p) {
		t.Error(problem)
	}
}

// payloadProblems lists what is wrong with p, as a person would say it.
func payloadProblems(p *Payload) []string {
	js, err := p.Marshal()
	if err != nil {
		return []string{fmt.Sprintf("marshal: %v", err)}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !json.Valid(js) || !utf8.Valid(js) {
		bad("payload is not valid UTF-8 JSON")
		return problems
	}
	var doc struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		bad("payload does not decode: %v", err)
		return problems
	}
	if doc.Text == "" || units(doc.Text) > fallbackTextBudget || units(doc.Text) > maxMessageText {
		bad("text has %d units; want 1 to %d", units(doc.Text), fallbackTextBudget)
	}
	checkMrkdwn(doc.Text, "text", bad)
	if len(doc.Blocks) == 0 || len(doc.Blocks) > maxBlocks {
		bad("%d blocks; want 1 to %d", len(doc.Blocks), maxBlocks)
	}
	total := 0
	text := func(where string, obj any, max int, wantType string) {
		o, ok := obj.(map[string]any)
		if !ok {
			bad("%s: no text object", where)
			return
		}
		s, _ := o["text"].(string)
		typ, _ := o["type"].(string)
		total += units(s)
		switch {
		case s == "":
			bad("%s: empty text", where)
		case units(s) > max:
			bad("%s: %d units, limit %d", where, units(s), max)
		case wantType != "" && typ != wantType:
			bad("%s: type %q, want %q", where, typ, wantType)
		}
		switch typ {
		case "mrkdwn":
			if v, _ := o["verbatim"].(bool); !v {
				bad("%s: mrkdwn text is not verbatim", where)
			}
			checkMrkdwn(s, where, bad)
		case "plain_text":
			if strings.ContainsAny(s, "<>") {
				bad("%s: unescaped < or > in plain text: %q", where, shorten(s))
			}
		}
	}
	for i, b := range doc.Blocks {
		where := fmt.Sprintf("block %d (%v)", i, b["type"])
		switch b["type"] {
		case "header":
			text(where, b["text"], maxHeaderText, "plain_text")
		case "section":
			fields, _ := b["fields"].([]any)
			if b["text"] == nil && len(fields) == 0 {
				bad("%s: neither text nor fields", where)
			}
			if b["text"] != nil {
				text(where, b["text"], maxSectionText, "")
			}
			if len(fields) > maxFields {
				bad("%s: %d fields, limit %d", where, len(fields), maxFields)
			}
			for j, f := range fields {
				text(fmt.Sprintf("%s field %d", where, j), f, maxFieldText, "")
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > maxContextElements {
				bad("%s: %d elements; want 1 to %d", where, len(els), maxContextElements)
			}
			for j, e := range els {
				text(fmt.Sprintf("%s element %d", where, j), e, maxTextObject, "")
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				bad("%s: %d elements", where, len(els))
			}
			for j, e := range els {
				el, _ := e.(map[string]any)
				text(fmt.Sprintf("%s button %d", where, j), el["text"], maxButtonText, "plain_text")
				u, _ := el["url"].(string)
				if parsed, err := url.Parse(u); err != nil || parsed.Scheme != "https" || units(u) > maxButtonURL {
					bad("%s button %d: url %q is not an https URL within %d characters", where, j, u, maxButtonURL)
				}
			}
		case "divider":
		default:
			bad("%s: unexpected block type", where)
		}
	}
	if total > maxBlocksText {
		bad("blocks hold %d units of text; budget %d", total, maxBlocksText)
	}
	return problems
}

// linkPattern matches the links this package writes: <https://…|text>.
var linkPattern = regexp.MustCompile(`<(https?://[^<>|\s]+)\|([^<>]*)>`)

// checkMrkdwn reports any "<" that does not open one of this package's
// links: Slack reads <!channel>, <@U123>, <#C123> and <url|text> between
// angle brackets, and finding text must never produce them.
func checkMrkdwn(s, where string, bad func(string, ...any)) {
	rest := linkPattern.ReplaceAllString(s, "")
	if strings.ContainsAny(rest, "<>") {
		bad("%s: unescaped < or > outside a link: %q", where, shorten(rest))
	}
	for _, m := range linkPattern.FindAllStringSubmatch(s, -1) {
		u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil || u.Host == "" {
			bad("%s: link to %q is not a URL", where, m[1])
		}
	}
}

// linkTargets returns the hosts every link of every mrkdwn text of p
// points to.
func linkTargets(t testing.TB, p *Payload) []string {
	t.Helper()
	js, _ := p.Marshal()
	var hosts []string
	for _, m := range linkPattern.FindAllStringSubmatch(string(js), -1) {
		u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil {
			t.Fatalf("link %q: %v", m[1], err)
		}
		hosts = append(hosts, u.Host)
	}
	return hosts
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
