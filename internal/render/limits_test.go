package render

import (
	"strings"
	"testing"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ASCII", "abc", 3},
		{"BMP", "検出結果", 4},
		{"outside the BMP counts twice", "a🔥b", 4},
		{"invalid UTF-8 counts one per byte", "a\xff\xfeb", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UTF16Len(tt.in); got != tt.want {
				t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFitUTF16(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		lang Language
		want string
	}{
		{"fits", "short", 10, English, "short"},
		{"exactly fits", strings.Repeat("🔥", 5), 10, English, strings.Repeat("🔥", 5)},
		{"ASCII cut with marker", strings.Repeat("a", 30), 20, English, "aaaaaaa… (truncated)"},
		{"Japanese marker", strings.Repeat("あ", 30), 20, Japanese, strings.Repeat("あ", 10) + "…（省略されました）"},
		// Astral characters are never split; the cut shrinks by the excess,
		// so it may keep fewer than would fit (the marker alone when the
		// words do not fit).
		{"astral characters never split", strings.Repeat("🔥", 30), 20, English, strings.Repeat("🔥", 7) + "…"},
		{"shrinks by the excess", strings.Repeat("🔥", 10), 12, English, "🔥🔥🔥…"},
		{"nothing fits", "abc", 0, English, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FitUTF16(tt.in, tt.max, tt.lang)
			if got != tt.want || UTF16Len(got) > max(tt.max, 0) {
				t.Errorf("FitUTF16(%q, %d) = %q (%d units), want %q", tt.in, tt.max, got, UTF16Len(got), tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "abc", 3, "abc"},
		{"fitting invalid UTF-8 kept as is", "a\xffb", 3, "a\xffb"},
		{"cut with marker", strings.Repeat("x", 30), 20, "xxxxxxx… (truncated)"},
		{"counts runes, not UTF-16", strings.Repeat("🔥", 3), 3, strings.Repeat("🔥", 3)},
		{"short max marks with ellipsis", "abcdef", 4, "abc…"},
		{"zero empties", "abc", 0, ""},
		{"negative empties", "abc", -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clip(tt.in, tt.max, English); got != tt.want {
				t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}
