package report

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// How the findings sheet links to the console and to remediation pages.
//
// Excel opens a link either from a HYPERLINK formula or from a hyperlink
// the sheet lists (with its URL in the sheet's relationships part). A
// HYPERLINK formula costs nothing but opens only links of up to 255
// characters, which remediation pages fit and console links mostly do not
// (a finding's Id, percent-encoded twice, is most of a 300-character
// link). excelize can list hyperlinks only one at a time, at a cost that
// grows with the number already listed (20,000 take 10 s), and not for a
// sheet it streams. So: links of up to 255 characters are HYPERLINK
// formulas; longer ones are listed by sheetLinks, which adds the
// <hyperlinks> element and the relationships to the saved file itself,
// through excelize's ZipWriter hook, in one pass. A sheet lists at most
// maxSheetLinks; rows past that (they are the least severe) show the URL
// as text. Only http and https URLs become links.

// linkKind says which link of a row a listed hyperlink is.
type linkKind uint8

const (
	linkConsole linkKind = iota
	linkRemediation
)

// listedLink is one hyperlink of the findings sheet: its cell and the row
// whose URL it opens (kept as an index, so that 65,530 links hold no
// URLs until the file is written).
type listedLink struct {
	row, col int
	kind     linkKind
	index    int
}

// sheetLinks collects the listed hyperlinks of one sheet.
type sheetLinks struct {
	report *Report
	links  []listedLink
	failed error
}

func (s *sheetLinks) n() int { return len(s.links) }

func (s *sheetLinks) err() error { return s.failed }

