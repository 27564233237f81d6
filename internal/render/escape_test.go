package render

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlackEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<!channel> please look", "&lt;!channel&gt; please look"},
		{"<!here|here>", "&lt;!here|here&gt;"},
		{"<@U123ABC> and <#C123|general>", "&lt;@U123ABC&gt; and &lt;#C123|general&gt;"},
		{"<https://evil.example|click here>", "&lt;https://evil.example|click here&gt;"},
		{"AT&T &amp; co", "AT&amp;T &amp;amp; co"},
		{"plain *bold* _it_ 日本語", "plain *bold* _it_ 日本語"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SlackEscape(tt.in); got != tt.want {
			t.Errorf("SlackEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"emphasis and code", "*a* _b_ `c` ~d~", `\*a\* \_b\_ \` + "`" + `c\` + "`" + ` \~d\~`},
		{"link and image", "[x](https://e.example) ![i](https://e.example/i.png)", `\[x\](https://e.example) !\[i\](https://e.example/i.png)`},
		{"html", "<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"heading", "# Title\n## Sub", `\# Title` + "\n" + `\#\# Sub`},
		{"list markers", "- a\n+ b\n1. c\n2) d\n  - e", `\- a` + "\n" + `\+ b` + "\n" + `1\. c` + "\n" + `2\) d` + "\n" + `  \- e`},
		{"not list markers", "-1 degrees\n1.13 control\n2025-01-01 x-y", "-1 degrees\n1.13 control\n2025-01-01 x-y"},
		{"breaks", "text\n===\n---\n-", "text\n\\===\n\\---\n\\-"},
		{"table and quote", "a | b\n> quote", `a \| b` + "\n" + `\> quote`},
		{"math", "$x$", `\$x\$`},
		{"backslash", `C:\temp`, `C:\\temp`},
		{"mentions", "@here @org/team mail@example.com", "@\u200bhere @\u200borg/team mail@example.com"},
		{"plain", "Amazon EC2 (IMDSv2) 日本語。", "Amazon EC2 (IMDSv2) 日本語。"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MarkdownEscape(tt.in); got != tt.want {
				t.Errorf("MarkdownEscape(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation", "https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation"},
		{"https://e.example/a_(b)[c]", "https://e.example/a_%28b%29%5Bc%5D"},
		{"https://e.example/x)[click](https://evil.example", "https://e.example/x%29%5Bclick%5D%28https://evil.example"},
		{"javascript:alert(1)", ""},
	}
	for _, tt := range tests {
		if got := MarkdownURL(tt.in); got != tt.want {
			t.Errorf("MarkdownURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`say "hi"`, `"say \"hi\""`},
		{"a\nb\tc\\", `"a\nb\tc\\"`},
		{"<b>&", `"\u003cb\u003e\u0026"`},
		{"日本語", `"日本語"`},
		{"\xff", `"\ufffd"`},
		{"\u2028", `"\u2028"`},
	}
	for _, tt := range tests {
		got := JSONString(tt.in)
		if got != tt.want {
			t.Errorf("JSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("JSONString(%q) is not valid JSON: %v", tt.in, err)
		}
	}
}

func TestSingleLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a\n\n b\r\n\tc  ", "a b c"},
		{"x\x00y\x1bz", "xyz"},
		{"\u202eevil\u202c", "evil"},
		{"全角\u3000スペース", "全角 スペース"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SingleLine(tt.in); got != tt.want {
			t.Errorf("SingleLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		lang Language
		want string
	}{
		{"fits", "hello", 5, English, "hello"},
		{"english marker", "hello world, this is long", 20, English, "hello w… (truncated)"},
		{"japanese marker", strings.Repeat("あ", 30), 15, Japanese, "あああああ…（省略されました）"},
		{"marker too long", "abcdefghij", 5, Japanese, "abcd…"},
		{"one", "abc", 1, English, "…"},
		{"zero", "abc", 0, English, ""},
		{"emoji are not split", strings.Repeat("🔴", 10), 3, English, "🔴🔴…"},
		{"trailing space trimmed", "aaaa     bbbbbbbbbbbbbbbbbbbbbbbbbb", 20, English, "aaaa… (truncated)"},
		{"invalid UTF-8 repaired", "a\xffb", 10, English, "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.max, tt.lang)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max && tt.max >= 0 {
				t.Errorf("result has %d characters, more than %d", n, tt.max)
			}
			if !utf8.ValidString(got) {
				t.Errorf("result is not valid UTF-8")
			}
		})
	}
}

func TestTruncateLongDescription(t *testing.T) {
	long := strings.Repeat("検出内容の説明です。", 10_000) // 100,000 characters
	got := Truncate(long, 3000, Japanese)
	if utf8.RuneCountInString(got) != 3000 || !strings.HasSuffix(got, "…（省略されました）") {
		t.Errorf("got %d characters ending %q", utf8.RuneCountInString(got), got[len(got)-40:])
	}
}
