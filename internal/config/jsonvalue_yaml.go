package config

import (
	"github.com/goccy/go-yaml/ast"
)

// jsonFromYAML converts a YAML pattern to a jsonValue. Problems (numbers JSON
// cannot carry, unsupported tags, nesting) are reported; the result is nil
// when there were any.
func (l *loader) jsonFromYAML(n ast.Node, path string) *jsonValue {
	before := len(l.errs)
	v := l.yamlToJSON(n, path, 0)
	if len(l.errs) > before {
		return nil
	}
	return v
}

func (l *loader) yamlToJSON(n ast.Node, path string, depth int) *jsonValue {
	v := &jsonValue{pos: l.pos(n)}
	if depth > maxDepth {
		l.errorf(n, "%s: nested more than %d levels deep", path, maxDepth)
		return v
	}
	switch x := n.(type) {
	case nil, *ast.NullNode:
		v.kind = jsonNull
	case *ast.BoolNode:
		v.kind = jsonBool
		v.text = "false"
		if x.Value {
			v.text = "true"
		}
	case *ast.IntegerNode, *ast.FloatNode:
		v.kind = jsonNumber
		v.text = n.GetToken().Value
		if !isJSONNumber(v.text) {
			l.errorf(n, "%s: %s is not a number JSON can carry; quote it (\"%s\") if it is a string, or write the number in plain decimal", path, v.text, v.text)
		}
	case *ast.InfinityNode, *ast.NanNode:
		l.errorf(n, "%s: %s is not a number JSON can carry; quote it if it is a string", path, n.GetToken().Value)
	case *ast.StringNode:
		v.kind = jsonString
		v.text = x.Value
	case *ast.LiteralNode:
		v.kind = jsonString
		if x.Value != nil {
			v.text = x.Value.Value
		}
	case *ast.TagNode:
		return l.taggedToJSON(x, path, depth)
	case *ast.MappingNode:
		v.kind = jsonObject
		for _, pair := range x.Values {
			key, ok := keyText(pair.Key)
			if !ok {
				continue // reported by prepare
			}
			v.keys = append(v.keys, key)
			v.elems = append(v.elems, l.yamlToJSON(pair.Value, path, depth+1))
		}
	case *ast.MappingValueNode:
		v.kind = jsonObject
		if key, ok := keyText(x.Key); ok {
			v.keys = append(v.keys, key)
			v.elems = append(v.elems, l.yamlToJSON(x.Value, path, depth+1))
		}
	case *ast.SequenceNode:
		v.kind = jsonArray
		for _, item := range x.Values {
			v.elems = append(v.elems, l.yamlToJSON(item, path, depth+1))
		}
	case *ast.AliasNode:
		// An undefined alias, reported by prepare.
		v.kind = jsonNull
	default:
		l.errorf(n, "%s: %s cannot be part of a pattern", path, kindOf(n))
	}
	return v
}

// taggedToJSON converts a value carrying a YAML tag. !!str makes a string of
// any scalar; the other standard tags are accepted when they agree with the
// value; any other tag is an error.
func (l *loader) taggedToJSON(t *ast.TagNode, path string, depth int) *jsonValue {
	tag := ""
	if t.Start != nil {
		tag = t.Start.Value
	}
	switch tag {
	case "!!str":
		if s, ok := scalarText(t.Value); ok {
			return &jsonValue{kind: jsonString, text: s, pos: l.pos(t)}
		}
		l.errorf(t, "%s: !!str needs a plain value after it", path)
	case "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
		return l.yamlToJSON(t.Value, path, depth)
	default:
		l.errorf(t, "%s: the tag %s is not supported in patterns", path, tag)
	}
	return &jsonValue{pos: l.pos(t)}
}
