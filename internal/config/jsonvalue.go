package config

import (
	"strings"
	"unicode/utf8"
)

// jsonKind is the JSON type of a jsonValue.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is a pattern or filters document converted from YAML or read from
// a JSON string, keeping key order and where every value is written in the
// config file, so that a problem found at a path inside the pattern can be
// reported at its line and column.
type jsonValue struct {
	kind jsonKind
	pos  Position
	// text is the string value, the number exactly as written, or
	// "true"/"false".
	text  string
	keys  []string     // object keys, in order
	elems []*jsonValue // object values (parallel to keys) or array items
}

// appendJSON appends the value as compact JSON.
func (v *jsonValue) appendJSON(b []byte) []byte {
	switch v.kind {
	case jsonNull:
		return append(b, "null"...)
	case jsonBool, jsonNumber:
		return append(b, v.text...)
	case jsonString:
		return appendJSONString(b, v.text)
	case jsonArray:
		b = append(b, '[')
		for i, e := range v.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, k := range v.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = v.elems[i].appendJSON(b)
		}
		return append(b, '}')
	}
}

// appendJSONString appends s as a JSON string. Unlike encoding/json it does
// not escape <, > and &, so patterns read back as written; invalid UTF-8
// becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xF])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// at returns the value a path of object keys (string) and array indexes (int)
// leads to, or the deepest value on the way when the path leaves the
// document.
func (v *jsonValue) at(path []any) *jsonValue {
	cur := v
	for _, step := range path {
		next := cur.child(step)
		if next == nil {
			break
		}
		cur = next
	}
	return cur
}

func (v *jsonValue) child(step any) *jsonValue {
	switch s := step.(type) {
	case string:
		if v.kind == jsonObject {
			for i, k := range v.keys {
				if k == s {
					return v.elems[i]
				}
			}
		}
	case int:
		if v.kind == jsonArray && s >= 0 && s < len(v.elems) {
			return v.elems[s]
		}
	}
	return nil
}

// walk calls fn for every value with the object keys on the path from the
// root to it (array indexes are left out). fn must not keep keys.
func (v *jsonValue) walk(keys []string, fn func(keys []string, v *jsonValue)) {
	fn(keys, v)
	for i, e := range v.elems {
		if v.kind == jsonObject {
			e.walk(append(keys, v.keys[i]), fn)
		} else {
			e.walk(keys, fn)
		}
	}
}

// isJSONNumber reports whether s is a number as JSON writes it.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// describeJSON names a value's kind for messages.
func (v *jsonValue) describe() string {
	switch v.kind {
	case jsonNull:
		return "null"
	case jsonBool:
		return "true/false"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "a list"
	}
	return "an object"
}

// digitsOnly reports whether s is all ASCII digits.
func digitsOnly(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
