package finding

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// lineIndex converts byte offsets of one input into 1-based line and column
// numbers. Columns count characters (UTF-8 sequences), as editors show them.
type lineIndex struct {
	data   []byte
	starts []int // offset of the first byte of each line
}

func newLineIndex(data []byte) *lineIndex {
	starts := make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	for i := 0; ; {
		k := bytes.IndexByte(data[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		starts = append(starts, i)
	}
	return &lineIndex{data: data, starts: starts}
}

// line returns the 1-based line holding offset off.
func (x *lineIndex) line(off int) int {
	return sort.Search(len(x.starts), func(k int) bool { return x.starts[k] > off })
}

// position returns the 1-based line and column of offset off.
func (x *lineIndex) position(off int) (line, col int) {
	off = min(max(off, 0), len(x.data))
	line = x.line(off)
	return line, utf8.RuneCount(x.data[x.starts[line-1]:off]) + 1
}

// lineStart returns the offset where the given 1-based line begins, or
// len(data) past the last line.
func (x *lineIndex) lineStart(line int) int {
	if line-1 >= len(x.starts) {
		return len(x.data)
	}
	return x.starts[line-1]
}
