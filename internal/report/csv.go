package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// utf8BOM starts the csv report: Excel (in Japan above all) reads a CSV
// file as UTF-8 only when it starts with a byte order mark.
const utf8BOM = "\uFEFF"

// writeCSV writes the findings table: a header row in the report's
// language, then one row per open finding, most severe first. Times are
// "2006-01-02 15:04" in the project's time zone; links are the URLs.
func (r *Report) writeCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(r.l.findingColumns()); err != nil {
		return err
	}
	rec := make([]string, len(r.l.findingColumns()))
	for i := range r.rows {
		r.csvRecord(&r.rows[i], rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvRecord fills rec with a row's cells, each guarded against formula
// injection.
func (r *Report) csvRecord(rw *row, rec []string) {
	l := r.l
	rec[0] = l.sev(rw.sev)
	rec[1] = r.s(rw.account)
	rec[2] = r.s(rw.region)
	rec[3] = r.s(rw.product)
	rec[4] = r.s(rw.control)
	rec[5] = r.s(rw.title)
	rec[6] = r.s(rw.resourceType)
	rec[7] = r.s(rw.resourceID)
	rec[8] = value(l.Compliance, r.s(rw.compliance))
	rec[9] = value(l.Workflow, r.s(rw.workflow))
	rec[10] = r.changeText(rw.change)
	rec[11] = r.timeText(rw.first)
	rec[12] = r.timeText(rw.last)
	rec[13] = strconv.Itoa(int(rw.age))
	rec[14] = r.consoleURL(rw)
	rec[15] = r.s(rw.remediation)
	rec[16] = rw.id
	for i := range rec {
		if i != 13 {
			rec[i] = noFormula(rec[i])
		}
	}
}

// timeText is a time in the project's zone, to the minute, or "".
func (r *Report) timeText(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(r.loc).Format("2006-01-02 15:04")
}

// noFormula keeps a spreadsheet from reading a cell as a formula: a value
// starting with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP, CSV Injection).
func noFormula(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}
