package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonTextError is a problem in a JSON pattern string, at a byte offset in it.
type jsonTextError struct {
	offset int
	msg    string
}

func (e *jsonTextError) Error() string { return e.msg }

// jsonFromText reads a JSON document, recording where each value starts with
// at (which maps a byte offset in text to a file position). Duplicate keys
// are errors.
func jsonFromText(text string, at func(offset int) Position) (*jsonValue, error) {
	r := &jsonTextReader{text: text, at: at, dec: json.NewDecoder(strings.NewReader(text))}
	r.dec.UseNumber()
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, &jsonTextError{offset: r.start(), msg: "unexpected text after the JSON value"}
	}
	return v, nil
}

type jsonTextReader struct {
	text string
	at   func(int) Position
	dec  *json.Decoder
}

// start returns the offset where the next token begins: after the end of the
// previous token, skipping white space and the separators ',' and ':'.
func (r *jsonTextReader) start() int {
	i := int(r.dec.InputOffset())
	for i < len(r.text) {
		switch r.text[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func (r *jsonTextReader) token() (json.Token, int, error) {
	off := r.start()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, off, r.syntaxError(err, off)
	}
	return tok, off, nil
}

func (r *jsonTextReader) syntaxError(err error, off int) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		o := int(se.Offset)
		if o > 0 {
			o-- // Offset counts the byte that failed; point at it
		}
		return &jsonTextError{offset: min(o, len(r.text)), msg: "invalid JSON: " + se.Error()}
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonTextError{offset: len(r.text), msg: "invalid JSON: unexpected end of the text"}
	}
	return &jsonTextError{offset: off, msg: "invalid JSON: " + err.Error()}
}

func (r *jsonTextReader) value(depth int) (*jsonValue, error) {
	tok, off, err := r.token()
	if err != nil {
		return nil, err
	}
	if depth > maxDepth {
		return nil, &jsonTextError{offset: off, msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	v := &jsonValue{pos: r.at(off)}
	switch t := tok.(type) {
	case nil:
		v.kind = jsonNull
	case bool:
		v.kind = jsonBool
		v.text = fmt.Sprint(t)
	case json.Number:
		v.kind = jsonNumber
		v.text = t.String()
	case string:
		v.kind = jsonString
		v.text = t
	case json.Delim:
		switch t {
		case '{':
			v.kind = jsonObject
			if err := r.members(v, depth); err != nil {
				return nil, err
			}
		case '[':
			v.kind = jsonArray
			for r.dec.More() {
				e, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.elems = append(v.elems, e)
			}
		}
		if _, _, err := r.token(); err != nil { // the closing delimiter
			return nil, err
		}
	}
	return v, nil
}

func (r *jsonTextReader) members(v *jsonValue, depth int) error {
	seen := map[string]bool{}
	for r.dec.More() {
		tok, off, err := r.token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return &jsonTextError{offset: off, msg: "invalid JSON: want an object key"}
		}
		if seen[key] {
			return &jsonTextError{offset: off, msg: fmt.Sprintf("duplicate key %q", key)}
		}
		seen[key] = true
		e, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		v.keys = append(v.keys, key)
		v.elems = append(v.elems, e)
	}
	return nil
}
