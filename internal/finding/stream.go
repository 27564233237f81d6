package finding

import (
	"strconv"
	"strings"
)

// decoder holds the state of one Decode call.
type decoder struct {
	source string
	data   []byte
	lines  *lineIndex
	items  []Item
	errs   []error
	count  int // findings met so far, good or bad: the next Item.Index
	// noEvents leaves Item.Event nil where it would have to be built.
	noEvents bool
}

// utf8BOM is skipped at the start of the input (editors on Windows add it).
const utf8BOM = "\xEF\xBB\xBF"

// run splits the input into top-level JSON documents. After a syntax error it
// resumes at the next line that starts a document no more indented than the
// bad one, so one bad JSON Lines line, or one bad pretty-printed document
// among others, costs only itself.
func (d *decoder) run() {
	i := 0
	if strings.HasPrefix(string(d.data[:min(len(d.data), len(utf8BOM))]), utf8BOM) {
		i = len(utf8BOM)
	}
	i = skipSpace(d.data, i)
	if i == len(d.data) {
		d.fail(i, problemf(ErrSyntax, "empty input: no JSON document"))
		return
	}
	for i < len(d.data) {
		end, serr := valueEnd(d.data, i)
		if serr != nil {
			d.syntaxError(i, serr)
			i = d.resync(i)
			continue
		}
		d.document(span{i, end})
		i = skipSpace(d.data, end)
	}
}

func (d *decoder) syntaxError(start int, serr *syntaxError) {
	startLine := d.lines.line(start)
	msg := "JSON syntax error: " + serr.msg
	switch {
	case serr.eof:
		msg += ": the document starting at line " + strconv.Itoa(startLine) + " is incomplete"
	case d.lines.line(serr.off) != startLine:
		msg += " (in the document starting at line " + strconv.Itoa(startLine) + ")"
	}
	d.fail(serr.off, problemf(ErrSyntax, "%s", msg))
}

// resync returns where to look for the next document after the one starting
// at start turned out to be malformed: the first later line whose first
// non-blank byte opens an object or array at no deeper indentation.
func (d *decoder) resync(start int) int {
	line := d.lines.line(start)
	indent := start - d.lines.lineStart(line)
	for next := line + 1; ; next++ {
		ls := d.lines.lineStart(next)
		if ls >= len(d.data) {
			return len(d.data)
		}
		j := ls
		for j < len(d.data) && (d.data[j] == ' ' || d.data[j] == '\t') {
			j++
		}
		if j < len(d.data) && j-ls <= indent && (d.data[j] == '{' || d.data[j] == '[') {
			return j
		}
	}
}

// fail records an error at byte offset off.
func (d *decoder) fail(off int, err error) {
	line, col := d.lines.position(off)
	d.errs = append(d.errs, &Error{Source: d.source, Line: line, Column: col, Offset: int64(off), Err: err})
}
