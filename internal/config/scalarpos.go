package config

import (
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// offsetMapper returns a function that maps a byte offset inside the string
// held by scalar node n to its position in the file. It is exact for literal
// block scalars (|) and for single-line scalars whose text appears verbatim in
// the file (no escapes); otherwise every offset maps to the start of the
// scalar.
func (l *loader) offsetMapper(n ast.Node) func(offset int) Position {
	start := l.pos(n)
	whole := func(int) Position { return start }
	switch v := n.(type) {
	case *ast.LiteralNode:
		if v.Value == nil || l.rewritten[v.Value] || v.Start == nil || !strings.HasPrefix(v.Start.Value, "|") {
			return whole
		}
		return l.blockMapper(v.Start.Position.Line, v.Value.Value, whole)
	case *ast.StringNode:
		if l.rewritten[v] || v.Token == nil || strings.Contains(v.Value, "\n") {
			return whole
		}
		return l.inlineMapper(v, start, whole)
	}
	return whole
}

// blockMapper maps offsets in the content of a literal block scalar whose
// header (|) is on headerLine: content line k is file line headerLine+1+k,
// indented by the block's indentation.
func (l *loader) blockMapper(headerLine int, content string, whole func(int) Position) func(int) Position {
	indent := -1
	for ln := headerLine + 1; ln <= headerLine+1+strings.Count(content, "\n"); ln++ {
		text := l.src.line(ln)
		if strings.TrimSpace(text) == "" {
			continue
		}
		indent = len(text) - len(strings.TrimLeft(text, " "))
		break
	}
	if indent < 0 {
		return whole
	}
	return func(offset int) Position {
		if offset < 0 || offset > len(content) {
			return whole(offset)
		}
		before := content[:offset]
		k := strings.Count(before, "\n")
		lineStart := strings.LastIndexByte(before, '\n') + 1
		col := indent + utf8.RuneCountInString(before[lineStart:]) + 1
		return l.position(headerLine+1+k, col)
	}
}

// inlineMapper maps offsets in a one-line scalar when its value is written
// verbatim in the file right after its opening quote (or at its start when
// plain).
func (l *loader) inlineMapper(v *ast.StringNode, start Position, whole func(int) Position) func(int) Position {
	line := []rune(l.src.line(start.Line))
	first := start.Column - 1 // rune index of the scalar's first character
	if v.Token.Type == token.SingleQuoteType || v.Token.Type == token.DoubleQuoteType {
		first++
	}
	value := []rune(v.Value)
	if first < 0 || first+len(value) > len(line) || string(line[first:first+len(value)]) != v.Value {
		return whole
	}
	return func(offset int) Position {
		if offset < 0 || offset > len(v.Value) {
			return whole(offset)
		}
		return l.position(start.Line, first+utf8.RuneCountInString(v.Value[:offset])+1)
	}
}
