package config

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Position is a place in a config file. Line and Column are 1-based; Column
// counts characters, not bytes.
type Position struct {
	File   string
	Line   int
	Column int
}

// String formats the position as FILE:LINE:COL.
func (p Position) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// less orders positions by file, line and column.
func (p Position) less(q Position) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// Error is one problem found in a config file. Error() is
// "FILE:LINE:COL: what is wrong"; Excerpt shows the source line with a caret.
// An Error never contains a resolved secret value.
type Error struct {
	Pos Position
	Msg string
	// source is the text of the line at Pos, kept for Excerpt; "" when unknown.
	source string
}

// Error implements error as "FILE:LINE:COL: message".
func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

// Excerpt returns the source line the error points at with a caret under the
// column, or "" when the line is not known.
func (e *Error) Excerpt() string {
	if e.source == "" {
		return ""
	}
	var pad strings.Builder
	col := 1
	for _, r := range e.source {
		if col >= e.Pos.Column {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		col++
	}
	gutter := fmt.Sprintf("%5d | ", e.Pos.Line)
	return gutter + e.source + "\n" + strings.Repeat(" ", len(gutter)-2) + "| " + pad.String() + "^"
}

// ErrorList is every problem Load or Parse found, in file order. Its Error is
// one "FILE:LINE:COL: message" line per problem. errors.As finds the single
// *Error values through Unwrap.
type ErrorList []*Error

// Error implements error: one line per problem.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the single errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Detailed returns every problem followed by its source excerpt, for a
// terminal.
func (l ErrorList) Detailed() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
		if x := e.Excerpt(); x != "" {
			b.WriteByte('\n')
			b.WriteString(x)
		}
	}
	return b.String()
}

// sorted returns the list in file order without exact duplicates.
func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.less(l[j].Pos) })
	out := l[:0]
	seen := make(map[string]bool, len(l))
	for _, e := range l {
		key := e.Error()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, e)
	}
	return out
}

// sourceText is the config file split into lines, for excerpts and for mapping
// offsets inside scalars back to columns.
type sourceText struct {
	lines []string
}

func newSourceText(data []byte) *sourceText {
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimSuffix(line, "\r")
	}
	return &sourceText{lines: lines}
}

// line returns line n (1-based), or "" when out of range.
func (s *sourceText) line(n int) string {
	if s == nil || n < 1 || n > len(s.lines) {
		return ""
	}
	return s.lines[n-1]
}
