package trend

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The tables a Summary is written as (the what of WriteCSV and
// WriteTable).
const (
	Daily  = "daily"  // one row per day: open findings by severity
	Weekly = "weekly" // one row per ISO week: new, reopened, resolved, suppressed
	MTTR   = "mttr"   // one row per severity: resolved episodes, mean and median time to resolve
)

// Tables lists the accepted values of what, in documentation order.
func Tables() []string { return []string{Daily, Weekly, MTTR} }

// Languages lists the accepted values of lang.
func Languages() []string { return []string{"ja", "en"} }

// ExcelBOM is the UTF-8 byte order mark. Excel reads a CSV file as UTF-8
// (and shows Japanese headers) only when the file starts with it; callers
// writing a file for spreadsheets write it before WriteCSV's output.
const ExcelBOM = "\uFEFF"

// headers holds each table's column names per language. The severity
// columns of the daily table are the labels themselves.
var headers = map[string]map[string][]string{
	"en": {
		Daily:  {"project", "date", "@severities", "total"},
		Weekly: {"project", "week_start", "iso_week", "new", "reopened", "resolved", "suppressed"},
		MTTR:   {"project", "severity", "resolved", "mean_hours", "median_hours"},
	},
	"ja": {
		Daily:  {"プロジェクト", "日付", "@severities", "合計"},
		Weekly: {"プロジェクト", "週の開始日 (月曜)", "ISO週", "新規", "再発", "解決", "抑制"},
		MTTR:   {"プロジェクト", "重要度", "解決件数", "平均解決時間 (時間)", "中央値 (時間)"},
	},
}

// tableHeaders validates what and lang and returns the header row for the
// severity columns sevs.
func tableHeaders(what, lang string, sevs []string) ([]string, error) {
	byWhat, ok := headers[lang]
	if !ok {
		return nil, fmt.Errorf("language %q: want one of %s", lang, strings.Join(Languages(), ", "))
	}
	cols, ok := byWhat[what]
	if !ok {
		return nil, fmt.Errorf("table %q: want one of %s", what, strings.Join(Tables(), ", "))
	}
	var out []string
	for _, c := range cols {
		if c == "@severities" {
			out = append(out, sevs...)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// WriteCSV writes one table of s as CSV (RFC 4180, no BOM: see ExcelBOM)
// with headers in lang ("ja" or "en"): what is "daily", "weekly" or
// "mttr". Dates are YYYY-MM-DD in the Summary's Location and durations
// hours with two decimals. It is WriteCSVAll for one Summary.
func (s *Summary) WriteCSV(w io.Writer, what, lang string) error {
	return WriteCSVAll(w, []*Summary{s}, what, lang)
}

// WriteCSVAll writes one table of several Summaries (projects) under one
// header row: every row starts with its project's name, and the daily
// table's severity columns are the union of the Summaries' Severities.
// An unknown what or lang fails before anything is written.
func WriteCSVAll(w io.Writer, sums []*Summary, what, lang string) error {
	rows, err := Rows(sums, what, lang)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("trend: write csv: %w", err)
	}
	return nil
}

// Rows returns one table of sums as text cells: the header row first, then
// the rows WriteCSVAll writes. Callers filling a spreadsheet sheet use it.
func Rows(sums []*Summary, what, lang string) ([][]string, error) {
	sevs := unionSeverities(sums)
	head, err := tableHeaders(what, lang, sevs)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	out := [][]string{head}
	for _, s := range sums {
		switch what {
		case Daily:
			for _, d := range s.Days {
				row := []string{s.Project, d.Date.Format(time.DateOnly)}
				for _, sev := range sevs {
					row = append(row, strconv.Itoa(d.Open[sev]))
				}
				out = append(out, append(row, strconv.Itoa(d.Total())))
			}
		case Weekly:
			for _, wk := range s.Weeks {
				out = append(out, []string{s.Project, wk.Start.Format(time.DateOnly), isoWeek(wk.Start),
					strconv.Itoa(wk.New), strconv.Itoa(wk.Reopened), strconv.Itoa(wk.Resolved), strconv.Itoa(wk.Suppressed)})
			}
		case MTTR:
			for _, m := range s.MTTR {
				mean, median := "", ""
				if m.Resolved > 0 {
					mean, median = hours(m.Mean), hours(m.Median)
				}
				out = append(out, []string{s.Project, m.Severity, strconv.Itoa(m.Resolved), mean, median})
			}
		}
	}
	return out, nil
}

// unionSeverities returns the labels of every Summary in column order.
func unionSeverities(sums []*Summary) []string {
	seen := map[string]bool{}
	for _, s := range sums {
		for _, sev := range s.Severities {
			seen[sev] = true
		}
	}
	return orderSeverities(seen)
}

// isoWeek formats the ISO week of t as 2026-W45.
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// hours formats d in hours with two decimals.
func hours(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) }

// WriteTable writes one table of sums for people: one block per project
// under its name and period, columns aligned for a terminal (Japanese
// characters count two columns), headers in lang, times to resolve as
// "3d 4h" (ja "3日 4時間"). An unknown what or lang fails before anything
// is written.
func WriteTable(w io.Writer, sums []*Summary, what, lang string) error {
	rows, err := Rows(sums, what, lang)
	if err != nil {
		return err
	}
	head := slices.Clone(rows[0][1:]) // the project column becomes the block title
	if what == MTTR {
		head[2], head[3] = meanLabel[lang], medianLabel[lang]
	}
	var b strings.Builder
	next := 1
	for n, s := range sums {
		if n > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title(s, lang) + "\n")
		block := [][]string{head}
		for ; next < len(rows) && rows[next][0] == s.Project && len(block)-1 < tableLen(s, what); next++ {
			row := slices.Clone(rows[next][1:])
			if what == MTTR {
				m := s.MTTR[len(block)-1]
				row[2], row[3] = "-", "-"
				if m.Resolved > 0 {
					row[2], row[3] = human(m.Mean, lang), human(m.Median, lang)
				}
			}
			block = append(block, row)
		}
		align(&b, block)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("trend: write table: %w", err)
	}
	return nil
}

// tableLen is the number of rows s has in table what.
func tableLen(s *Summary, what string) int {
	switch what {
	case Daily:
		return len(s.Days)
	case Weekly:
		return len(s.Weeks)
	}
	return len(s.MTTR)
}

// align writes rows with the first column left-aligned and the others
// right-aligned, two spaces apart.
func align(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}

// displayWidth is the number of terminal columns s takes: East Asian wide
// and full-width characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
		return true
	}
	return false
}

