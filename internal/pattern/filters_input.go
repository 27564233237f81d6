package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// decodeFiltersJSON decodes filter JSON into generic values (objects as
// map[string]any, numbers as json.Number). Syntax errors come back as *Error
// with the byte offset.
func decodeFiltersJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonSyntaxError(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Msg: fmt.Sprintf("invalid JSON: unexpected data after the filters object at offset %d", dec.InputOffset())}
	}
	return v, nil
}

func jsonSyntaxError(dec *json.Decoder, err error) *Error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Msg: "invalid JSON: unexpected end of input"}
	case errors.As(err, &se):
		return &Error{Msg: fmt.Sprintf("invalid JSON at offset %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))}
	default:
		return &Error{Msg: fmt.Sprintf("invalid JSON at offset %d: %s", dec.InputOffset(), strings.TrimPrefix(err.Error(), "json: "))}
	}
}

// at returns path extended by one step, without sharing path's backing array.
func at(path []any, step any) []any {
	p := make([]any, len(path), len(path)+1)
	copy(p, path)
	return append(p, step)
}

// jsonType names the JSON type of a decoded value for error messages.
func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number (" + string(t) + ")"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}

// object checks that v is an object whose members are all in allowed and
// returns it. Unknown members are reported with the closest allowed name.
func object(v any, path []any, what string, allowed ...string) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errAt(path, "%s must be an object, got %s", what, jsonType(v))
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return nil, errAt(at(path, k), "unknown member %s in %s; allowed: %s%s",
				quoteInput(k), what, strings.Join(allowed, ", "), didYouMean(closestName(k, allowed)))
		}
	}
	return obj, nil
}

// optionalString reads a string member; present is false when it is absent
// or null.
func optionalString(obj map[string]any, key string, path []any) (s string, present bool, err error) {
	v, ok := obj[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok = v.(string)
	if !ok {
		hint := ""
		if _, isNum := v.(json.Number); isNum {
			hint = " (quote it)"
		}
		return "", false, errAt(at(path, key), "%s must be a string, got %s%s", key, jsonType(v), hint)
	}
	return s, true, nil
}

// requiredString reads a string member that must be present.
func requiredString(obj map[string]any, key string, path []any) (string, error) {
	s, ok, err := optionalString(obj, key, path)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errAt(at(path, key), "%s is required", key)
	}
	return s, nil
}

// optionalNumber reads a finite number member; present is false when it is
// absent or null. The literal text is kept for the pattern.
func optionalNumber(obj map[string]any, key string, path []any) (n number, present bool, err error) {
	v, ok := obj[key]
	if !ok || v == nil {
		return number{}, false, nil
	}
	lit, ok := v.(json.Number)
	if !ok {
		return number{}, false, errAt(at(path, key), "%s must be a number, got %s", key, jsonType(v))
	}
	f, perr := strconv.ParseFloat(string(lit), 64)
	if perr != nil || math.IsInf(f, 0) {
		return number{}, false, errAt(at(path, key), "%s is out of range: %s", key, lit)
	}
	return number{text: string(lit), value: f}, true, nil
}

// number is a JSON number with its literal text and its value.
type number struct {
	text  string
	value float64
}

// numberLiteral renders a number in pattern JSON exactly as it was written.
func numberLiteral(text string) json.Number { return json.Number(text) }

// maxQuotedInput bounds how much of a user's string an error message echoes.
const maxQuotedInput = 64

// quoteInput quotes a string from the input for an error message, cut
// short when long.
func quoteInput(s string) string {
	if r := []rune(s); len(r) > maxQuotedInput {
		return strconv.Quote(string(r[:maxQuotedInput])) + "…"
	}
	return strconv.Quote(s)
}
