package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Excel limits the writer keeps to.
const (
	// maxCellChars is the most characters an Excel cell holds.
	maxCellChars = 32767
	// maxFormulaLink is the longest link a HYPERLINK formula opens.
	maxFormulaLink = 255
	// maxSheetLinks is the most hyperlinks one worksheet holds (Excel
	// specifications and limits: 66,530; excelize stops at 65,530).
	maxSheetLinks = 65530
	// truncMark ends a value cut to fit a cell.
	truncMark = "…[truncated]"
)

// Severity colours: fill and font per severity, most severe first.
var severityFill = [numSeverities]struct{ fill, font string }{
	{"7B0000", "FFFFFF"}, // CRITICAL: dark red
	{"E8590C", "FFFFFF"}, // HIGH: red-orange
	{"FFD43B", "000000"}, // MEDIUM: yellow
	{"A5D8FF", "000000"}, // LOW: light blue
	{"DEE2E6", "000000"}, // INFORMATIONAL: grey
}

// Column widths of the findings sheet, in characters, in column order.
var findingWidths = []float64{12, 15, 15, 16, 24, 60, 22, 50, 14, 12, 14, 17, 17, 10, 18, 18, 50}

// xlsxStyles are the style IDs of one workbook.
type xlsxStyles struct {
	title, section, header, text, wrap, date, percent, link, note int
	sev                                                           [numSeverities]int
}

func newStyles(f *excelize.File) (*xlsxStyles, error) {
	var s xlsxStyles
	var err error
	add := func(into *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*into, err = f.NewStyle(st)
	}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	dateFmt := "yyyy-mm-dd hh:mm"
	add(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	add(&s.section, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "1F3864"}})
	add(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	add(&s.text, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	add(&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	add(&s.note, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	add(&s.date, &excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	add(&s.percent, &excelize.Style{NumFmt: 10})
	add(&s.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}})
	for i, c := range severityFill {
		add(&s.sev[i], &excelize.Style{
			Font: &excelize.Font{Bold: i < 2, Color: c.font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}},
		})
	}
	if err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	return &s, nil
}

// writeXLSX writes the workbook: summary, findings, by-control and
// by-resource sheets, each with a frozen header row; the findings sheet
// with an autofilter, severity colours, dates as Excel dates in the
// project's time zone and links.
func (r *Report) writeXLSX(w io.Writer) (err error) {
	defer writeMemory.hold()()
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	l := r.l
	if err := f.SetSheetName("Sheet1", l.SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{l.SheetFindings, l.SheetControls, l.SheetResources} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: fmt.Sprintf(l.Title, r.project.Name), Creator: "hubrelay", Language: l.Lang,
		Created: r.now.UTC().Format(time.RFC3339),
	}); err != nil {
		return err
	}
	if err := r.summarySheet(f, st); err != nil {
		return fmt.Errorf("sheet %s: %w", l.SheetSummary, err)
	}
	links, err := r.findingsSheet(f, st)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", l.SheetFindings, err)
	}
	if err := r.controlsSheet(f, st); err != nil {
		return fmt.Errorf("sheet %s: %w", l.SheetControls, err)
	}
	if err := r.resourcesSheet(f, st); err != nil {
		return fmt.Errorf("sheet %s: %w", l.SheetResources, err)
	}
	path, err := sheetPath(f, l.SheetFindings)
	if err != nil {
		return err
	}
	// The zip goes straight to w: excelize would otherwise build the
	// whole file in a buffer first (see sheetLinks.zipWriter).
	f.SetZipWriter(links.zipWriter(w, path))
	if _, err := f.WriteTo(io.Discard); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return links.err()
}

// sheetPath is the part name excelize gives a worksheet it created:
// "xl/worksheets/sheet<ID>.xml".
func sheetPath(f *excelize.File, name string) (string, error) {
	for id, n := range f.GetSheetMap() {
		if n == name {
			return "xl/worksheets/sheet" + strconv.Itoa(id) + ".xml", nil
		}
	}
	return "", fmt.Errorf("sheet %s: not in the workbook", name)
}

// sheet streams one worksheet row by row.
type sheet struct {
	sw  *excelize.StreamWriter
	row int
}

