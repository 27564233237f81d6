package finding

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The functions in this file walk JSON that valueEnd has already accepted, so
// they skip the grammar checks and never fail.

// span is a half-open byte range [start, end) of the input.
type span struct{ start, end int }

// skipValue returns the offset just past the valid JSON value at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	default: // number or literal: letters, digits, sign, point, exponent
		for i < len(data) {
			c := data[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '-' || c == '.') {
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the offset just past the valid string literal at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// member is one name/value pair of a JSON object.
type member struct {
	key   []byte // the raw key literal without its quotes (escapes not decoded)
	value span
}

// name returns the decoded key (invalid UTF-8 becomes U+FFFD, as in
// encoding/json).
func (m member) name() string {
	if bytes.IndexByte(m.key, '\\') < 0 && utf8.Valid(m.key) {
		return string(m.key)
	}
	var s string
	quoted := make([]byte, 0, len(m.key)+2)
	quoted = append(append(append(quoted, '"'), m.key...), '"')
	if json.Unmarshal(quoted, &s) != nil {
		return string(m.key)
	}
	return s
}

// exact returns the key's bytes decoded: the raw literal itself unless it
// holds an escape.
func (m member) exact() []byte {
	if bytes.IndexByte(m.key, '\\') < 0 {
		return m.key
	}
	return []byte(m.name())
}

// is reports whether the decoded key equals name exactly (case-sensitive, as
// EventBridge compares field names).
func (m member) is(name string) bool {
	if bytes.IndexByte(m.key, '\\') < 0 {
		return string(m.key) == name
	}
	return m.name() == name
}

// members lists the members of the valid JSON object at data[obj.start:obj.end].
func members(data []byte, obj span) []member {
	out := make([]member, 0, 16)
	eachMember(data, obj, func(m member) bool {
		out = append(out, m)
		return true
	})
	return out
}

// eachMember calls fn for every member of the valid JSON object at
// data[obj.start:obj.end], in order, until fn returns false.
func eachMember(data []byte, obj span, fn func(member) bool) {
	i := skipSpace(data, obj.start+1)
	for i < obj.end && data[i] == '"' {
		keyEnd := skipString(data, i)
		key := data[i+1 : keyEnd-1]
		i = skipSpace(data, keyEnd)
		i = skipSpace(data, i+1) // past ':'
		valEnd := skipValue(data, i)
		if !fn(member{key: key, value: span{i, valEnd}}) {
			return
		}
		i = skipSpace(data, valEnd)
		if i < obj.end && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
}

// lookup returns the value of the last member called name (the one
// encoding/json would keep when a key repeats).
func lookup(ms []member, name string) (span, bool) {
	for k := len(ms) - 1; k >= 0; k-- {
		if ms[k].is(name) {
			return ms[k].value, true
		}
	}
	return span{}, false
}

// has reports whether the object has a member called name.
func has(ms []member, name string) bool {
	_, ok := lookup(ms, name)
	return ok
}

// elements lists the elements of the valid JSON array at data[arr.start:arr.end].
func elements(data []byte, arr span) []span {
	var out []span
	eachElement(data, arr, func(_ int, el span) bool {
		out = append(out, el)
		return true
	})
	return out
}

// eachElement calls fn for every element of the valid JSON array at
// data[arr.start:arr.end], with its index, until fn returns false.
func eachElement(data []byte, arr span, fn func(int, span) bool) {
	i := skipSpace(data, arr.start+1)
	for k := 0; i < arr.end && data[i] != ']'; k++ {
		end := skipValue(data, i)
		if !fn(k, span{i, end}) {
			return
		}
		i = skipSpace(data, end)
		if i < arr.end && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
}

// kindOf names the JSON type of the valid value starting at data[i].
func kindOf(data []byte, i int) string {
	switch data[i] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// unquote decodes the valid JSON string literal at data[v.start:v.end].
func unquote(data []byte, v span) string {
	lit := data[v.start+1 : v.end-1]
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit)
	}
	var s string
	if err := json.Unmarshal(data[v.start:v.end], &s); err != nil {
		return ""
	}
	return s
}
