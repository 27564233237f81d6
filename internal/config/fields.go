package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// object is a YAML mapping read against a fixed set of keys.
type object struct {
	node ast.Node
	keys map[string]*ast.MappingValueNode
}

// has reports whether key is present with a non-null value.
func (o *object) has(key string) bool {
	pair := o.keys[key]
	return pair != nil && !isNull(pair.Value)
}

// value returns the value of key (nil when absent).
func (o *object) value(key string) ast.Node {
	if pair := o.keys[key]; pair != nil {
		return pair.Value
	}
	return nil
}

// key returns the key node of key (nil when absent).
func (o *object) key(key string) ast.Node {
	if pair := o.keys[key]; pair != nil {
		return pair.Key
	}
	return nil
}

// object reads a mapping at path, reporting keys outside allowed. A missing or
// null node reads as an empty mapping. ok is false when n is not a mapping.
func (l *loader) object(n ast.Node, path string, allowed ...string) (*object, bool) {
	o := &object{node: n, keys: map[string]*ast.MappingValueNode{}}
	if isNull(n) {
		return o, true
	}
	pairs, ok := mappingPairs(n)
	if !ok {
		l.errorf(n, "%s: want a mapping (key: value), got %s", describePath(path), kindOf(n))
		return o, false
	}
	for _, pair := range pairs {
		name, ok := keyText(pair.Key)
		if !ok {
			continue // reported by prepare
		}
		if _, dup := o.keys[name]; dup {
			continue // reported by prepare
		}
		if !contains(allowed, name) {
			l.errorf(pair.Key, "%s: unknown key %q%s", describePath(path), name, suggest(name, allowed))
			continue
		}
		o.keys[name] = pair
	}
	return o, true
}

func describePath(path string) string {
	if path == "" {
		return "config"
	}
	return path
}

// mappingPairs returns the key/value pairs of a mapping node.
func mappingPairs(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := unwrapTag(n).(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

// sequenceItems returns the items of a list node.
func sequenceItems(n ast.Node) ([]ast.Node, bool) {
	if v, ok := unwrapTag(n).(*ast.SequenceNode); ok {
		return v.Values, true
	}
	return nil, false
}

// unwrapTag returns the value under standard collection tags (!!map, !!seq).
func unwrapTag(n ast.Node) ast.Node {
	if t, ok := n.(*ast.TagNode); ok && t.Start != nil {
		switch t.Start.Value {
		case "!!map", "!!seq", "!!omap":
			return t.Value
		}
	}
	return n
}

func isNull(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// kindOf names the kind of a node for error messages, never its value (which
// may be a secret).
func kindOf(n ast.Node) string {
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "nothing (null)"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.AliasNode:
		return "an undefined alias"
	case *ast.TagNode:
		if v.Start != nil {
			return "a value tagged " + v.Start.Value
		}
	}
	return "an unsupported value"
}

// stringValue reads a string scalar. Numbers and booleans are not strings:
// the error says to quote them.
func (l *loader) stringValue(n ast.Node, path string) (string, bool) {
	if t, ok := n.(*ast.TagNode); ok && t.Start != nil && t.Start.Value == "!!str" {
		if s, ok := scalarText(t.Value); ok {
			return s, true
		}
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, !l.unresolved[v]
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, !l.unresolved[v.Value]
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		l.errorf(n, "%s: want a string, got %s; quote it", path, kindOf(n))
	default:
		l.errorf(n, "%s: want a string, got %s", path, kindOf(n))
	}
	return "", false
}

// scalarText returns the text of a scalar as written (for !!str).
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
	case ast.ScalarNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}

// requiredString reads a string that must be present and non-empty.
func (l *loader) requiredString(o *object, key, path string) (string, bool) {
	if !o.has(key) {
		l.missing(o, key, path)
		return "", false
	}
	s, ok := l.stringValue(o.value(key), path+"."+key)
	if ok && s == "" {
		l.errorf(o.value(key), "%s.%s: must not be empty", path, key)
		return "", false
	}
	return s, ok
}

// missing reports a required key that is absent or null.
func (l *loader) missing(o *object, key, path string) {
	if k := o.key(key); k != nil {
		l.errorf(k, "%s.%s: must not be empty", path, key)
		return
	}
	l.errorf(o.node, "%s: missing required key %q", describePath(path), key)
}

func (l *loader) boolValue(n ast.Node, path string) (bool, bool) {
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value, true
	}
	l.errorf(n, "%s: want true or false, got %s", path, kindOf(n))
	return false, false
}

func (l *loader) intValue(n ast.Node, path string) (int, bool) {
	if v, ok := n.(*ast.IntegerNode); ok && v.Token != nil {
		if i, err := strconv.Atoi(v.Token.Value); err == nil {
			return i, true
		}
		l.errorf(n, "%s: want a whole number in decimal", path)
		return 0, false
	}
	l.errorf(n, "%s: want a whole number, got %s", path, kindOf(n))
	return 0, false
}

// durationValue reads a duration such as 30s, 5m, 1h30m, 2d or 1w.
func (l *loader) durationValue(n ast.Node, path string) (time.Duration, bool) {
	if _, ok := n.(*ast.IntegerNode); ok {
		l.errorf(n, "%s: a duration needs a unit, as in 30s, 5m, 1h or 1d", path)
		return 0, false
	}
	s, ok := l.stringValue(n, path)
	if !ok {
		return 0, false
	}
	d, err := parseDuration(s)
	if err != nil {
		l.errorf(n, "%s: %v", path, err)
		return 0, false
	}
	return d, true
}

// stringList reads a list of strings, returning each with its node.
func (l *loader) stringList(n ast.Node, path string) ([]string, []ast.Node, bool) {
	items, ok := sequenceItems(n)
	if !ok {
		hint := ""
		if _, isString := n.(*ast.StringNode); isString {
			hint = "; write a one-item list as [name]"
		}
		l.errorf(n, "%s: want a list, got %s%s", path, kindOf(n), hint)
		return nil, nil, false
	}
	values := make([]string, 0, len(items))
	nodes := make([]ast.Node, 0, len(items))
	all := true
	for i, item := range items {
		s, ok := l.stringValue(item, fmt.Sprintf("%s[%d]", path, i))
		if !ok {
			all = false
			continue
		}
		values = append(values, s)
		nodes = append(nodes, item)
	}
	return values, nodes, all
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns ` (did you mean "x"?)` when a known name is close to name.
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	lower := strings.ToLower(name)
	for _, k := range known {
		d := editDistance(lower, strings.ToLower(k))
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// validName reports whether s is usable as a route, suppression or
// destination name: letters, digits, '-', '_' and '.', starting with a letter
// or digit, at most 100 characters.
func validName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case (r == '-' || r == '_' || r == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}

const nameRule = "use letters, digits, '-', '_' and '.' (starting with a letter or digit), at most 100 characters"
