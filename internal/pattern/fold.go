package pattern

import (
	"unicode"
	"unicode/utf8"
)

// appendFolded appends s with every rune replaced by the smallest rune of its
// Unicode simple case-folding orbit, so two strings are equal ignoring case
// (in the sense of strings.EqualFold) exactly when their folded forms are
// byte-equal. Invalid UTF-8 bytes are copied unchanged. ASCII takes a fast
// path; no allocation happens when dst has room.
func appendFolded(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// The orbit minimum of an ASCII letter is its upper-case form
			// (even for 'k' and 's', whose orbits also hold U+212A and
			// U+017F), so ASCII stays ASCII.
			dst = append(dst, asciiFoldMin[c])
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, foldMin(r))
		i += size
	}
	return dst
}

// foldMin returns the smallest rune in r's simple case-folding orbit.
func foldMin(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

// asciiFoldMin is an immutable table mapping an ASCII byte to the smallest
// member of its folding orbit.
var asciiFoldMin = func() (t [utf8.RuneSelf]byte) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = byte(foldMin(rune(c)))
	}
	return t
}()

// foldString folds s for use as a lookup key at compile time.
func foldString(s string) string {
	return string(appendFolded(nil, []byte(s)))
}
