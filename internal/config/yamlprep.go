package config

import (
	"github.com/goccy/go-yaml/ast"
)

// Limits that keep a hostile or broken file from exhausting memory or stack.
const (
	maxDepth         = 100     // nesting of mappings and lists
	maxExpandedNodes = 1 << 20 // nodes after expanding aliases
)

// prepare walks the document once, in order: it replaces anchors by their
// values and aliases by the value they name (so later walks and
// Settings.Decode see plain trees), reports duplicate keys, merge keys,
// complex keys and excessive nesting, and bounds the size aliases expand to.
func (l *loader) prepare(root ast.Node) ast.Node {
	p := &preparer{l: l, anchors: map[string]ast.Node{}, size: map[ast.Node]int{}}
	root, total := p.node(root, 0)
	if total > maxExpandedNodes {
		l.errorf(root, "aliases expand this file to more than %d values; use fewer aliases", maxExpandedNodes)
	}
	return root
}

type preparer struct {
	l       *loader
	anchors map[string]ast.Node
	size    map[ast.Node]int // expanded size of every node already walked
}

// node returns the node to use in place of n and its expanded size.
func (p *preparer) node(n ast.Node, depth int) (ast.Node, int) {
	if n == nil {
		return nil, 1
	}
	if depth > maxDepth {
		p.l.errorf(n, "nested more than %d levels deep", maxDepth)
		return n, 1
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		value, size := p.node(v.Value, depth)
		if v.Name != nil && v.Name.GetToken() != nil {
			p.anchors[v.Name.GetToken().Value] = value
		}
		if value == nil {
			return n, size
		}
		return value, size
	case *ast.AliasNode:
		name := ""
		if v.Value != nil && v.Value.GetToken() != nil {
			name = v.Value.GetToken().Value
		}
		target, ok := p.anchors[name]
		if !ok || target == nil {
			p.l.errorf(n, "alias *%s does not name an anchor (&%s) defined before it", name, name)
			return n, 1
		}
		return target, p.size[target]
	case *ast.MappingNode:
		total := 1
		seen := make(map[string]ast.Node, len(v.Values))
		for _, pair := range v.Values {
			total += p.pair(pair, seen, depth)
		}
		p.size[n] = total
		return n, total
	case *ast.MappingValueNode:
		total := 1 + p.pair(v, map[string]ast.Node{}, depth)
		p.size[n] = total
		return n, total
	case *ast.SequenceNode:
		total := 1
		for i, item := range v.Values {
			var size int
			v.Values[i], size = p.node(item, depth+1)
			total += size
		}
		p.size[n] = total
		return n, total
	case *ast.TagNode:
		var size int
		v.Value, size = p.node(v.Value, depth)
		p.size[n] = size
		return n, size
	default:
		p.size[n] = 1
		return n, 1
	}
}

// pair checks one key of a mapping and prepares its value.
func (p *preparer) pair(pair *ast.MappingValueNode, seen map[string]ast.Node, depth int) int {
	if pair == nil {
		return 0
	}
	switch key := pair.Key.(type) {
	case *ast.MergeKeyNode:
		p.l.errorf(key, "merge keys (<<) are not supported: write the keys out")
	case *ast.MappingKeyNode:
		p.l.errorf(key, "complex mapping keys (?) are not supported")
	default:
		if k, ok := pair.Key.(*ast.StringNode); ok {
			k.Value = p.l.mask.restore(k.Value)
		}
		if text, ok := keyText(pair.Key); ok {
			if first, dup := seen[text]; dup {
				fp := p.l.pos(first)
				p.l.errorf(pair.Key, "duplicate key %q (first at line %d)", text, fp.Line)
			} else {
				seen[text] = pair.Key
			}
		} else {
			p.l.errorf(pair.Key, "a mapping key must be a plain value")
		}
	}
	var size int
	pair.Value, size = p.node(pair.Value, depth+1)
	return size
}

// keyText returns the text of a scalar mapping key.
func keyText(k ast.Node) (string, bool) {
	switch v := k.(type) {
	case *ast.MergeKeyNode, *ast.MappingKeyNode:
		return "", false
	case *ast.StringNode:
		return v.Value, true
	case *ast.TagNode:
		return keyText(v.Value)
	case *ast.NullNode:
		if v.Token != nil {
			return v.Token.Value, true
		}
		return "null", true
	case ast.ScalarNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}
