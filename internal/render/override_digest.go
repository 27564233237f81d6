package render

import (
	"slices"
	"text/template/parse"
)

// readsField reports whether any of the template t's trees (its own and
// those it defines) names the field name of its data: .Digest, $.Digest,
// (…).Digest. An override template that never reads .Digest was written
// for single findings, so digests keep the built-in digest body.
func readsField(t *Template, name string) bool {
	var trees []*parse.Tree
	if t.html != nil {
		for _, tt := range t.html.Templates() {
			trees = append(trees, tt.Tree)
		}
	} else {
		for _, tt := range t.text.Templates() {
			trees = append(trees, tt.Tree)
		}
	}
	for _, tree := range trees {
		if tree != nil && nodeReadsField(tree.Root, name) {
			return true
		}
	}
	return false
}

// nodeReadsField walks one parse tree node.
func nodeReadsField(n parse.Node, name string) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, child := range n.Nodes {
			if nodeReadsField(child, name) {
				return true
			}
		}
	case *parse.ActionNode:
		return nodeReadsField(n.Pipe, name)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, cmd := range n.Cmds {
			if nodeReadsField(cmd, name) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			if nodeReadsField(arg, name) {
				return true
			}
		}
	case *parse.FieldNode:
		return slices.Contains(n.Ident, name)
	case *parse.VariableNode:
		return slices.Contains(n.Ident, name)
	case *parse.ChainNode:
		return slices.Contains(n.Field, name) || nodeReadsField(n.Node, name)
	case *parse.IfNode:
		return branchReadsField(&n.BranchNode, name)
	case *parse.RangeNode:
		return branchReadsField(&n.BranchNode, name)
	case *parse.WithNode:
		return branchReadsField(&n.BranchNode, name)
	case *parse.TemplateNode:
		return nodeReadsField(n.Pipe, name)
	}
	return false
}

func branchReadsField(b *parse.BranchNode, name string) bool {
	return nodeReadsField(b.Pipe, name) || nodeReadsField(b.List, name) || nodeReadsField(b.ElseList, name)
}
