package sns

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscAmpersands(t *testing.T) {
	for _, s := range []string{strings.Repeat("&", 10000), strings.Repeat("a<", 5000), "abc"} {
		e := esc(s, 3000, "en")
		if utf8.RuneCountInString(e) > 3000 || (len(s) > 3 && utf8.RuneCountInString(e) < 2000) {
			t.Errorf("%d runes", utf8.RuneCountInString(e))
		}
	}
}
