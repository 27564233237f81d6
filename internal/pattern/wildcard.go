package pattern

import (
	"bytes"
	"fmt"
)

// wildcardPattern is a parsed wildcard: literal segments separated by '*'.
// A pattern "a*b*c" has segments ["a","b","c"]; leading/trailing stars give
// empty first/last segments.
type wildcardPattern struct {
	segments [][]byte
}

// parseWildcard parses the wildcard syntax of event-ruler: '*' matches any
// run of characters (including none), `\*` is a literal star, `\\` a literal
// backslash. Consecutive stars and any other escape are errors.
func parseWildcard(s string) (wildcardPattern, error) {
	var segs [][]byte
	cur := []byte{}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return wildcardPattern{}, fmt.Errorf("consecutive wildcard characters at position %d", i)
			}
			segs = append(segs, cur)
			cur = []byte{}
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur = append(cur, s[i+1])
				i++
				continue
			}
			return wildcardPattern{}, fmt.Errorf("invalid escape at position %d: only \\* and \\\\ are allowed", i)
		default:
			cur = append(cur, c)
		}
	}
	segs = append(segs, cur)
	return wildcardPattern{segments: segs}, nil
}

// match reports whether v matches the whole wildcard. Greedy-free: the first
// segment anchors at the start, the last at the end, and the middle segments
// are found leftmost-first, which is exact for '*'-only globs.
func (w wildcardPattern) match(v []byte) bool {
	segs := w.segments
	if len(segs) == 1 {
		return bytes.Equal(v, segs[0])
	}
	first, last := segs[0], segs[len(segs)-1]
	if len(v) < len(first)+len(last) || !bytes.HasPrefix(v, first) || !bytes.HasSuffix(v, last) {
		return false
	}
	rest := v[len(first) : len(v)-len(last)]
	for _, seg := range segs[1 : len(segs)-1] {
		k := bytes.Index(rest, seg)
		if k < 0 {
			return false
		}
		rest = rest[k+len(seg):]
	}
	return true
}
