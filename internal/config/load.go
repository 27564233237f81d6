package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads and checks the config file at path. It returns every problem as
// an ErrorList of "FILE:LINE:COL: what is wrong" errors, or a wrapped I/O error
// when the file cannot be read. It is safe to call from several goroutines.
func Load(path string, opts ...Option) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data, opts...)
}

// Parse checks config data as if read from the file name; name is used in
// error positions and as the base of relative ${file:PATH} references. It
// returns every problem as an ErrorList. It never panics on bad input and is
// safe to call from several goroutines.
func Parse(name string, data []byte, opts ...Option) (*Config, error) {
	l := &loader{
		file:       name,
		dir:        filepath.Dir(name),
		src:        newSourceText(data),
		opts:       newOptions(opts),
		rewritten:  make(map[*ast.StringNode]bool),
		unresolved: make(map[*ast.StringNode]bool),
	}
	cfg := l.load(data)
	if len(l.errs) > 0 {
		return nil, l.scrubbedErrors()
	}
	cfg.warnings = l.warningStrings()
	cfg.secrets = l.allSecrets()
	return cfg, nil
}

// loader holds the state of one Parse call: the file, its source lines, the
// problems found so far and the secrets resolved.
type loader struct {
	// top is the document's top-level mapping, once decodeConfig read it.
	top     *object
	file    string
	dir     string
	src     *sourceText
	opts    options
	errs    ErrorList
	warns   ErrorList
	secrets []string
	// keySecrets holds the values of keys that are secrets whatever the
	// form they are written in (sources.http.api_key, ...), so that a
	// value written out in the file is treated like a resolved reference.
	keySecrets []string
	rewritten  map[*ast.StringNode]bool
	// unresolved holds strings with a secret reference that failed; their
	// problem is already reported, so they are not checked further.
	unresolved map[*ast.StringNode]bool
	// mask maps the placeholders parse put in for secret references back
	// to the references.
	mask *refMask
}

func (l *loader) load(data []byte) *Config {
	root := l.parse(data)
	if len(l.errs) > 0 {
		return nil
	}
	if root != nil {
		root = l.prepare(root)
		l.resolveSecrets(root)
	}
	return l.decodeConfig(root)
}

// parse parses the YAML text into one document body (nil for an empty file).
func (l *loader) parse(data []byte) (root ast.Node) {
	defer func() {
		// The YAML parser is third-party code; a panic in it must not take
		// the caller down with it.
		if r := recover(); r != nil {
			root = nil
			l.errorAt(Position{File: l.file, Line: 1, Column: 1}, "cannot parse YAML: the parser failed on this input")
		}
	}()
	masked, mask := maskReferences(data)
	l.mask = mask
	file, err := parser.ParseBytes(masked, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		l.syntaxError(err)
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		return nil
	}
	for _, extra := range docs[1:] {
		l.errorf(extra.Body, "a config file holds one YAML document; remove the \"---\" and everything after it, or merge the documents")
	}
	return docs[0].Body
}

func (l *loader) syntaxError(err error) {
	var yerr yaml.Error
	if !errors.As(err, &yerr) || yerr.GetToken() == nil {
		l.errorAt(Position{File: l.file, Line: 1, Column: 1}, "invalid YAML: %s", firstLine(err.Error()))
		return
	}
	tk := yerr.GetToken()
	pos := l.position(tk.Position.Line, tk.Position.Column)
	msg := "invalid YAML: " + l.mask.restore(yerr.GetMessage())
	if line := l.src.line(pos.Line); strings.Contains(line, "${") && strings.ContainsAny(line, "{[") {
		msg += ` (inside {...} or [...], quote a value that starts with "${"; secret references are written ${env:NAME} or ${file:PATH})`
	}
	l.errorAt(pos, "%s", msg)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// position builds a Position, clamping line and column to at least 1.
func (l *loader) position(line, col int) Position {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	return Position{File: l.file, Line: line, Column: col}
}

// pos returns the position of node n.
func (l *loader) pos(n ast.Node) Position {
	line, col := nodeLineCol(n)
	return l.position(line, col)
}

func (l *loader) newError(p Position, msg string) *Error {
	return &Error{Pos: p, Msg: msg, source: l.src.line(p.Line)}
}

func (l *loader) errorAt(p Position, format string, args ...any) {
	l.errs = append(l.errs, l.newError(p, fmt.Sprintf(format, args...)))
}

func (l *loader) errorf(n ast.Node, format string, args ...any) {
	l.errorAt(l.pos(n), format, args...)
}

func (l *loader) warnAt(p Position, format string, args ...any) {
	l.warns = append(l.warns, l.newError(p, fmt.Sprintf(format, args...)))
}

func (l *loader) warnf(n ast.Node, format string, args ...any) {
	l.warnAt(l.pos(n), format, args...)
}

// allSecrets returns the resolved references followed by the values of
// secret keys that are not among them.
func (l *loader) allSecrets() []string {
	all := slices.Clone(l.secrets)
	for _, s := range l.keySecrets {
		addSecret(&all, s)
	}
	return all
}

// scrubbedErrors returns the problems in file order with every resolved
// secret value blanked out. The values of secret keys written out in the
// file are blanked from the quoted source lines too; messages never contain
// them.
func (l *loader) scrubbedErrors() ErrorList {
	errs := l.errs.sorted()
	all := l.allSecrets()
	for _, e := range errs {
		e.Msg = scrub(e.Msg, l.secrets)
		e.source = scrub(e.source, all)
	}
	return errs
}

func (l *loader) warningStrings() []string {
	warns := l.warns.sorted()
	out := make([]string, len(warns))
	for i, w := range warns {
		out[i] = scrub(w.Error(), l.secrets)
	}
	return out
}

// nodeLineCol returns where a node starts. Block mappings report the position
// of their first key (the parser's own token for them is the first ':').
func nodeLineCol(n ast.Node) (line, col int) {
	switch v := n.(type) {
	case nil:
		return 1, 1
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return nodeLineCol(v.Values[0].Key)
		}
		if v.Start != nil {
			return v.Start.Position.Line, v.Start.Position.Column
		}
	case *ast.MappingValueNode:
		return nodeLineCol(v.Key)
	case *ast.DocumentNode:
		return nodeLineCol(v.Body)
	case *ast.LiteralNode:
		if v.Start != nil {
			return v.Start.Position.Line, v.Start.Position.Column
		}
	case *ast.AnchorNode:
		if v.Start != nil {
			return v.Start.Position.Line, v.Start.Position.Column
		}
	case *ast.AliasNode:
		if v.Start != nil {
			return v.Start.Position.Line, v.Start.Position.Column
		}
	case *ast.TagNode:
		if v.Start != nil {
			return v.Start.Position.Line, v.Start.Position.Column
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return tk.Position.Line, tk.Position.Column
}
