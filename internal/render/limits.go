package render

import "unicode/utf8"

// UTF16Len returns the length of s in UTF-16 code units: a character outside
// the BMP (such as most emoji) counts twice. Destinations running on the JVM
// or in JavaScript (Backlog, Jira, GitHub) count characters this way or
// fewer, so text within a limit measured here is accepted whichever way the
// service counts. Invalid UTF-8 bytes count one each (as U+FFFD). Called by
// notifiers while fitting text to a limit; pure, so safe for concurrent use.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// FitUTF16 returns s cut so that its UTF-16 length (UTF16Len) is at most
// max, never splitting a character, ending with Truncate's visible
// "(truncated)" marker in lang when anything was cut; it returns "" when
// not even the marker fits. Text that fits is returned unchanged. The cut
// starts at max characters and shortens by the excess until it fits, so
// with characters outside the BMP it may keep fewer than would fit.
// Called by notifiers for fields with a service-side length limit; pure,
// so safe for concurrent use.
func FitUTF16(s string, max int, lang Language) string {
	if len(s) <= max || UTF16Len(s) <= max {
		return s
	}
	runes := max
	for runes > 0 {
		t := Truncate(s, runes, lang)
		excess := UTF16Len(t) - max
		if excess <= 0 {
			return t
		}
		runes -= excess
	}
	return ""
}

// Clip shortens one field to at most max characters (runes) with
// Truncate's marker in lang; max <= 0 empties it. Unlike Truncate, text that
// fits is returned byte for byte, invalid UTF-8 included. Called by
// notifiers to cap single fields of a finding; pure, so safe for concurrent
// use.
func Clip(s string, max int, lang Language) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return Truncate(s, max, lang)
}
