package report

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/report/trend"
)

// How much of the long lists the summary shows.
const (
	topControls  = 20
	topResolved  = 100
	topResources = 100 // html only; the xlsx lists them all
)

// Write writes the report in format f to w. The xlsx form's sheets are
// streamed into memory and, past 16 MB a sheet, temporary files (in
// os.TempDir), and the zip is then written straight to w; csv and html
// stream. Safe to call concurrently, also for one Report. Errors name the
// format and what failed; w's errors are returned wrapped.
func (r *Report) Write(w io.Writer, f Format) error {
	var err error
	switch f {
	case FormatXLSX:
		err = r.writeXLSX(w)
	case FormatCSV:
		err = r.writeCSV(w)
	case FormatHTML:
		bw := bufio.NewWriterSize(w, 64<<10)
		if err = r.writeHTML(bw); err == nil {
			err = bw.Flush()
		}
	default:
		return fmt.Errorf("report %q: format %q: want xlsx, csv or html", r.project.Name, f)
	}
	if err != nil {
		return fmt.Errorf("report %q: write %s: %w", r.project.Name, f, err)
	}
	return nil
}

// FileName is the report's file name in format f: the project's name made
// safe for file systems, URLs and S3 keys (lower-case ASCII letters,
// digits and hyphens), the report's date in the project's time zone and
// the extension, e.g. "system-a-2026-11-23.xlsx". A name with no ASCII
// letter or digit ("基幹システム") becomes "project-" and a short hash
// of it, so that two such projects still get different names.
func (r *Report) FileName(f Format) string {
	return fileSlug(r.project.Name) + "-" + r.now.In(r.loc).Format("2006-01-02") + "." + string(f)
}

func fileSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		h := fnv.New32a()
		h.Write([]byte(name))
		s = fmt.Sprintf("project-%08x", h.Sum32())
	}
	return s
}

// severityLine is one line of the summary's open-findings table: a
// severity (sev ≥ 0) or the total (sev -1).
type severityLine struct {
	name                       string
	sev                        int
	open, new, still, resolved int
}

// severityTable counts open, new, still open and resolved findings per
// severity, then the totals.
func (r *Report) severityTable() []severityLine {
	lines := make([]severityLine, numSeverities+1)
	for s := range numSeverities {
		lines[s] = severityLine{name: r.l.sev(severity(s)), sev: s}
	}
	total := &lines[numSeverities]
	total.name, total.sev = r.l.Total, -1
	for i := range r.rows {
		rw := &r.rows[i]
		ln := &lines[rw.sev]
		ln.open++
		switch rw.change {
		case changeNew:
			ln.new++
		case changeStillOpen:
			ln.still++
		}
	}
	for _, e := range r.resolved {
		lines[e.sev].resolved++
	}
	for s := range numSeverities {
		total.open += lines[s].open
		total.new += lines[s].new
		total.still += lines[s].still
		total.resolved += lines[s].resolved
	}
	return lines
}

// trendTables returns the trend's daily open, weekly and time-to-resolve tables
// (header row first, without the project column), or nothing without a
// trend.
func (r *Report) trendTables() ([][][]string, error) {
	if r.trend == nil {
		return nil, nil
	}
	var out [][][]string
	for _, what := range []string{trend.Daily, trend.Weekly, trend.MTTR} {
		rows, err := trend.Rows([]*trend.Summary{r.trend}, what, r.l.Lang)
		if err != nil {
			return nil, fmt.Errorf("trend: %w", err)
		}
		for i := range rows {
			rows[i] = rows[i][1:]
		}
		out = append(out, rows)
	}
	return out, nil
}