// linkable reports whether u may become a link: an absolute http or https
// URL with a host and nothing Excel would choke on.
func linkable(u string) bool {
	if u == "" || len(u) > 2000 || strings.ContainsAny(u, " \t\r\n\"<>\\^`{|}") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

// formula returns a HYPERLINK formula cell, or false when u is too long
// for one.
func formula(u, label string, st *xlsxStyles) (excelize.Cell, bool) {
	if len(u) > maxFormulaLink {
		return excelize.Cell{}, false
	}
	f := `HYPERLINK("` + strings.ReplaceAll(u, `"`, `""`) + `","` + strings.ReplaceAll(label, `"`, `""`) + `")`
	return excelize.Cell{StyleID: st.link, Formula: f, Value: label}, true
}

// formulaOnly is a link cell that is a HYPERLINK formula when it can be,
// else the URL as text.
func (s *sheetLinks) formulaOnly(u, label string, st *xlsxStyles) any {
	if u == "" {
		return nil
	}
	if linkable(u) {
		if c, ok := formula(u, label, st); ok {
			return c
		}
	}
	return text(u, st.text)
}

// cell is the link cell at (row, col) of the findings sheet, for the URL
// u of rows[index]: a formula, a listed hyperlink, or the URL as text.
func (s *sheetLinks) cell(row, col int, kind linkKind, index int, u, label string, st *xlsxStyles) any {
	if u == "" {
		return nil
	}
	if !linkable(u) {
		return text(u, st.text)
	}
	if c, ok := formula(u, label, st); ok {
		return c
	}
	if len(s.links) >= s.report.linkLimit {
		return text(u, st.text)
	}
	s.links = append(s.links, listedLink{row: row, col: col, kind: kind, index: index})
	return excelize.Cell{StyleID: st.link, Value: label}
}

// url returns the URL a listed link opens.
func (s *sheetLinks) url(l listedLink) string {
	r := s.report
	rw := &r.rows[l.index]
	if l.kind == linkConsole {
		return r.consoleURL(rw)
	}
	return r.s(rw.remediation)
}

// hyperlinksMarker is the element the <hyperlinks> element goes before:
// in a worksheet, hyperlinks follows sheetData, autoFilter, mergeCells,
// conditionalFormatting and dataValidations and precedes printOptions and
// pageMargins; printLayout gives the sheet pageMargins and no
// printOptions.
const hyperlinksMarker = "<pageMargins"

// zipWriter returns the function excelize saves the workbook through: a
// zip writer that writes to dst, rather than to the buffer excelize hands
// it (excelize builds the whole file in memory, then copies it), and that
// adds the listed hyperlinks to the worksheet part at path and writes the
// relationships part they refer to.
func (s *sheetLinks) zipWriter(dst io.Writer, path string) func(io.Writer) excelize.ZipWriter {
	return func(io.Writer) excelize.ZipWriter {
		dir, file := path[:strings.LastIndexByte(path, '/')+1], path[strings.LastIndexByte(path, '/')+1:]
		zw := zip.NewWriter(dst)
		zw.RegisterCompressor(zip.Deflate, fastDeflate)
		return &linkZip{zw: zw, links: s, sheet: path, rels: dir + "_rels/" + file + ".rels"}
	}
}

// fastDeflate compresses the workbook's parts at flate.BestSpeed: the
// sheets are repetitive XML, so the file is about a fifth larger than at
// the default level while compressing takes a third of the time (the
// default level was a quarter of a 100,000-finding report's CPU time).
func fastDeflate(w io.Writer) (io.WriteCloser, error) {
	return flate.NewWriter(w, flate.BestSpeed)
}

// linkZip is a zip writer that adds hyperlinks to one worksheet.
type linkZip struct {
	zw          *zip.Writer
	links       *sheetLinks
	sheet, rels string
	open        *insertWriter // the worksheet part being written
}

var _ excelize.ZipWriter = (*linkZip)(nil)

// Create starts the next part; the worksheet part is written through an
// insertWriter.
func (z *linkZip) Create(name string) (io.Writer, error) {
	if err := z.finishSheet(); err != nil {
		return nil, err
	}
	listed := z.links.n() > 0
	if name == z.rels && listed {
		// The findings sheet has no relationships of its own (no table,
		// drawing or comments); merging is not needed and not done.
		return nil, z.fail(fmt.Errorf("hyperlinks: the sheet already has relationships (%s)", name))
	}
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	if name == z.sheet && listed {
		z.open = &insertWriter{w: w, marker: []byte(hyperlinksMarker), insert: z.writeHyperlinks}
		return z.open, nil
	}
	return w, nil
}

// AddFS adds the files of fsys.
func (z *linkZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close writes the relationships part and ends the archive.
func (z *linkZip) Close() error {
	if err := z.finishSheet(); err != nil {
		_ = z.zw.Close()
		return err
	}
	if z.links.n() > 0 {
		if err := z.writeRels(); err != nil {
			_ = z.zw.Close()
			return z.fail(err)
		}
	}
	return z.zw.Close()
}

func (z *linkZip) fail(err error) error {
	if z.links.failed == nil {
		z.links.failed = err
	}
	return err
}

// finishSheet flushes the worksheet part, which must have had its
// hyperlinks placed.
func (z *linkZip) finishSheet() error {
	if z.open == nil {
		return nil
	}
	iw := z.open
	z.open = nil
	if err := iw.flush(); err != nil {
		return z.fail(err)
	}
	if !iw.done {
		return z.fail(fmt.Errorf("hyperlinks: no %s element in %s to place them before", hyperlinksMarker, z.sheet))
	}
	return nil
}

// writeHyperlinks writes the <hyperlinks> element.
func (z *linkZip) writeHyperlinks(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("<hyperlinks>")
	for i, l := range z.links.links {
		ref, err := excelize.CoordinatesToCellName(l.col, l.row)
		if err != nil {
			return err
		}
		bw.WriteString(`<hyperlink ref="`)
		bw.WriteString(ref)
		bw.WriteString(`" r:id="rId`)
		bw.WriteString(strconv.Itoa(i + 1))
		bw.WriteString(`"/>`)
	}
	bw.WriteString("</hyperlinks>")
	return bw.Flush()
}

// writeRels writes the worksheet's relationships: one external hyperlink
// target per listed link.
func (z *linkZip) writeRels() error {
	w, err := z.zw.Create(z.rels)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, l := range z.links.links {
		bw.WriteString(`<Relationship Id="rId`)
		bw.WriteString(strconv.Itoa(i + 1))
		bw.WriteString(`" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="`)
		if err := xml.EscapeText(bw, []byte(z.links.url(l))); err != nil {
			return err
		}
		bw.WriteString(`" TargetMode="External"/>`)
	}
	bw.WriteString(`</Relationships>`)
	return bw.Flush()
}

// insertWriter passes a stream through and, before the first occurrence
// of marker, writes what insert writes.
type insertWriter struct {
	w      io.Writer
	marker []byte
	insert func(io.Writer) error
	tail   []byte // bytes held back: they may start the marker
	done   bool
}

func (iw *insertWriter) Write(p []byte) (int, error) {
	if iw.done {
		return iw.w.Write(p)
	}
	m := len(iw.marker)
	if len(iw.tail) > 0 {
		// A marker that starts in the held-back bytes ends within the
		// first m-1 bytes of p.
		head := append(iw.tail, p[:min(len(p), m-1)]...)
		if i := bytes.Index(head, iw.marker); i >= 0 {
			tail := iw.tail[:len(iw.tail):len(iw.tail)]
			iw.tail = nil
			if err := iw.place(tail[:i], tail[i:]); err != nil {
				return 0, err
			}
			_, err := iw.w.Write(p)
			return len(p), err
		}
		if len(p) < m-1 {
			keep := min(m-1, len(head))
			if _, err := iw.w.Write(head[:len(head)-keep]); err != nil {
				return 0, err
			}
			iw.tail = append([]byte(nil), head[len(head)-keep:]...)
			return len(p), nil
		}
		if _, err := iw.w.Write(iw.tail); err != nil {
			return 0, err
		}
		iw.tail = nil
	}
	if i := bytes.Index(p, iw.marker); i >= 0 {
		return len(p), iw.place(p[:i], p[i:])
	}
	keep := min(m-1, len(p))
	if _, err := iw.w.Write(p[:len(p)-keep]); err != nil {
		return 0, err
	}
	iw.tail = append([]byte(nil), p[len(p)-keep:]...)
	return len(p), nil
}

// place writes before, the insertion, then from (which starts with the
// marker).
func (iw *insertWriter) place(before, from []byte) error {
	iw.done = true
	if _, err := iw.w.Write(before); err != nil {
		return err
	}
	if err := iw.insert(iw.w); err != nil {
		return err
	}
	_, err := iw.w.Write(from)
	return err
}

// flush writes what was held back.
func (iw *insertWriter) flush() error {
	if len(iw.tail) == 0 {
		return nil
	}
	_, err := iw.w.Write(iw.tail)
	iw.tail = nil
	if err != nil {
		return errors.Join(errors.New("hyperlinks"), err)
	}
	return nil
}
