package sns

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

func TestEsc(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a <b> & c", 100, "a &lt;b&gt; &amp; c"},
		{"<!channel>", 100, "&lt;!channel&gt;"},
		{"abcdefghij", 8, "abcdefg…"},
		{"", 10, ""},
	}
	for _, tt := range tests {
		if got := esc(tt.in, tt.n, render.English); got != tt.want {
			t.Errorf("esc(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	// Text made of characters that escape to entities still fills most of
	// the room, and never more.
	for _, s := range []string{strings.Repeat("&", 10000), strings.Repeat("a<", 5000), strings.Repeat("検出", 5000)} {
		e := esc(s, 3000, render.Japanese)
		if c := utf8.RuneCountInString(e); c > 3000 || c < 2500 {
			t.Errorf("esc of %q…: %d characters", s[:6], c)
		}
	}
}

func TestLink(t *testing.T) {
	tests := []struct{ url, text, want string }{
		{"https://example.com/a?b=c", "Open", "<https://example.com/a?b=c|Open>"},
		{"https://example.com/a|b>c<d e", "x<y", "<https://example.com/a%7Cb%3Ec%3Cd%20e|x&lt;y>"},
		{"javascript:alert(1)", "Open", "Open"},
		{"", "Open", "Open"},
	}
	for _, tt := range tests {
		if got := link(tt.url, tt.text, render.English); got != tt.want {
			t.Errorf("link(%q, %q) = %q, want %q", tt.url, tt.text, got, tt.want)
		}
	}
}

func TestLinesAndFit(t *testing.T) {
	if got := lines("a", "", "", "b", "c", ""); got != "a\n\nb\nc" {
		t.Errorf("lines = %q", got)
	}
	if got, cut := fitRunes("one\ntwo\nthree", 9); got != "one\ntwo" || !cut {
		t.Errorf("fitRunes = %q, %v", got, cut)
	}
	if got, cut := fitRunes("short", 9); got != "short" || cut {
		t.Errorf("fitRunes = %q, %v", got, cut)
	}
}
