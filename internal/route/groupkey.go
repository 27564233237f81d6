package route

import (
	"encoding/json"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// groupKey returns the digest key of a finding on a grouped route: the JSON
// array [route, value of each attribute...]; a multi-valued attribute is an
// array of its sorted values. JSON quoting makes the key unambiguous: no two
// different value lists give the same key.
func groupKey(route string, attrs []attribute, f *finding.Finding) string {
	b := appendJSONString(make([]byte, 0, 64), route)
	b = append([]byte{'['}, b...)
	for _, a := range attrs {
		b = append(b, ',')
		if a.one != nil {
			b = appendJSONString(b, a.one(f))
			continue
		}
		b = append(b, '[')
		for i, v := range a.values(f) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, v)
		}
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

func appendJSONString(b []byte, s string) []byte {
	quoted, err := json.Marshal(s)
	if err != nil {
		// Marshal cannot fail for a string: invalid UTF-8 becomes U+FFFD.
		return append(b, `""`...)
	}
	return append(b, quoted...)
}
