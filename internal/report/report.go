package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report/trend"
)

// Project is whom a report is for: a name and the AWS accounts whose
// findings it covers.
type Project struct {
	// Name is shown in the report and starts its file names.
	Name string
	// Accounts are the project's 12-digit AWS account IDs; at least one.
	Accounts []string
	// Language of the report: "ja" (the default when empty) or "en".
	Language string
}

// Format is a report file format.
type Format string

// The report formats.
const (
	// FormatXLSX is an Excel workbook: summary, findings, by-control and
	// by-resource sheets.
	FormatXLSX Format = "xlsx"
	// FormatCSV is the findings table as CSV: UTF-8 with a BOM, CRLF line
	// ends, RFC 4180 quoting, cells that could start a formula escaped.
	FormatCSV Format = "csv"
	// FormatHTML is one self-contained, printable page: the summary, the
	// by-control table, the top resources and the most severe findings.
	FormatHTML Format = "html"
)

// Formats returns every Format, in the order reports are usually sent.
func Formats() []Format { return []Format{FormatXLSX, FormatCSV, FormatHTML} }

// ParseFormat reads a format name ("xlsx", "csv", "html"; any case).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats(), f) {
		return f, nil
	}
	return "", fmt.Errorf("report format %q: want xlsx, csv or html", s)
}

// ContentType returns the format's MIME type, for mail attachments and
// stored objects.
func (f Format) ContentType() string {
	switch f {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatHTML:
		return "text/html; charset=utf-8"
	}
	return "application/octet-stream"
}

// Source yields findings page by page. *securityhub.Client implements it
// with GetFindings: the filters pushed down to the API, at most 100
// findings a page, account lists split into queries of at most 20.
type Source interface {
	// Findings calls fn, never concurrently, with each page of the
	// findings that filters (AwsSecurityFindingFilters JSON) select, and
	// returns the first error, fn's included. A finding may come twice;
	// Collect keeps one.
	Findings(ctx context.Context, filters []byte, fn func(page []*finding.Finding) error) error
}

// DefaultHTMLRows is how many findings the html report lists when
// Options.HTMLRows is 0: a page that still opens and prints.
const DefaultHTMLRows = 2000

// Options tune Collect. The zero value works: now, UTC, a first report.
type Options struct {
	// Now is the report's time: file names, ages in days. Default
	// time.Now().
	Now time.Time
	// Location is the project's time zone for dates, days and file names.
	// Default UTC.
	Location *time.Location
	// Previous is the last report's snapshot (DecodeSnapshot of what the
	// store kept), or nil for the first report of the project.
	Previous *Snapshot
	// Trend, when set, is shown on the summary: findings opened, resolved
	// and open per week.
	Trend *trend.Summary
	// Region is the Security Hub region the findings were read in (the
	// aggregation region) for console links; "" links each finding to
	// its own region.
	Region string
	// HTMLRows bounds the findings the html report lists, most severe
	// first; 0 means DefaultHTMLRows, negative means all.
	HTMLRows int
	// Progress, when set, is called after each page with the number of
	// findings read so far, from Collect's goroutine.
	Progress func(done int)
}

// Report is one project's report: its open findings, compact, with the
// summary and insights computed. Build it with Collect, write it in any
// Format with Write, any number of times. A Report is not changed after
// Collect and is safe for concurrent use.
type Report struct {
	project  Project
	l        *labels
	now      time.Time
	loc      *time.Location
	region   string
	htmlRows int
	trend    *trend.Summary
	// linkLimit is the most hyperlinks the findings sheet lists;
	// maxSheetLinks but in tests.
	linkLimit int

	syms     []string // what the rows' syms name
	rows     []row    // open findings, most severe first
	previous *time.Time
	resolved []resolvedRow // in the previous report, not open now; most severe first
	snapshot *Snapshot

	summary   Summary
	accounts  []countRow // by account, most findings first
	products  []countRow
	controls  []controlRow
	resources []resourceRow
	ages      [numSeverities][len(ageLimits) + 1]int
}

