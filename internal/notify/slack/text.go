package slack

import (
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// units counts s the way this package measures Slack's limits: UTF-16 code
// units, so a character outside the Basic Multilingual Plane (most emoji)
// counts twice.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// escaped returns r escaped for Slack text objects: "&", "<" and ">"
// become entities, as "Formatting text for app surfaces" requires
// (https://api.slack.com/reference/surfaces/formatting#escaping).
func escaped(r rune) string {
	switch r {
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}

// clip escapes raw for a Slack text object and cuts the escaped text to at
// most max units. A cut text ends with marker (which must already be
// escaped); when not even the marker fits, "…" alone marks the cut.
// Invalid UTF-8 is repaired first, and a cut never splits a character or
// an entity.
func clip(raw string, max int, marker string) string {
	raw = render.RepairUTF8(raw)
	if max <= 0 {
		return ""
	}
	total := 0
	for _, r := range raw {
		total += escapedUnits(r)
	}
	if total <= max {
		return render.SlackEscape(raw)
	}
	if units(marker) >= max {
		marker = "…"
	}
	room := max - units(marker)
	var b strings.Builder
	used := 0
	for _, r := range raw {
		n := escapedUnits(r)
		if used+n > room {
			break
		}
		if e := escaped(r); e != "" {
			b.WriteString(e)
		} else {
			b.WriteRune(r)
		}
		used += n
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + marker
}

// escapedUnits is how many units r takes once escaped.
func escapedUnits(r rune) int {
	if e := escaped(r); e != "" {
		return len(e)
	}
	return runeUnits(r)
}

// esc escapes raw for a Slack text object (plain_text or mrkdwn) and cuts
// it to max units, marking a cut with "…". Slack never reads mentions or
// links in plain text, but it decodes the three entities in every text
// object ("Formatting text for app surfaces"), so plain text is escaped
// too.
func esc(raw string, max int) string {
	return clip(raw, max, "…")
}

// truncatedMarker is the localized marker ending cut text in mrkdwn: "…
// (truncated)" or "…（省略されました）", followed by a link to the console
// when there is one (and it is not absurdly long), so the reader can see
// the rest.
func truncatedMarker(lang render.Language, consoleURL string) string {
	marker := "…"
	if lang == render.Japanese {
		marker += render.Translate(lang, render.MsgTruncated)
	} else {
		marker += " " + render.Translate(lang, render.MsgTruncated)
	}
	marker = render.SlackEscape(marker)
	if consoleURL != "" && units(consoleURL) <= maxMarkerURL {
		marker += " " + link(consoleURL, render.SlackEscape(render.Translate(lang, render.MsgOpenInSecurityHub)))
	}
	return marker
}

// link returns a mrkdwn link to url showing text (already escaped), or the
// text alone when url is empty or too long for a message. The URL is
// escaped like any text, and "|" in it is percent-encoded, so a URL from a
// finding can neither end the link early nor replace its text.
func link(url, escapedText string) string {
	if url == "" || units(url) > maxButtonURL {
		return escapedText
	}
	return "<" + linkURL(url) + "|" + escapedText + ">"
}

// linkURL makes url safe inside <…|…>.
func linkURL(url string) string {
	return render.SlackEscape(strings.ReplaceAll(url, "|", "%7C"))
}

// code shows s as inline code when it can be (it holds no backtick that
// would end the code early), else as plain escaped text.
func code(escapedText string) string {
	if escapedText == "" || strings.ContainsRune(escapedText, '`') {
		return escapedText
	}
	return "`" + escapedText + "`"
}