var (
	meanLabel   = map[string]string{"en": "mean", "ja": "平均解決時間"}
	medianLabel = map[string]string{"en": "median", "ja": "中央値"}
)

// title names a Summary's block: project (or all accounts) and period,
// the last day inclusive.
func title(s *Summary, lang string) string {
	name := s.Project
	from := s.From.In(s.Location).Format(time.DateOnly)
	to := s.To.Add(-time.Millisecond).In(s.Location).Format(time.DateOnly)
	if lang == "ja" {
		if name == "" {
			name = "全アカウント"
		}
		return fmt.Sprintf("%s: %s 〜 %s (%s)", name, from, to, s.Location)
	}
	if name == "" {
		name = "all accounts"
	}
	return fmt.Sprintf("%s: %s to %s (%s)", name, from, to, s.Location)
}

// human writes d (at least a minute) in its largest unit of days, hours
// and minutes, and the next unit when it is not zero: "3d 4h", "5h",
// "12m"; ja "3日 4時間".
func human(d time.Duration, lang string) string {
	if d < time.Minute {
		if lang == "ja" {
			return "1分未満"
		}
		return "<1m"
	}
	day := 24 * time.Hour
	vals := []int64{int64(d / day), int64(d % day / time.Hour), int64(d % time.Hour / time.Minute)}
	units := map[string][]string{"en": {"d", "h", "m"}, "ja": {"日", "時間", "分"}}[lang]
	i := 0
	for vals[i] == 0 {
		i++
	}
	out := strconv.FormatInt(vals[i], 10) + units[i]
	if i+1 < len(vals) && vals[i+1] > 0 {
		out += " " + strconv.FormatInt(vals[i+1], 10) + units[i+1]
	}
	return out
}

// summaryJSON is the JSON form of a Summary.
type summaryJSON struct {
	Project    string     `json:"project"`
	From       time.Time  `json:"from"`
	To         time.Time  `json:"to"`
	TimeZone   string     `json:"time_zone"`
	Severities []string   `json:"severities"`
	Days       []dayJSON  `json:"days"`
	Weeks      []weekJSON `json:"weeks"`
	MTTR       []mttrJSON `json:"mttr"`
}

type dayJSON struct {
	Date  string         `json:"date"`
	Open  map[string]int `json:"open"`
	Total int            `json:"total"`
}

type weekJSON struct {
	Start      string `json:"start"`
	ISOWeek    string `json:"iso_week"`
	New        int    `json:"new"`
	Reopened   int    `json:"reopened"`
	Resolved   int    `json:"resolved"`
	Suppressed int    `json:"suppressed"`
}

type mttrJSON struct {
	Severity      string  `json:"severity"`
	Resolved      int     `json:"resolved"`
	MeanSeconds   float64 `json:"mean_seconds"`
	MedianSeconds float64 `json:"median_seconds"`
}

// MarshalJSON writes the Summary for scripts: dates as YYYY-MM-DD, every
// severity of Severities present in each day's "open" (0 when none), and
// times to resolve in seconds. The field names are documented output.
func (s *Summary) MarshalJSON() ([]byte, error) {
	out := summaryJSON{
		Project: s.Project, From: s.From, To: s.To, TimeZone: s.Location.String(),
		Severities: s.Severities, Days: []dayJSON{}, Weeks: []weekJSON{}, MTTR: []mttrJSON{},
	}
	for _, d := range s.Days {
		open := make(map[string]int, len(s.Severities))
		for _, sev := range s.Severities {
			open[sev] = d.Open[sev]
		}
		out.Days = append(out.Days, dayJSON{Date: d.Date.Format(time.DateOnly), Open: open, Total: d.Total()})
	}
	for _, w := range s.Weeks {
		out.Weeks = append(out.Weeks, weekJSON{Start: w.Start.Format(time.DateOnly), ISOWeek: isoWeek(w.Start),
			New: w.New, Reopened: w.Reopened, Resolved: w.Resolved, Suppressed: w.Suppressed})
	}
	for _, m := range s.MTTR {
		out.MTTR = append(out.MTTR, mttrJSON{Severity: m.Severity, Resolved: m.Resolved,
			MeanSeconds: m.Mean.Seconds(), MedianSeconds: m.Median.Seconds()})
	}
	return json.Marshal(out)
}
