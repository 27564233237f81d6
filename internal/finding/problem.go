package finding

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// problem is a message that belongs to one of the sentinel kinds (ErrSyntax,
// ErrTooLarge, ErrNotFinding) without repeating the kind's text.
type problem struct {
	kind error
	msg  string
}

func (p *problem) Error() string { return p.msg }
func (p *problem) Unwrap() error { return p.kind }

func problemf(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// fieldError is a finding field that is present but unusable. off is the
// byte offset inside the finding where the offending value starts, or -1;
// then field, when set, names the top-level attribute holding it.
type fieldError struct {
	off   int
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.msg }

// describeUnmarshalError turns an encoding/json error for the finding raw
// into "Id is a number, want a string" with the offset inside raw where the
// offending value starts.
func describeUnmarshalError(raw []byte, err error) *fieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the finding"
		}
		got := te.Value
		if v, ok := strings.CutPrefix(got, "number "); ok {
			got = "the number " + v
		} else {
			got = article(got)
		}
		off := valueStartAt(raw, span{0, len(raw)}, int(te.Offset))
		return &fieldError{off: off, msg: fmt.Sprintf("%s is %s, want %s", field, got, article(jsonKind(te.Type)))}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &fieldError{off: int(se.Offset), msg: se.Error()}
	}
	return &fieldError{off: -1, msg: err.Error()}
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "object"
	}
}

func article(noun string) string {
	if noun == "" {
		return noun
	}
	switch noun[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + noun
	}
	return "a " + noun
}

// valueStartAt returns where the innermost value holding the byte just
// before off starts, inside the valid JSON value v. encoding/json reports a
// type error after the offending scalar, or after the opening bracket of an
// offending array or object; this finds that value's first byte.
func valueStartAt(data []byte, v span, off int) int {
	pos := off - 1
	for {
		if pos <= v.start || (data[v.start] != '{' && data[v.start] != '[') {
			return v.start
		}
		var children []span
		if data[v.start] == '{' {
			for _, m := range members(data, v) {
				children = append(children, m.value)
			}
		} else {
			children = elements(data, v)
		}
		next, found := span{}, false
		for _, c := range children {
			if c.start <= pos && pos < c.end {
				next, found = c, true
				break
			}
		}
		if !found {
			return v.start
		}
		v = next
	}
}
