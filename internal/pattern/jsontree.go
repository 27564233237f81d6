package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// jkind is the kind of a decoded pattern JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is a decoded pattern JSON value. Objects keep their members in
// document order with duplicate keys already resolved (the last one wins);
// numbers keep their literal text.
type jvalue struct {
	kind    jkind
	b       bool
	text    string // string contents or number literal
	elems   []*jvalue
	members []jmember
}

type jmember struct {
	key string
	val *jvalue
}

// describe renders a value for error messages: short and type-revealing.
func (v *jvalue) describe() string {
	switch v.kind {
	case jNull:
		return "null"
	case jBool:
		if v.b {
			return "true"
		}
		return "false"
	case jNumber:
		return v.text
	case jString:
		s := v.text
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("%q", s)
	case jArray:
		return "an array"
	default:
		return "an object"
	}
}

// maxPatternDepth bounds pattern nesting; EventBridge patterns are shallow and
// the bound keeps compilation time linear in the input.
const maxPatternDepth = 200

// decodePattern decodes pattern JSON into a jvalue tree. Syntax errors come
// back as *Error with the byte offset in the message.
func decodePattern(data []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, &Error{Msg: fmt.Sprintf("invalid JSON: unexpected data after the pattern object at offset %d", dec.InputOffset())}
		}
		return nil, syntaxError(dec, err)
	}
	return v, nil
}

func syntaxError(dec *json.Decoder, err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &Error{Msg: "invalid JSON: unexpected end of input"}
	}
	return &Error{Msg: fmt.Sprintf("invalid JSON at offset %d: %s", dec.InputOffset(), strings.TrimPrefix(err.Error(), "json: "))}
}

func decodeValue(dec *json.Decoder, depth int) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return decodeFrom(dec, tok, depth)
}

func decodeFrom(dec *json.Decoder, tok json.Token, depth int) (*jvalue, error) {
	if depth > maxPatternDepth {
		return nil, &Error{Msg: fmt.Sprintf("pattern nests deeper than %d levels", maxPatternDepth)}
	}
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		return &jvalue{kind: jBool, b: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, text: string(t)}, nil
	case string:
		return &jvalue{kind: jString, text: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &jvalue{kind: jArray}
			for dec.More() {
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.elems = append(v.elems, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '{':
			v := &jvalue{kind: jObject}
			index := map[string]int{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				if i, dup := index[key]; dup {
					v.members[i].val = e // duplicate key: the last one wins
					continue
				}
				index[key] = len(v.members)
				v.members = append(v.members, jmember{key: key, val: e})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// appendCanonical writes v as compact JSON with object keys sorted, numbers
// as written and strings escaped without HTML escaping.
func appendCanonical(b []byte, v *jvalue) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		if v.b {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case jNumber:
		return append(b, v.text...)
	case jString:
		return appendJSONString(b, v.text)
	case jArray:
		b = append(b, '[')
		for i, e := range v.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(b, e)
		}
		return append(b, ']')
	default:
		ms := make([]jmember, len(v.members))
		copy(ms, v.members)
		sort.Slice(ms, func(i, j int) bool { return ms[i].key < ms[j].key })
		b = append(b, '{')
		for i, m := range ms {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, m.key)
			b = append(b, ':')
			b = appendCanonical(b, m.val)
		}
		return append(b, '}')
	}
}

func appendJSONString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}