// Collect reads the project's findings from src and builds its report.
//
// Open findings are those with RecordState ACTIVE, Workflow.Status NEW or
// NOTIFIED and Compliance.Status other than PASSED (findings without a
// compliance status count). They are read with one query (AwsAccountId,
// RecordState, WorkflowStatus pushed down). The compliance score also
// needs the passed controls: a second query reads the ACTIVE control
// findings whose workflow is RESOLVED (the status Security Hub gives
// findings that passed), so no finding is read twice; see StandardScore
// for the counting.
//
// Each page is turned into compact rows at once, so memory grows with the
// number of open findings, not with their JSON. Errors name the project
// and the step; a bad Project or Options is an error before anything is
// read.
func Collect(ctx context.Context, src Source, p Project, opt Options) (*Report, error) {
	l, err := checkProject(p)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fmt.Errorf("report %q: no source", p.Name)
	}
	c := newCollector(p, l, opt)
	read := 0
	progress := func(n int) {
		read += n
		if opt.Progress != nil {
			opt.Progress(read)
		}
	}
	err = src.Findings(ctx, openFilters(p.Accounts), func(page []*finding.Finding) error {
		for _, f := range page {
			c.open(f)
		}
		progress(len(page))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report %q: read open findings: %w", p.Name, err)
	}
	err = src.Findings(ctx, resolvedControlFilters(p.Accounts), func(page []*finding.Finding) error {
		for _, f := range page {
			c.resolvedControl(f)
		}
		progress(len(page))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report %q: read resolved control findings: %w", p.Name, err)
	}
	return c.finish(), nil
}

// checkProject returns the project's labels, or what is wrong with it.
func checkProject(p Project) (*labels, error) {
	if strings.TrimSpace(p.Name) == "" {
		return nil, errors.New("report: project name: empty")
	}
	if len(p.Accounts) == 0 {
		return nil, fmt.Errorf("report %q: accounts: none; a project needs at least one AWS account ID", p.Name)
	}
	seen := map[string]bool{}
	for i, a := range p.Accounts {
		if !isAccountID(a) {
			return nil, fmt.Errorf("report %q: accounts[%d]: %q is not a 12-digit AWS account ID", p.Name, i, a)
		}
		if seen[a] {
			return nil, fmt.Errorf("report %q: accounts[%d]: %s is listed twice", p.Name, i, a)
		}
		seen[a] = true
	}
	l, err := labelsFor(p.Language)
	if err != nil {
		return nil, fmt.Errorf("report %q: %w", p.Name, err)
	}
	return l, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// stringFilter is one AwsSecurityFindingFilters StringFilter.
type stringFilter struct {
	Value      string `json:"Value"`
	Comparison string `json:"Comparison"`
}

func equalsAny(values ...string) []stringFilter {
	out := make([]stringFilter, len(values))
	for i, v := range values {
		out[i] = stringFilter{Value: v, Comparison: "EQUALS"}
	}
	return out
}

// openFilters select the project's open findings but for the compliance
// condition, which Collect checks itself (the PASSED ones among them
// count for the score).
func openFilters(accounts []string) []byte {
	return mustJSON(map[string][]stringFilter{
		"AwsAccountId":   equalsAny(accounts...),
		"RecordState":    equalsAny("ACTIVE"),
		"WorkflowStatus": equalsAny("NEW", "NOTIFIED"),
	})
}

// resolvedControlFilters select the project's active control findings
// that openFilters does not: those whose workflow is RESOLVED.
func resolvedControlFilters(accounts []string) []byte {
	return mustJSON(map[string][]stringFilter{
		"AwsAccountId":     equalsAny(accounts...),
		"RecordState":      equalsAny("ACTIVE"),
		"WorkflowStatus":   equalsAny("RESOLVED"),
		"ComplianceStatus": equalsAny("PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"),
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Maps of strings always encode.
		panic("report: encode filters: " + err.Error())
	}
	return b
}

// Summary is a report's totals, for the message that announces it and for
// the report history.
type Summary struct {
	Project string    `json:"project"`
	At      time.Time `json:"at"`
	// Open counts the open findings; BySeverity splits them.
	Open       int            `json:"open"`
	BySeverity SeverityCounts `json:"by_severity"`
	// First is true when there was no previous report to compare with;
	// New, Resolved and StillOpen are 0 then.
	First bool `json:"first"`
	// PreviousAt is the previous report's time (zero for the first).
	PreviousAt time.Time `json:"previous_at,omitzero"`
	// New are open now and not in the previous report; StillOpen were in
	// it too; Resolved were in it and are not open now.
	New       int `json:"new"`
	Resolved  int `json:"resolved"`
	StillOpen int `json:"still_open"`
	// Compliance has one score per standard the project's control
	// findings belong to, sorted by name.
	Compliance []StandardScore `json:"compliance"`
}

// SeverityCounts counts findings per severity label.
type SeverityCounts struct {
	Critical      int `json:"critical"`
	High          int `json:"high"`
	Medium        int `json:"medium"`
	Low           int `json:"low"`
	Informational int `json:"informational"`
}

// Of returns the count of a severity label (CRITICAL, HIGH, ...); 0 for
// anything else.
func (c SeverityCounts) Of(label string) int {
	switch label {
	case finding.LabelCritical:
		return c.Critical
	case finding.LabelHigh:
		return c.High
	case finding.LabelMedium:
		return c.Medium
	case finding.LabelLow:
		return c.Low
	case finding.LabelInformational:
		return c.Informational
	}
	return 0
}

func countsOf(n [numSeverities]int) SeverityCounts {
	return SeverityCounts{Critical: n[0], High: n[1], Medium: n[2], Low: n[3], Informational: n[4]}
}

// Summary returns the report's totals. The caller may modify the result.
func (r *Report) Summary() Summary {
	s := r.summary
	s.Compliance = slices.Clone(r.summary.Compliance)
	return s
}

// Snapshot returns what the next report of the project compares with.
func (r *Report) Snapshot() *Snapshot { return r.snapshot }

// Project returns the project the report is for.
func (r *Report) Project() Project { return r.project }

// s returns the string a sym names.
func (r *Report) s(k sym) string { return r.syms[k] }

// consoleURL is a row's Security Hub console link, in the aggregation
// region the report read (or the finding's own when that is unknown).
func (r *Report) consoleURL(rw *row) string {
	f := &finding.Finding{ID: rw.id, ProviderID: rw.providerID, ProductARN: r.s(rw.productARN), Region: r.s(rw.region), Format: finding.FormatASFF}
	if rw.ocsf {
		f.Format = finding.FormatOCSF
	}
	return finding.ConsoleURL(f, r.region)
}

// Len is the number of open findings in the report.
func (r *Report) Len() int { return len(r.rows) }