func newSheet(f *excelize.File, name string, widths []float64, freeze bool) (*sheet, error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	if freeze {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	return &sheet{sw: sw}, nil
}

// add writes the next row; blank rows are skipped by adding nothing.
func (s *sheet) add(cells ...any) error {
	s.row++
	ref, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(ref, cells)
}

func (s *sheet) blank() { s.row++ }

// text makes a text cell of at most maxCellChars characters.
func text(v string, style int) excelize.Cell {
	return excelize.Cell{StyleID: style, Value: fitCell(v)}
}

// fitCell cuts v to the characters an Excel cell holds, ending it with
// truncMark when cut.
func fitCell(v string) string {
	if len(v) <= maxCellChars { // bytes ≥ characters
		return v
	}
	n := 0
	for i := range v {
		if n == maxCellChars-len([]rune(truncMark)) {
			return v[:i] + truncMark
		}
		n++
	}
	return v
}

// excelDate converts t to an Excel serial date (1900 system) of its wall
// clock in loc, to the second.
func excelDate(t time.Time, loc *time.Location) float64 {
	w := t.In(loc)
	wall := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	return float64(wall.Unix())/86400 + 25569
}

// dateCell is t as an Excel date in the report's zone, or an empty cell.
func (r *Report) dateCell(ms int64, st *xlsxStyles) any {
	if ms == 0 {
		return nil
	}
	return excelize.Cell{StyleID: st.date, Value: excelDate(time.UnixMilli(ms), r.loc)}
}

func (r *Report) sevCell(s severity, st *xlsxStyles) excelize.Cell {
	return excelize.Cell{StyleID: st.sev[s], Value: r.l.sev(s)}
}

func headerCells(names []string, style int) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = excelize.Cell{StyleID: style, Value: n}
	}
	return out
}

// findingsSheet writes one row per open finding, most severe first, and
// returns the hyperlinks the zip writer adds.
func (r *Report) findingsSheet(f *excelize.File, st *xlsxStyles) (*sheetLinks, error) {
	l := r.l
	s, err := newSheet(f, l.SheetFindings, findingWidths, true)
	if err != nil {
		return nil, err
	}
	cols := l.findingColumns()
	if err := s.add(headerCells(cols, st.header)...); err != nil {
		return nil, err
	}
	links := &sheetLinks{report: r}
	const consoleCol, remediationCol = 15, 16
	// The text cells of every row are the same 13 Cells, handed over by
	// pointer: 1.3 million boxed Cells less for 100,000 findings.
	cells := make([]any, len(cols))
	texts := make([]excelize.Cell, len(cols))
	put := func(k int, v string) {
		if v == "" {
			cells[k] = nil
			return
		}
		texts[k] = excelize.Cell{StyleID: st.text, Value: fitCell(v)}
		cells[k] = &texts[k]
	}
	for i := range r.rows {
		rw := &r.rows[i]
		rowNum := i + 2
		cells[0] = r.sevCell(rw.sev, st)
		put(1, r.s(rw.account))
		put(2, r.s(rw.region))
		put(3, r.s(rw.product))
		put(4, r.s(rw.control))
		put(5, r.s(rw.title))
		put(6, r.s(rw.resourceType))
		put(7, r.s(rw.resourceID))
		put(8, value(l.Compliance, r.s(rw.compliance)))
		put(9, value(l.Workflow, r.s(rw.workflow)))
		put(10, r.changeText(rw.change))
		cells[11] = r.dateCell(rw.first, st)
		cells[12] = r.dateCell(rw.last, st)
		texts[13] = excelize.Cell{StyleID: st.text, Value: int(rw.age)}
		cells[13] = &texts[13]
		cells[14] = links.cell(rowNum, consoleCol, linkConsole, i, r.consoleURL(rw), l.OpenConsole, st)
		cells[15] = links.cell(rowNum, remediationCol, linkRemediation, i, r.s(rw.remediation), l.OpenRemediation, st)
		put(16, rw.id)
		if err := s.add(cells...); err != nil {
			return nil, fmt.Errorf("row %d: %w", rowNum, err)
		}
	}
	last, err := excelize.CoordinatesToCellName(len(cols), max(len(r.rows)+1, 2))
	if err != nil {
		return nil, err
	}
	if err := f.AutoFilter(l.SheetFindings, "A1:"+last, nil); err != nil {
		return nil, fmt.Errorf("autofilter: %w", err)
	}
	if err := printLayout(f, l.SheetFindings); err != nil {
		return nil, err
	}
	if err := s.sw.Flush(); err != nil {
		return nil, err
	}
	return links, nil
}

// printLayout prints a sheet landscape, one page wide, with the header row
// on every page left to the viewer; it also gives the sheet the
// pageMargins element the hyperlinks are placed before.
func printLayout(f *excelize.File, name string) error {
	landscape, one, zero := "landscape", 1, 0
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	side, edge, hf := 0.4, 0.5, 0.3
	if err := f.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &hf, Footer: &hf,
	}); err != nil {
		return fmt.Errorf("page margins: %w", err)
	}
	return nil
}

