package config

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// settingsErrorMessage rewrites a strict-decoding error of the YAML library
// in the config's own terms: the setting's path as written in the file
// (destinations.NAME.TYPE.key) and what was expected, instead of Go type and
// struct field names. ok is false for errors it does not know.
func (s *Settings) settingsErrorMessage(err error, v any) (msg string, ok bool) {
	var te *yaml.TypeError
	if errors.As(err, &te) && te.Token != nil {
		rel, _, found := tokenPath(s.node, te.Token, "")
		if !found {
			return "", false
		}
		return s.path + rel + ": want " + describeWant(te.DstType) + ", got " + describeGot(te.SrcType), true
	}
	var oe *yaml.OverflowError
	if errors.As(err, &oe) && oe.Token != nil {
		rel, _, found := tokenPath(s.node, oe.Token, "")
		if !found {
			return "", false
		}
		return s.path + rel + ": " + oe.SrcNum + " is too large", true
	}
	var ue *yaml.UnknownFieldError
	if errors.As(err, &ue) && ue.Token != nil {
		_, parent, found := tokenPath(s.node, ue.Token, "")
		if !found {
			return "", false
		}
		key := ue.Token.Value
		if quoted, found := strings.CutPrefix(ue.Message, "unknown field "); found {
			if k, err := strconv.Unquote(quoted); err == nil {
				key = k
			}
		}
		return s.path + parent + ": unknown key " + strconv.Quote(key) + suggest(key, settingNames(reflect.TypeOf(v), parent)), true
	}
	return "", false
}

// tokenPath finds the key or value whose token is at tk's position below n
// and returns its path relative to n (".retries", ".headers.X-Key",
// ".to[2]") and the path of the mapping that holds it.
func tokenPath(n ast.Node, tk *token.Token, path string) (rel, parent string, found bool) {
	same := func(m ast.Node) bool {
		if m == nil {
			return false
		}
		t := m.GetToken()
		return t != nil && t.Position != nil && tk.Position != nil &&
			t.Position.Line == tk.Position.Line && t.Position.Column == tk.Position.Column
	}
	pairs := func(ps []*ast.MappingValueNode) (string, string, bool) {
		for _, pair := range ps {
			key, ok := keyText(pair.Key)
			if !ok {
				continue
			}
			here := path + "." + key
			if same(pair.Key) || same(pair.Value) {
				return here, path, true
			}
			if r, p, ok := tokenPath(pair.Value, tk, here); ok {
				return r, p, true
			}
		}
		return "", "", false
	}
	switch x := n.(type) {
	case *ast.MappingNode:
		return pairs(x.Values)
	case *ast.MappingValueNode:
		return pairs([]*ast.MappingValueNode{x})
	case *ast.SequenceNode:
		for i, item := range x.Values {
			here := path + "[" + strconv.Itoa(i) + "]"
			if same(item) {
				return here, path, true
			}
			if r, p, ok := tokenPath(item, tk, here); ok {
				return r, p, true
			}
		}
	case *ast.TagNode:
		return tokenPath(x.Value, tk, path)
	}
	return "", "", false
}

// settingNames returns the keys the settings type t accepts at path (as
// tokenPath returns it), for suggestions: the yaml (else json) tag names of
// the struct found there, or nil when there is no struct.
func settingNames(t reflect.Type, path string) []string {
	t = structAt(t, path)
	if t == nil {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, inline := fieldKey(f)
		switch {
		case inline:
			names = append(names, settingNames(f.Type, "")...)
		case f.IsExported() && name != "-":
			names = append(names, name)
		}
	}
	return names
}

// structAt follows path (".a.b[0].c") through structs, pointers, slices and
// maps of t and returns the struct type found at its end, or nil.
func structAt(t reflect.Type, path string) reflect.Type {
	for t != nil {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if path == "" {
			if t.Kind() != reflect.Struct {
				return nil
			}
			return t
		}
		if strings.HasPrefix(path, "[") {
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil
			}
			path = path[end+1:]
			continue
		}
		path = strings.TrimPrefix(path, ".")
		end := strings.IndexAny(path, ".[")
		if end < 0 {
			end = len(path)
		}
		seg := path[:end]
		path = path[end:]
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			t = fieldType(t, seg)
		default:
			return nil
		}
	}
	return nil
}

// fieldType returns the type of the field of struct t that key names.
func fieldType(t reflect.Type, key string) reflect.Type {
	for i := range t.NumField() {
		f := t.Field(i)
		name, inline := fieldKey(f)
		if inline {
			if ft := fieldType(derefStruct(f.Type), key); ft != nil {
				return ft
			}
			continue
		}
		if f.IsExported() && name == key {
			return f.Type
		}
	}
	return nil
}

func derefStruct(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return reflect.TypeOf(struct{}{})
	}
	return t
}

// fieldKey returns the key a struct field is written as, the way the YAML
// library reads it: the yaml tag, else the json tag, else the lower-cased
// field name; inline reports an embedded field whose keys are its own.
func fieldKey(f reflect.StructField) (name string, inline bool) {
	tag := f.Tag.Get("yaml")
	if tag == "" {
		tag = f.Tag.Get("json")
	}
	parts := strings.Split(tag, ",")
	name = parts[0]
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	for _, opt := range parts[1:] {
		if opt == "inline" {
			inline = true
		}
	}
	return name, inline
}

var durationType = reflect.TypeOf(time.Duration(0))

// describeWant names what a setting of type t must be written as.
func describeWant(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	if t == durationType {
		return "a duration such as 30s or 5m"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "another kind of value"
}

// describeGot names the kind of value the decoder found, of Go type t.
func describeGot(t reflect.Type) string {
	if t == nil {
		return "null"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "another kind of value"
}
