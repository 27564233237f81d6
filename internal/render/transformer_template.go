package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxInputTemplate is the longest InputTemplate EventBridge accepts, in characters.
const maxInputTemplate = 8192

// segment is one piece of a compiled InputTemplate: literal text, or a
// placeholder and where it sits.
type segment struct {
	literal  string
	name     string // placeholder name; empty for literal text
	variable int    // index into Transformer.variables
	inString bool   // the placeholder sits inside a JSON string of the template
	offset   int    // byte offset of the placeholder in the template, for errors
}

// scanTemplate splits an InputTemplate into literal text and placeholders.
// A placeholder is "<" name ">" where name is made of the characters allowed in
// InputPathsMap keys and predefined variable names ("A-Za-z0-9_-."); any other
// "<" (such as in "<br />") is literal text, because EventBridge cannot escape
// "<" and ">". It also tracks whether each placeholder is inside a JSON string,
// following quotes and backslash escapes.
func scanTemplate(template string) []segment {
	var segs []segment
	inString := false
	literalStart := 0
	for i := 0; i < len(template); {
		c := template[i]
		switch {
		case inString && c == '\\':
			i += 2
			continue
		case c == '"':
			inString = !inString
		case c == '<':
			end := placeholderEnd(template, i)
			if end < 0 {
				break
			}
			if literalStart < i {
				segs = append(segs, segment{literal: template[literalStart:i]})
			}
			segs = append(segs, segment{name: template[i+1 : end], inString: inString, offset: i})
			i = end + 1
			literalStart = i
			continue
		}
		i++
	}
	if literalStart < len(template) {
		segs = append(segs, segment{literal: template[literalStart:]})
	}
	return segs
}

// placeholderEnd returns the index of the ">" closing a placeholder that
// starts at the "<" at i, or -1 when the "<" does not start one.
func placeholderEnd(s string, i int) int {
	j := i + 1
	for j < len(s) && isPlaceholderNameByte(s[j]) {
		j++
	}
	if j == i+1 || j >= len(s) || s[j] != '>' {
		return -1
	}
	return j
}

func isPlaceholderNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// position converts a byte offset of s into a 1-based line and column
// (counted in characters) for error messages.
func position(s string, offset int) (line, col int) {
	if offset > len(s) {
		offset = len(s)
	}
	before := s[:offset]
	line = 1 + strings.Count(before, "\n")
	lastLine := before[strings.LastIndexByte(before, '\n')+1:]
	return line, utf8.RuneCountInString(lastLine) + 1
}

// isJSONTemplate reports whether the template is JSON once its placeholders
// are filled in, and returns an error when a JSON template uses a placeholder
// where EventBridge forbids it (as an object key, or a whole-event variable
// inside a string). It fills every placeholder with a marker string and parses
// the result, so it applies the same JSON rules the output must follow.
func isJSONTemplate(template string, segs []segment) (bool, error) {
	open, closeMark := markerRunes(template)
	var probe strings.Builder
	for i, s := range segs {
		if s.name == "" {
			probe.WriteString(s.literal)
			continue
		}
		if !s.inString {
			probe.WriteByte('"')
		}
		fmt.Fprintf(&probe, "%c%d%c", open, i, closeMark)
		if !s.inString {
			probe.WriteByte('"')
		}
	}
	root, err := parseJSON([]byte(probe.String()))
	if err != nil {
		return false, nil
	}
	if key, ok := markedKey(root, open); ok {
		s := segs[markerIndex(key, open, closeMark)]
		line, col := position(template, s.offset)
		return true, fmt.Errorf("InputTemplate: placeholder <%s> at line %d, column %d is used as an object key, which EventBridge does not allow", s.name, line, col)
	}
	for _, s := range segs {
		if s.inString && (s.name == varEvent || s.name == varEventJSON) {
			line, col := position(template, s.offset)
			return true, fmt.Errorf("InputTemplate: <%s> at line %d, column %d is inside a string; it can only be used as the value of a JSON field", s.name, line, col)
		}
	}
	return true, nil
}

// markerRunes picks two private-use characters that do not occur in the
// template, to mark placeholders in the probe.
func markerRunes(template string) (rune, rune) {
	r := rune(0xE000)
	for strings.ContainsRune(template, r) || strings.ContainsRune(template, r+1) {
		r += 2
	}
	return r, r + 1
}

// markedKey returns the first object key in v that contains a marker.
func markedKey(v *jsonValue, open rune) (string, bool) {
	switch v.kind {
	case jsonObject:
		for _, m := range v.members {
			if strings.ContainsRune(m.key, open) {
				return m.key, true
			}
			if k, ok := markedKey(m.value, open); ok {
				return k, true
			}
		}
	case jsonArray:
		for _, item := range v.items {
			if k, ok := markedKey(item, open); ok {
				return k, true
			}
		}
	}
	return "", false
}

// markerIndex extracts the segment index from the first marker in key.
func markerIndex(key string, open, closeMark rune) int {
	start := strings.IndexRune(key, open) + utf8.RuneLen(open)
	n := 0
	for _, r := range key[start:] {
		if r == closeMark {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
