package backlog

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

func TestEscapeNotation(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "The control fails if HttpTokens is set to optional.", "The control fails if HttpTokens is set to optional."},
		{"single quote, percent and brackets unchanged", "don't: 100% [sic] C:\\temp", "don't: 100% [sic] C:\\temp"},
		{"link", "see [[evil>https://phish.example]]", `see \[\[evil>https://phish.example\]\]`},
		{"issue link", "[[SEC-1]]", `\[\[SEC-1\]\]`},
		{"bold and italic", "''bold'' '''italic'''", `\'\'bold\'\' \'\'\'italic\'\'\'`},
		{"strike", "%%gone%%", `\%\%gone\%\%`},
		{"code block", "{code}x{/code}", `\{code}x\{/code}`},
		{"quote block, any case", "{QUOTE}x{/Quote}", `\{QUOTE}x\{/Quote}`},
		{"plain braces unchanged", `{"a": 1}`, `{"a": 1}`},
		{"image", "#image(https://tracker.example/p.gif)", `\#image(https://tracker.example/p.gif)`},
		{"thumbnail and contents", "#thumbnail(x) #contents", `\#thumbnail(x) \#contents`},
		{"hash before digit unchanged", "issue #12", "issue #12"},
		{"color and line break", "&color(red){x} a&br;b", `\&color(red){x} a\&br;b`},
		{"ampersand in prose unchanged", "R&D & more &x", "R&D & more &x"},
		{"character reference", "&amp;lt;", `\&amp;lt;`},
		{"heading at line start", "* H1\n** H2", "\\* H1\n\\** H2"},
		{"asterisk inside a line unchanged", "2 * 3", "2 * 3"},
		{"list markers after blanks", "  - a\n\t+ b", "  \\- a\n\t\\+ b"},
		{"quote and table rows", "> q\n|a|b|h", "\\> q\n\\|a|b|h"},
		{"marker after carriage return", "a\r- b", "a\r\\- b"},
		{"backslash before punctuation", `\[[x]]`, `\\\[\[x\]\]`},
		{"backslash before letter unchanged", `\n`, `\n`},
		{"trailing backslash unchanged", `a\`, `a\`},
		{"invalid UTF-8 repaired", "a\xffb", "a\uFFFDb"},
		{"Japanese unchanged", "「メタデータ」の設定を確認してください。", "「メタデータ」の設定を確認してください。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EscapeNotation(tt.in)
			if got != tt.want {
				t.Errorf("EscapeNotation(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkEscaped(t, tt.in, got)
		})
	}
}

// checkEscaped asserts the two properties of EscapeNotation: nothing in
// the output is Backlog markup, and reading it back as Backlog does gives
// the (repaired) input.
func checkEscaped(t *testing.T, in, out string) {
	t.Helper()
	if tokens := notationMarkupTokens(out); len(tokens) > 0 {
		t.Errorf("escaped %q still holds markup %q: %q", in, tokens, out)
	}
	if back := unescapeNotation(out); back != render.RepairUTF8(in) {
		t.Errorf("escaped %q reads back as %q", in, back)
	}
	if !utf8.ValidString(out) {
		t.Errorf("escaped %q is not valid UTF-8", in)
	}
}

// unescapeNotation reads text as Backlog notation reads escapes: a
// backslash before ASCII punctuation stands for that character.
func unescapeNotation(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// notationMarkupTokens lists the Backlog notation markup in s that no
// backslash escapes. It is written independently of EscapeNotation, from
// the notation's documented constructs.
func notationMarkupTokens(s string) []string {
	var tokens []string
	lineStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			i++
			lineStart = false
			continue
		}
		rest := s[i:]
		lower := strings.ToLower(rest[:min(len(rest), 8)])
		switch {
		case lineStart && strings.ContainsRune("*-+>|", rune(c)):
			tokens = append(tokens, "line start "+string(c))
		case strings.HasPrefix(rest, "[["), strings.HasPrefix(rest, "]]"),
			strings.HasPrefix(rest, "''"), strings.HasPrefix(rest, "%%"):
			tokens = append(tokens, rest[:2])
		case strings.HasPrefix(lower, "{code"), strings.HasPrefix(lower, "{quote"),
			strings.HasPrefix(lower, "{/code"), strings.HasPrefix(lower, "{/quote"):
			tokens = append(tokens, lower)
		case c == '#' && len(rest) > 1 && isASCIILetter(rest[1]):
			tokens = append(tokens, rest[:2])
		case c == '&' && ampCommand.MatchString(rest):
			tokens = append(tokens, ampCommand.FindString(rest))
		}
		switch c {
		case '\n', '\r':
			lineStart = true
		case ' ', '\t':
		default:
			lineStart = false
		}
	}
	return tokens
}

// ampCommand matches an "&" command or character reference.
var ampCommand = regexp.MustCompile(`^&[A-Za-z]+[(;]`)

// ownNotationLink matches the links the built-in texts write.
var ownNotationLink = regexp.MustCompile(`\[\[[^\[\]>\n]*>https?://[^\[\]\s|]*\]\]`)

// foreignNotationMarkup lists markup in a built text that the built-in
// texts do not write themselves: everything but their links and their "- "
// and "+ " list lines.
func foreignNotationMarkup(text string) []string {
	text = ownNotationLink.ReplaceAllString(text, "LINK")
	var out []string
	for _, tok := range notationMarkupTokens(text) {
		if tok != "line start -" && tok != "line start +" {
			out = append(out, tok)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if (strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+")) && !strings.HasPrefix(line[1:], " ") {
			out = append(out, "list marker without its space: "+line)
		}
	}
	return out
}

func TestNotationLinkURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation", "https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation"},
		{"https://example.com/a]]b|c", "https://example.com/a%5D%5Db%7Cc"},
		{"https://example.com/a>b", ""},
		{"https://example.com/?q='x'&r={y}", "https://example.com/?q=%27x%27&r=%7By%7D"},
		{"javascript:alert(1)", ""},
		{"https://exa mple.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := notationLinkURL(tt.in); got != tt.want {
			t.Errorf("notationLinkURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzEscapeNotation checks, for any text, that escaped text holds no
// Backlog markup and reads back as the text.
//
//	go test -fuzz=FuzzEscapeNotation -fuzztime=60s ./internal/notify/backlog
func FuzzEscapeNotation(f *testing.F) {
	for _, s := range []string{
		"", "plain", "[[evil>https://x]]", "''b'' '''i''' %%s%%", "{code}\n{/code}", "{quote}q{/quote}",
		"#image(https://t/p.gif)", "&color(red){x}&br;", "* h\n- l\n+ n\n> q\n|t|", `\[[\\]]\`, "a\r-b",
		"It's 100% done: C:\\temp\\new", "「検出内容」&#image", "\xff\xfe[[", "[\\[", "'\\'", "\\\n*",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkEscaped(t, s, EscapeNotation(s))
	})
}
