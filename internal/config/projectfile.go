package config

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// maxProjectsFileSize bounds what projects: {file: PATH} reads.
const maxProjectsFileSize = 10 << 20

// utf8BOM starts a text file Excel saves as "CSV UTF-8".
const utf8BOM = "\uFEFF"

// csvColumns are the columns of a projects CSV file; name and accounts are
// required.
var csvColumns = []string{"name", "accounts", "to", "language", "schedule", "timezone", "formats"}

// readProjectsFile reads projects: {file: PATH}: a .csv or a .yaml/.yml
// file relative to the config file's directory, and checks its projects.
// Its problems are positioned in that file.
func (l *loader) readProjectsFile(n ast.Node, def projectDefaults, rc *recipients) []*Project {
	const path = "projects"
	o, ok := l.object(n, path, "file")
	if !ok {
		return nil
	}
	name, ok := l.requiredString(o, "file", path)
	if !ok {
		return nil
	}
	at := o.value("file")
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".csv" && ext != ".yaml" && ext != ".yml" {
		l.errorf(at, "projects.file: %q: want a .csv, .yaml or .yml file", name)
		return nil
	}
	file := name
	if !filepath.IsAbs(file) {
		file = filepath.Join(l.dir, file)
	}
	data, err := readLimited(file, maxProjectsFileSize)
	if err != nil {
		l.errorf(at, "projects.file: %v", err)
		return nil
	}
	sub := l.subLoader(file, data)
	var inputs []*projectInput
	if ext == ".csv" {
		inputs = sub.readCSVProjects(data)
	} else {
		inputs = sub.readYAMLProjectsFile(data)
	}
	projects := sub.checkProjects(inputs, def, rc)
	l.merge(sub)
	if len(projects) == 0 && len(sub.errs) == 0 {
		l.warnf(at, "projects.file: %s has no projects: no report will be made", file)
	}
	return projects
}

// readLimited reads at most limit bytes of the file, or says why it cannot.
func readLimited(file string, limit int64) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", file, unwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", file, unwrapPathError(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", file, limit)
	}
	return data, nil
}

// subLoader returns a loader for another file read on behalf of this one:
// its positions and excerpts are that file's; its options are these.
func (l *loader) subLoader(file string, data []byte) *loader {
	return &loader{
		file:       file,
		dir:        filepath.Dir(file),
		src:        newSourceText(data),
		opts:       l.opts,
		rewritten:  make(map[*ast.StringNode]bool),
		unresolved: make(map[*ast.StringNode]bool),
	}
}

// merge takes over the problems and secrets a sub-loader found.
func (l *loader) merge(sub *loader) {
	l.errs = append(l.errs, sub.errs...)
	l.warns = append(l.warns, sub.warns...)
	for _, s := range sub.secrets {
		addSecret(&l.secrets, s)
	}
	for _, s := range sub.keySecrets {
		addSecret(&l.keySecrets, s)
	}
}

// readYAMLProjectsFile reads a projects YAML file: the list projects:
// takes, at the top level.
func (l *loader) readYAMLProjectsFile(data []byte) []*projectInput {
	root := l.parse(data)
	if len(l.errs) > 0 || root == nil {
		return nil
	}
	root = l.prepare(root)
	l.resolveSecrets(root)
	if pairs, ok := mappingPairs(root); ok {
		for _, pair := range pairs {
			if k, _ := keyText(pair.Key); k == "projects" {
				l.errorf(pair.Key, "a projects file holds the list itself: remove \"projects:\" and write the list (- name: ...) at the top level")
				return nil
			}
		}
	}
	return l.readYAMLProjects(root, "projects")
}

// readCSVProjects reads a projects CSV file: a header row naming the
// columns (name and accounts required; to, language, schedule, timezone,
// formats optional; any order, any case), then one project a row. Lists
// (accounts, to, formats) are separated by ';', ',' or spaces. The file is
// UTF-8, with or without a byte order mark, with LF or CRLF line ends.
// Lines starting with '#' and rows with only empty cells are skipped.
func (l *loader) readCSVProjects(data []byte) []*projectInput {
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	l.src = newSourceText(data)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		l.errorAt(l.position(line, 1), `not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited) (*.csv)", 「CSV UTF-8 (コンマ区切り) (*.csv)」)`)
		return nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		l.csvError(err)
		return nil
	}
	columns, ok := l.csvHeader(r, header)
	if !ok {
		return nil
	}
	var out []*projectInput
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			l.csvError(err)
			return out
		}
		if in := l.csvProject(r, record, columns, len(header)); in != nil {
			out = append(out, in)
		}
	}
}

// firstInvalidUTF8 returns the offset of the first byte that is not UTF-8.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// csvError reports a syntax error of the CSV reader.
func (l *loader) csvError(err error) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		l.errorAt(l.position(1, 1), "invalid CSV: %v", err)
		return
	}
	msg := pe.Err.Error()
	if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
		msg += `: put the whole cell in double quotes and write each " inside it as ""`
	}
	l.errorAt(l.csvPos(pe.Line, pe.Column), "invalid CSV: %s", msg)
}

