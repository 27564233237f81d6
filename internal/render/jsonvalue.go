package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of an event so a hostile input cannot make
// the parser recurse without limit.
const maxJSONDepth = 512

// jsonKind is the type of one JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is a parsed JSON value that keeps object members in their input
// order, so values copied into a template come out as they went in.
type jsonValue struct {
	kind    jsonKind
	text    string       // bool "true"/"false", number literal, decoded string
	items   []*jsonValue // array elements
	members []jsonMember // object members in input order
}

// jsonMember is one key/value pair of an object.
type jsonMember struct {
	key   string
	value *jsonValue
}

// member returns the value of key in an object (the last one if the key is
// repeated, as encoding/json does), or nil.
func (v *jsonValue) member(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].key == key {
			return v.members[i].value
		}
	}
	return nil
}

// parseJSON parses one JSON value and rejects trailing data. Invalid UTF-8
// inside strings is replaced with U+FFFD, as encoding/json does.
func parseJSON(data []byte) (*jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, 0)
	if err != nil {
		return nil, jsonError(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the top-level value")
		}
		return nil, jsonError(dec, err)
	}
	return v, nil
}

// jsonError adds the byte offset to a decoding error.
func jsonError(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("unexpected end of JSON input at byte %d", dec.InputOffset())
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("invalid JSON at byte %d: %w", syntax.Offset, err)
	}
	return fmt.Errorf("invalid JSON at byte %d: %w", dec.InputOffset(), err)
}

func parseJSONValue(dec *json.Decoder, depth int) (*jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return parseJSONToken(dec, tok, depth)
}

func parseJSONToken(dec *json.Decoder, tok json.Token, depth int) (*jsonValue, error) {
	switch t := tok.(type) {
	case nil:
		return &jsonValue{kind: jsonNull}, nil
	case bool:
		if t {
			return &jsonValue{kind: jsonBool, text: "true"}, nil
		}
		return &jsonValue{kind: jsonBool, text: "false"}, nil
	case json.Number:
		return &jsonValue{kind: jsonNumber, text: string(t)}, nil
	case string:
		return &jsonValue{kind: jsonString, text: t}, nil
	case json.Delim:
		if depth >= maxJSONDepth {
			return nil, fmt.Errorf("nesting deeper than %d levels", maxJSONDepth)
		}
		if t == '[' {
			return parseJSONArray(dec, depth+1)
		}
		if t == '{' {
			return parseJSONObject(dec, depth+1)
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	default:
		return nil, fmt.Errorf("unexpected token %v", tok)
	}
}

func parseJSONArray(dec *json.Decoder, depth int) (*jsonValue, error) {
	arr := &jsonValue{kind: jsonArray}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			return arr, nil
		}
		item, err := parseJSONToken(dec, tok, depth)
		if err != nil {
			return nil, err
		}
		arr.items = append(arr.items, item)
	}
}

func parseJSONObject(dec *json.Decoder, depth int) (*jsonValue, error) {
	obj := &jsonValue{kind: jsonObject}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return obj, nil
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is %v, not a string", tok)
		}
		val, err := parseJSONValue(dec, depth)
		if err != nil {
			return nil, err
		}
		obj.members = append(obj.members, jsonMember{key: key, value: val})
	}
}

// appendJSON appends v as compact JSON.
func (v *jsonValue) appendJSON(dst []byte) []byte {
	return v.appendJSONQuoted(dst, true)
}

// appendUnquotedJSON appends v as compact JSON without the quote marks that
// delimit strings and keys, so the result can sit inside a JSON string. This is
// what EventBridge does when an object or array lands inside a string:
// "removes any internal quotes to ensure a valid string". String contents stay
// escaped, so the result is always valid JSON string content.
func (v *jsonValue) appendUnquotedJSON(dst []byte) []byte {
	return v.appendJSONQuoted(dst, false)
}

func (v *jsonValue) appendJSONQuoted(dst []byte, quoted bool) []byte {
	switch v.kind {
	case jsonNull:
		return append(dst, "null"...)
	case jsonBool, jsonNumber:
		return append(dst, v.text...)
	case jsonString:
		if quoted {
			return appendJSONString(dst, v.text)
		}
		return appendJSONStringContent(dst, v.text)
	case jsonArray:
		dst = append(dst, '[')
		for i, item := range v.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = item.appendJSONQuoted(dst, quoted)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i, m := range v.members {
			if i > 0 {
				dst = append(dst, ',')
			}
			if quoted {
				dst = appendJSONString(dst, m.key)
			} else {
				dst = appendJSONStringContent(dst, m.key)
			}
			dst = append(dst, ':')
			dst = m.value.appendJSONQuoted(dst, quoted)
		}
		return append(dst, '}')
	}
}

// appendJSONString appends s as a JSON string literal, quotes included.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringContent(dst, s)
	return append(dst, '"')
}

// appendJSONStringContent appends s escaped for use between the quotes of a
// JSON string: quote, backslash and control characters are escaped, U+2028
// and U+2029 too (they end lines in JavaScript), and invalid UTF-8 becomes
// U+FFFD. Other characters, including non-ASCII text, are kept as they are.
func appendJSONStringContent(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}
