package jira

import (
	"slices"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// labels returns the configured labels made valid for Jira, in order,
// without duplicates.
func (c *Config) labels() []string {
	var out []string
	for _, l := range c.Labels {
		if s := sanitizeLabel(l); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// maxLabel is the longest label Jira stores.
const maxLabel = 255

// sanitizeLabel makes s a Jira label: valid UTF-8, no control characters,
// each run of white space replaced by "_" (Jira splits labels at spaces),
// trimmed of "_" at the ends and cut to 255 characters.
func sanitizeLabel(s string) string {
	s = render.RepairUTF8(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte('_')
		}
		space = false
		b.WriteRune(r)
	}
	return cutRunes(strings.Trim(b.String(), "_"), maxLabel)
}

// cutRunes cuts s to at most n runes without a marker.
func cutRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