// csvPos converts the CSV reader's line and 1-based byte column to a
// position.
func (l *loader) csvPos(line, byteCol int) Position {
	text := l.src.line(line)
	if byteCol < 1 {
		byteCol = 1
	}
	if byteCol-1 > len(text) {
		byteCol = len(text) + 1
	}
	return l.position(line, utf8.RuneCountInString(text[:byteCol-1])+1)
}

// csvHeader reads the header row: the column index of every known column.
func (l *loader) csvHeader(r *csv.Reader, header []string) (map[string]int, bool) {
	columns := map[string]int{}
	ok := true
	for i, h := range header {
		line, col := r.FieldPos(i)
		at := l.csvPos(line, col)
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(csvColumns, name):
			hint := suggest(name, csvColumns)
			if accountProblem(name) == "" {
				hint = "; the first row names the columns"
			}
			l.errorAt(at, "header: unknown column %q%s; use name, accounts, to, language, schedule, timezone, formats", h, hint)
			ok = false
		case columns[name] > 0:
			l.errorAt(at, "header: column %q is written twice", h)
			ok = false
		default:
			columns[name] = i + 1 // 0 means absent
		}
	}
	for _, required := range []string{"name", "accounts"} {
		if columns[required] == 0 && ok {
			line, _ := r.FieldPos(0)
			l.errorAt(l.position(line, 1), "header: missing column %q; the first row names the columns, as in name,accounts,to,language", required)
			ok = false
		}
	}
	return columns, ok
}

// csvProject reads one data row; nil when the row is empty.
func (l *loader) csvProject(r *csv.Reader, record []string, columns map[string]int, width int) *projectInput {
	empty := true
	for _, cell := range record {
		if strings.TrimSpace(cell) != "" {
			empty = false
		}
	}
	if empty {
		return nil
	}
	line, _ := r.FieldPos(0)
	in := &projectInput{pos: l.position(line, 1), valid: true}
	if len(record) > width {
		fl, fc := r.FieldPos(width)
		l.errorAt(l.csvPos(fl, fc), "line has %d cells, more than the %d columns of the header (quote a cell that holds a comma)", len(record), width)
		in.valid = false
	}
	cell := func(column string) (field, bool) {
		i := columns[column] - 1
		if i < 0 || i >= len(record) || strings.TrimSpace(record[i]) == "" {
			return field{}, false
		}
		fl, fc := r.FieldPos(i)
		return l.csvField(record[i], column, l.csvPos(fl, fc)), true
	}
	list := func(column string) fieldList {
		f, ok := cell(column)
		if !ok {
			return fieldList{}
		}
		items, offsets := splitList(f.text)
		out := fieldList{whole: f, written: len(items)}
		for k, item := range items {
			offset := offsets[k]
			start := f.at(offset)
			if offset == 0 {
				start = f.start // a quoted cell's first value starts at the quote
			}
			out.items = append(out.items, field{text: item, label: f.label, set: true, start: start, at: func(o int) Position { return f.at(offset + o) }})
		}
		return out
	}
	if f, ok := cell("name"); ok {
		in.name = f
		in.name.text = strings.TrimSpace(f.text)
	} else {
		l.errorAt(in.pos, `column "name": empty; every project needs a name`)
		in.valid = false
	}
	in.accounts = list("accounts")
	if !in.accounts.whole.set {
		l.errorAt(in.pos, `column "accounts": empty; name at least one AWS account ID`)
		in.valid = false
	}
	in.to = list("to")
	in.formats = list("formats")
	for _, s := range []struct {
		column string
		f      *field
	}{{"language", &in.language}, {"schedule", &in.schedule}, {"timezone", &in.timezone}} {
		if f, ok := cell(s.column); ok {
			*s.f = f
			s.f.text = strings.TrimSpace(f.text)
		}
	}
	return in
}

// csvField makes the field of one cell written at pos. Offsets in the text
// map to columns when the cell is written as is (unquoted, or quoted
// without "" inside) on one line.
func (l *loader) csvField(text, column string, pos Position) field {
	f := field{text: text, label: fmt.Sprintf("column %q", column), set: true, start: pos, at: func(int) Position { return pos }}
	line := []rune(l.src.line(pos.Line))
	first := pos.Column - 1
	if first < len(line) && line[first] == '"' {
		first++
	}
	value := []rune(text)
	if first+len(value) <= len(line) && string(line[first:first+len(value)]) == text {
		f.at = func(offset int) Position {
			if offset < 0 || offset > len(text) {
				return pos
			}
			return l.position(pos.Line, first+utf8.RuneCountInString(text[:offset])+1)
		}
	}
	return f
}

// splitList splits a cell holding several values at ';', ',' and white
// space, returning each value and its byte offset.
func splitList(s string) (items []string, offsets []int) {
	start := -1
	sep := func(r rune) bool { return r == ';' || r == ',' || unicode.IsSpace(r) }
	for i, r := range s {
		switch {
		case sep(r) && start >= 0:
			items, offsets = append(items, s[start:i]), append(offsets, start)
			start = -1
		case !sep(r) && start < 0:
			start = i
		}
	}
	if start >= 0 {
		items, offsets = append(items, s[start:]), append(offsets, start)
	}
	return items, offsets
}
