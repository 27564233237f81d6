package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once; html/template escapes every value by its
// context, and refuses URLs that are not http(s) in href.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"sevClass": func(s severity) string { return strings.ToLower(severities[s]) },
	"sevName":  func(l *labels, s severity) string { return l.sev(s) },
	"percent":  func(x float64) string { return fmt.Sprintf("%.1f%%", x*100) },
	"width":    func(x float64) string { return fmt.Sprintf("%.1f%%", x*100) },
}).Parse(htmlSource))

// htmlView is what the template shows; every field is plain data.
type htmlView struct {
	L          *labels
	Title      string
	Generated  string
	TimeZone   string
	Accounts   string
	Previous   string
	HasPrev    bool
	Severities []htmlSeverityLine
	SevIndex   []severity
	AgeHeads   []string
	Ages       [][]int
	Compliance []StandardScore
	Counts     []htmlCounts
	Controls   []htmlControl
	Resources  []htmlResource
	TopRes     string
	Resolved   []htmlResolved
	MoreRes    string
	Trend      [][][]string
	Findings   []htmlFinding
	Shown      string
	Open       int
}

type htmlCounts struct {
	Title, First string
	Rows         []htmlCountRow
}

type htmlSeverityLine struct {
	Name, Class                string // Class is "" for the total
	Open, New, Still, Resolved int
}

type htmlCountRow struct {
	Name  string
	N     []int
	Total int
}

type htmlControl struct {
	Control, Title             string
	Highest                    severity
	Total, Accounts, Resources int
}

type htmlResource struct {
	ID, Type, Account string
	Highest           severity
	Total             int
}

type htmlResolved struct {
	Sev                         severity
	Account, Control, Title, ID string
}

func htmlCountRows(in []countRow) []htmlCountRow {
	out := make([]htmlCountRow, len(in))
	for i, c := range in {
		out[i] = htmlCountRow{Name: c.name, N: c.n[:], Total: c.total}
	}
	return out
}

type htmlFinding struct {
	Sev                                         severity
	SevName, Account, Region, Product, Control  string
	Title, ResourceType, ResourceID, Compliance string
	Workflow, Change, First, Last, ID           string
	Age                                         int32
	Console, Remediation                        string
}

// writeHTML writes the printable page.
func (r *Report) writeHTML(w io.Writer) error {
	l := r.l
	v := htmlView{
		L:         l,
		Title:     fmt.Sprintf(l.Title, r.project.Name),
		Generated: r.now.In(r.loc).Format("2006-01-02 15:04"),
		TimeZone:  r.loc.String(),
		Accounts:  strings.Join(r.project.Accounts, ", "),
		Previous:  l.NoPrevious,
		HasPrev:   r.previous != nil,

		AgeHeads:   strings.Split(l.AgeBuckets, "|"),
		Compliance: r.summary.Compliance,
		Counts: []htmlCounts{
			{Title: l.SecAccounts, First: l.ColAccount, Rows: htmlCountRows(r.accounts)},
			{Title: l.SecProducts, First: l.ColProduct, Rows: htmlCountRows(r.products)},
		},
		TopRes: fmt.Sprintf(l.SecResources, topResources),
		Open:   len(r.rows),
	}
	for _, sl := range r.severityTable() {
		h := htmlSeverityLine{Name: sl.name, Open: sl.open, New: sl.new, Still: sl.still, Resolved: sl.resolved}
		if sl.sev >= 0 {
			h.Class = strings.ToLower(severities[sl.sev])
		}
		v.Severities = append(v.Severities, h)
	}
	for i := range r.controls {
		c := &r.controls[i]
		v.Controls = append(v.Controls, htmlControl{Control: c.control, Title: c.title, Highest: c.highest,
			Total: c.total, Accounts: c.accounts, Resources: c.resources})
	}
	for _, rr := range r.resources[:min(len(r.resources), topResources)] {
		v.Resources = append(v.Resources, htmlResource{ID: rr.id, Type: rr.typ, Account: rr.account, Highest: rr.highest, Total: rr.total})
	}
	for _, e := range r.resolved[:min(len(r.resolved), topResolved)] {
		v.Resolved = append(v.Resolved, htmlResolved{Sev: e.sev, Account: e.account, Control: e.control, Title: e.title, ID: e.id})
	}
	if r.previous != nil {
		v.Previous = r.previous.In(r.loc).Format("2006-01-02 15:04")
	}
	for s := range numSeverities {
		v.SevIndex = append(v.SevIndex, severity(s))
		v.Ages = append(v.Ages, r.ages[s][:])
	}
	if more := len(r.resolved) - topResolved; more > 0 {
		v.MoreRes = fmt.Sprintf(l.AndMore, more)
	}
	trendTables, err := r.trendTables()
	if err != nil {
		return err
	}
	v.Trend = trendTables
	n := len(r.rows)
	if r.htmlRows >= 0 && n > r.htmlRows {
		n = r.htmlRows
		v.Shown = fmt.Sprintf(l.HtmlShown, n, len(r.rows))
	}
	v.Findings = make([]htmlFinding, n)
	for i := range n {
		rw := &r.rows[i]
		hf := htmlFinding{
			Sev: rw.sev, SevName: l.sev(rw.sev), Account: r.s(rw.account), Region: r.s(rw.region), Product: r.s(rw.product),
			Control: r.s(rw.control), Title: r.s(rw.title), ResourceType: r.s(rw.resourceType), ResourceID: r.s(rw.resourceID),
			Compliance: value(l.Compliance, r.s(rw.compliance)), Workflow: value(l.Workflow, r.s(rw.workflow)),
			Change: r.changeText(rw.change), First: r.timeText(rw.first), Last: r.timeText(rw.last),
			ID: rw.id, Age: rw.age,
		}
		if u := r.consoleURL(rw); linkable(u) {
			hf.Console = u
		}
		if linkable(r.s(rw.remediation)) {
			hf.Remediation = r.s(rw.remediation)
		}
		v.Findings[i] = hf
	}
	return htmlTemplate.Execute(w, v)
}