func (r *Report) changeText(c change) string {
	switch c {
	case changeNew:
		return r.l.ChangeNew
	case changeStillOpen:
		return r.l.ChangeStillOpen
	}
	return ""
}

// controlsSheet writes one row per control or rule with open findings,
// most findings first.
func (r *Report) controlsSheet(f *excelize.File, st *xlsxStyles) error {
	l := r.l
	head := []string{l.ColControl, l.ColTitle, l.ColHighest, l.ColFindings}
	for s := range numSeverities {
		head = append(head, l.sev(severity(s)))
	}
	head = append(head, l.ColAccounts, l.ColResources, l.ColRemediation)
	widths := []float64{28, 60, 12, 10, 8, 8, 8, 8, 8, 12, 12, 18}
	s, err := newSheet(f, l.SheetControls, widths, true)
	if err != nil {
		return err
	}
	if err := s.add(headerCells(head, st.header)...); err != nil {
		return err
	}
	links := &sheetLinks{report: r} // formula links only: no budget
	for i, c := range r.controls {
		cells := []any{text(c.control, st.text), text(c.title, st.text), r.sevCell(c.highest, st), c.total}
		for _, n := range c.n {
			cells = append(cells, n)
		}
		cells = append(cells, c.accounts, c.resources, links.formulaOnly(c.remediation, l.OpenRemediation, st))
		if err := s.add(cells...); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	if err := r.sheetFilter(f, l.SheetControls, len(head), len(r.controls)); err != nil {
		return err
	}
	return s.sw.Flush()
}

// resourcesSheet writes one row per resource with open findings, most
// findings first.
func (r *Report) resourcesSheet(f *excelize.File, st *xlsxStyles) error {
	l := r.l
	head := []string{l.ColResourceID, l.ColResourceType, l.ColAccount, l.ColRegion, l.ColHighest, l.ColFindings}
	for s := range numSeverities {
		head = append(head, l.sev(severity(s)))
	}
	widths := []float64{60, 24, 15, 15, 12, 10, 8, 8, 8, 8, 8}
	s, err := newSheet(f, l.SheetResources, widths, true)
	if err != nil {
		return err
	}
	if err := s.add(headerCells(head, st.header)...); err != nil {
		return err
	}
	cells := make([]any, 0, len(head))
	for i, rr := range r.resources {
		cells = append(cells[:0], text(rr.id, st.text), text(rr.typ, st.text), text(rr.account, st.text),
			text(rr.region, st.text), r.sevCell(rr.highest, st), rr.total)
		for _, n := range rr.n {
			cells = append(cells, n)
		}
		if err := s.add(cells...); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	if err := r.sheetFilter(f, l.SheetResources, len(head), len(r.resources)); err != nil {
		return err
	}
	return s.sw.Flush()
}

func (r *Report) sheetFilter(f *excelize.File, name string, cols, rows int) error {
	last, err := excelize.CoordinatesToCellName(cols, max(rows+1, 2))
	if err != nil {
		return err
	}
	if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("autofilter: %w", err)
	}
	return nil
}

// summarySheet writes the first sheet: what a project lead reads first.
func (r *Report) summarySheet(f *excelize.File, st *xlsxStyles) error {
	l := r.l
	s, err := newSheet(f, l.SheetSummary, []float64{40, 16, 16, 16, 16, 16, 16, 16}, false)
	if err != nil {
		return err
	}
	add := s.add
	if err := add(text(fmt.Sprintf(l.Title, r.project.Name), st.title)); err != nil {
		return err
	}
	prev := any(text(l.NoPrevious, st.text))
	if r.previous != nil {
		prev = excelize.Cell{StyleID: st.date, Value: excelDate(*r.previous, r.loc)}
	}
	for _, kv := range [][2]any{
		{text(l.Generated, st.header), excelize.Cell{StyleID: st.date, Value: excelDate(r.now, r.loc)}},
		{text(l.Timezone, st.header), text(r.loc.String(), st.text)},
		{text(l.Accounts, st.header), text(strings.Join(r.project.Accounts, ", "), st.text)},
		{text(l.Previous, st.header), prev},
	} {
		if err := add(kv[0], kv[1]); err != nil {
			return err
		}
	}

	// Open findings by severity, and the change since the last report.
	s.blank()
	if err := add(text(l.SecOpen, st.section)); err != nil {
		return err
	}
	if err := add(headerCells([]string{l.ColSeverity, l.ColOpen, l.ColNew, l.ColStillOpen, l.ColResolved}, st.header)...); err != nil {
		return err
	}
	for _, t := range r.severityTable() {
		cells := []any{text(t.name, st.text)}
		if t.sev >= 0 {
			cells[0] = r.sevCell(severity(t.sev), st)
		}
		cells = append(cells, t.open)
		if r.previous != nil {
			cells = append(cells, t.new, t.still, t.resolved)
		}
		if err := add(cells...); err != nil {
			return err
		}
	}

	// Age of the open findings.
	s.blank()
	if err := add(text(l.SecAge, st.section)); err != nil {
		return err
	}
	if err := add(headerCells(append([]string{l.ColSeverity}, strings.Split(l.AgeBuckets, "|")...), st.header)...); err != nil {
		return err
	}
	for sv := range numSeverities {
		cells := []any{r.sevCell(severity(sv), st)}
		for _, n := range r.ages[sv] {
			cells = append(cells, n)
		}
		if err := add(cells...); err != nil {
			return err
		}
	}

	// Compliance scores.
	s.blank()
	if err := add(text(l.SecCompliance, st.section)); err != nil {
		return err
	}
	if len(r.summary.Compliance) == 0 {
		if err := add(text(l.NoCompliance, st.note)); err != nil {
			return err
		}
	} else {
		if err := add(headerCells([]string{l.ColStandard, l.ColScore, l.ColPassed, l.ColFailed, l.ColUnknown, l.ColTotal}, st.header)...); err != nil {
			return err
		}
		for _, c := range r.summary.Compliance {
			if err := add(text(c.Name, st.text), excelize.Cell{StyleID: st.percent, Value: c.Score}, c.Passed, c.Failed, c.Unknown, c.Evaluated); err != nil {
				return err
			}
		}
		if err := add(text(l.ScoreNote, st.note)); err != nil {
			return err
		}
	}

	// Counts by account and by product.
	for _, t := range []struct {
		title, first string
		rows         []countRow
	}{{l.SecAccounts, l.ColAccount, r.accounts}, {l.SecProducts, l.ColProduct, r.products}} {
		s.blank()
		if err := add(text(t.title, st.section)); err != nil {
			return err
		}
		head := []string{t.first}
		for sv := range numSeverities {
			head = append(head, l.sev(severity(sv)))
		}
		if err := add(headerCells(append(head, l.Total), st.header)...); err != nil {
			return err
		}
		for _, c := range t.rows {
			cells := []any{text(c.name, st.text)}
			for _, n := range c.n {
				cells = append(cells, n)
			}
			if err := add(append(cells, c.total)...); err != nil {
				return err
			}
		}
	}

	// Top controls.
	s.blank()
	top := r.controls[:min(len(r.controls), topControls)]
	if err := add(text(fmt.Sprintf(l.SecTopControls, topControls), st.section)); err != nil {
		return err
	}
	if err := add(headerCells([]string{l.ColControl, l.ColHighest, l.ColFindings, l.ColAccounts, l.ColTitle}, st.header)...); err != nil {
		return err
	}
	for _, c := range top {
		if err := add(text(c.control, st.text), r.sevCell(c.highest, st), c.total, c.accounts, text(c.title, st.text)); err != nil {
			return err
		}
	}

	// Resolved since the last report.
	if r.previous != nil {
		s.blank()
		if err := add(text(l.SecResolved, st.section)); err != nil {
			return err
		}
		if len(r.resolved) == 0 {
			if err := add(text(l.NoneResolved, st.note)); err != nil {
				return err
			}
		} else {
			if err := add(headerCells([]string{l.ColSeverity, l.ColAccount, l.ColControl, l.ColTitle, l.ColID}, st.header)...); err != nil {
				return err
			}
			for _, e := range r.resolved[:min(len(r.resolved), topResolved)] {
				if err := add(r.sevCell(e.sev, st), text(e.account, st.text), text(e.control, st.text), text(e.title, st.text), text(e.id, st.text)); err != nil {
					return err
				}
			}
			if more := len(r.resolved) - topResolved; more > 0 {
				if err := add(text(fmt.Sprintf(l.AndMore, more), st.note)); err != nil {
					return err
				}
			}
		}
	}

	// Trend.
	tables, err := r.trendTables()
	if err != nil {
		return err
	}
	for i, t := range tables {
		s.blank()
		if i == 0 {
			if err := add(text(l.SecTrend, st.section)); err != nil {
				return err
			}
		}
		for k, cells := range t {
			row := make([]any, len(cells))
			for c, v := range cells {
				row[c] = trendCell(v, k == 0, st)
			}
			if err := add(row...); err != nil {
				return err
			}
		}
	}
	return s.sw.Flush()
}

// trendCell shows a trend table cell: headers styled, whole numbers as
// numbers.
func trendCell(v string, header bool, st *xlsxStyles) any {
	if header {
		return excelize.Cell{StyleID: st.header, Value: v}
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		return x
	}
	return text(v, st.text)
}
