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

// jsonDuplicate is a key written twice in one object of a JSON text. As in
// EventBridge (and encoding/json), the later value replaces the earlier one.
type jsonDuplicate struct {
	path  string   // the key's path in the document, dot-separated ("" for an empty top-level key)
	at    Position // the later key
	first Position // the earlier key
}

// jsonFromText reads a JSON document, recording where each value starts with
// at (which maps a byte offset in text to a file position). A key written
// twice in one object keeps its last value, as EventBridge does with pasted
// patterns; each such key is returned so the caller can warn about it.
func jsonFromText(text string, at func(offset int) Position) (*jsonValue, []jsonDuplicate, error) {
	r := &jsonTextReader{text: text, at: at, dec: json.NewDecoder(strings.NewReader(text))}
	r.dec.UseNumber()
	v, err := r.value(0, "")
	if err != nil {
		return nil, nil, err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, nil, &jsonTextError{offset: r.start(), msg: "unexpected text after the JSON value"}
	}
	return v, r.duplicates, nil
}

type jsonTextReader struct {
	text       string
	at         func(int) Position
	dec        *json.Decoder
	duplicates []jsonDuplicate
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

// value reads one value; path is where it sits in the document.
func (r *jsonTextReader) value(depth int, path string) (*jsonValue, error) {
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
			if err := r.members(v, depth, path); err != nil {
				return nil, err
			}
		case '[':
			v.kind = jsonArray
			for r.dec.More() {
				e, err := r.value(depth+1, fmt.Sprintf("%s[%d]", path, len(v.elems)))
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

// members reads the members of the object v, which sits at path.
func (r *jsonTextReader) members(v *jsonValue, depth int, path string) error {
	type seenKey struct {
		index int      // in v.keys and v.elems
		pos   Position // where the key was last written
	}
	seen := map[string]seenKey{}
	for r.dec.More() {
		tok, off, err := r.token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return &jsonTextError{offset: off, msg: "invalid JSON: want an object key"}
		}
		keyPath := key
		if path != "" {
			keyPath = path + "." + key
		}
		e, err := r.value(depth+1, keyPath)
		if err != nil {
			return err
		}
		if first, dup := seen[key]; dup {
			at := r.at(off)
			r.duplicates = append(r.duplicates, jsonDuplicate{path: keyPath, at: at, first: first.pos})
			v.elems[first.index] = e
			seen[key] = seenKey{index: first.index, pos: at}
			continue
		}
		seen[key] = seenKey{index: len(v.keys), pos: r.at(off)}
		v.keys = append(v.keys, key)
		v.elems = append(v.elems, e)
	}
	return nil
}
