package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// decodeObject decodes one JSON object, keeping numbers as json.Number so
// that they are written back unchanged.
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not valid JSON (byte %d): %v", se.Offset, se)
		}
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not valid JSON: more than one value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("got a JSON %s, want an object", kindOf(v))
	}
	return obj, nil
}

// encodeJSON writes v compactly without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// kindOf names the JSON type of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// field returns the member at a path of object keys, or nil.
func field(doc map[string]any, path ...string) any {
	var cur any = doc
	for _, k := range path {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

// stringField returns the string at a path, or "".
func stringField(doc map[string]any, path ...string) string {
	s, _ := field(doc, path...).(string)
	return s
}

// object returns the object at key, creating an empty one when the member
// is missing or not an object.
func object(doc map[string]any, key string) map[string]any {
	if obj, ok := doc[key].(map[string]any); ok {
		return obj
	}
	obj := map[string]any{}
	doc[key] = obj
	return obj
}

// values returns every leaf value found at a dotted path below v, looking
// through arrays at any level (as Security Hub filters and EventBridge
// patterns do).
func values(v any, path []string) []any {
	var out []any
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		if arr, ok := v.([]any); ok {
			for _, el := range arr {
				walk(el, path)
			}
			return
		}
		if len(path) == 0 {
			if v != nil {
				out = append(out, v)
			}
			return
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		next, ok := obj[path[0]]
		if !ok {
			return
		}
		walk(next, path[1:])
	}
	walk(v, path)
	return out
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = deepCopy(x)
		}
		return a
	default:
		return v
	}
}

// number is a JSON number member of a request, kept as text. Unlike
// json.Number it refuses strings with a type error that encoding/json
// labels with the member's name.
type number json.Number

// UnmarshalJSON accepts a JSON number only.
func (n *number) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		var v any
		_ = json.Unmarshal(b, &v)
		return &json.UnmarshalTypeError{Value: kindOf(v), Type: reflect.TypeFor[float64]()}
	}
	*n = number(b)
	return nil
}
