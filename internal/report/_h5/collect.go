package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// ageLimits bound the age buckets of the summary, in days: 0-7, 8-30,
// 31-90 and 91 or more.
var ageLimits = [...]int32{7, 30, 90}

// countRow is one line of a count table: a name (account, product) and
// its open findings per severity.
type countRow struct {
	name  string
	n     [numSeverities]int
	total int
}

// controlRow is one line of the by-control sheet.
type controlRow struct {
	control, title, remediation string
	n                           [numSeverities]int
	total, accounts, resources  int
	highest                     severity
}

// resourceRow is one line of the by-resource sheet.
type resourceRow struct {
	id, typ, account, region string
	n                        [numSeverities]int
	total                    int
	highest                  severity
}

// collector turns pages of findings into a Report.
type collector struct {
	p        Project
	l        *labels
	opt      Options
	accounts map[string]bool
	in       interner
	rows     []row
	scores   scores
}

func newCollector(p Project, l *labels, opt Options) *collector {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	switch {
	case opt.HTMLRows == 0:
		opt.HTMLRows = DefaultHTMLRows
	case opt.HTMLRows < 0:
		opt.HTMLRows = -1
	}
	c := &collector{p: p, l: l, opt: opt, accounts: map[string]bool{}, in: interner{}, scores: scores{}}
	for _, a := range p.Accounts {
		c.accounts[a] = true
	}
	return c
}

// open takes a finding of the open-findings query. The filters were
// pushed down, but a Source may be less exact than GetFindings, so every
// condition is checked again here.
func (c *collector) open(f *finding.Finding) {
	if f == nil || !c.accounts[f.AccountID] || f.RecordState != "ACTIVE" {
		return
	}
	c.scores.add(f, c.in)
	if (f.Workflow != "NEW" && f.Workflow != "NOTIFIED") || f.Compliance.Status == "PASSED" {
		return
	}
	c.rows = append(c.rows, newRow(f, c.in))
}

// resolvedControl takes a finding of the resolved-controls query: it only
// counts for the compliance score.
func (c *collector) resolvedControl(f *finding.Finding) {
	if f == nil || !c.accounts[f.AccountID] || f.Workflow != "RESOLVED" {
		return
	}
	c.scores.add(f, c.in)
}

// byKey orders rows by product ARN and Id, as snapshots are.
func byKey(a, b row) int {
	if c := strings.Compare(a.productARN, b.productARN); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// byDisplay orders rows as the report lists them: severity (most severe
// first), account, control, title, resource, Id.
func byDisplay(a, b row) int {
	return cmp.Or(
		cmp.Compare(a.sev, b.sev),
		strings.Compare(a.account, b.account),
		strings.Compare(a.control, b.control),
		strings.Compare(a.title, b.title),
		strings.Compare(a.resourceID, b.resourceID),
		strings.Compare(a.id, b.id),
		strings.Compare(a.productARN, b.productARN),
	)
}

// finish deduplicates the rows, compares them with the previous snapshot,
// takes the new snapshot, computes every table and sorts the rows for
// display.
func (c *collector) finish() *Report {
	r := &Report{
		project: c.p, l: c.l, now: c.opt.Now, loc: c.opt.Location, region: c.opt.Region,
		htmlRows: c.opt.HTMLRows, trend: c.opt.Trend,
	}
	r.project.Accounts = slices.Clone(c.p.Accounts)
	rows := c.rows
	c.rows = nil
	slices.SortFunc(rows, byKey)
	rows = slices.CompactFunc(rows, func(a, b row) bool { return byKey(a, b) == 0 })
	rows = slices.Clip(rows)

	nowMillis := c.opt.Now.UnixMilli()
	snap := &Snapshot{at: c.opt.Now.UTC(), entries: make([]snapEntry, len(rows))}
	var prev []snapEntry
	if c.opt.Previous != nil {
		prev = c.opt.Previous.entries
		at := c.opt.Previous.at
		r.previous = &at
	}
	j := 0
	for i := range rows {
		rw := &rows[i]
		for j < len(prev) && prev[j].less(rw.productARN, rw.id) < 0 {
			r.resolved = append(r.resolved, prev[j])
			j++
		}
		first := rw.first
		switch {
		case r.previous == nil:
			rw.change = changeNone
		case j < len(prev) && prev[j].less(rw.productARN, rw.id) == 0:
			rw.change = changeStillOpen
			if first == 0 {
				first = prev[j].first
			}
			j++
		default:
			rw.change = changeNew
		}
		if first == 0 {
			// Never seen before and no time of its own: its age counts
			// from this report on.
			first = nowMillis
		}
		rw.age = ageDays(first, c.opt.Now, c.opt.Location)
		snap.entries[i] = snapEntry{productARN: rw.productARN, id: rw.id, account: rw.account,
			control: rw.control, title: rw.title, sev: rw.sev, first: first}
	}
	r.resolved = append(r.resolved, prev[j:]...)
	slices.SortFunc(r.resolved, func(a, b snapEntry) int {
		return cmp.Or(cmp.Compare(a.sev, b.sev), strings.Compare(a.account, b.account),
			strings.Compare(a.control, b.control), strings.Compare(a.title, b.title), strings.Compare(a.id, b.id))
	})
	r.snapshot = snap

	slices.SortFunc(rows, byDisplay)
	r.rows = rows
	r.tables()

	var total [numSeverities]int
	for _, a := range r.accounts {
		for s := range total {
			total[s] += a.n[s]
		}
	}
	r.summary = Summary{
		Project: c.p.Name, At: c.opt.Now, Open: len(rows), BySeverity: countsOf(total),
		First: r.previous == nil, Resolved: len(r.resolved), Compliance: c.scores.result(),
	}
	if r.previous != nil {
		r.summary.PreviousAt = *r.previous
		for i := range rows {
			if rows[i].change == changeNew {
				r.summary.New++
			} else {
				r.summary.StillOpen++
			}
		}
	}
	return r
}

// tables computes the count tables, the by-control and by-resource
// tables and the age buckets from the rows, which are in display order.
func (r *Report) tables() {
	accounts := map[string]*countRow{}
	products := map[string]*countRow{}
	controls := map[string]*controlRow{}
	controlAccounts := map[[2]string]bool{}
	controlResources := map[[2]string]bool{}
	resources := map[string]*resourceRow{}
	for _, a := range r.project.Accounts {
		accounts[a] = &countRow{name: a}
	}
	count := func(m map[string]*countRow, name string, s severity) {
		cr := m[name]
		if cr == nil {
			cr = &countRow{name: name}
			m[name] = cr
		}
		cr.n[s]++
		cr.total++
	}
	for i := range r.rows {
		rw := &r.rows[i]
		count(accounts, rw.account, rw.sev)
		count(products, rw.product, rw.sev)

		cr := controls[rw.control]
		if cr == nil {
			// Rows are most severe first: the first row of a control
			// gives its title, highest severity and remediation.
			cr = &controlRow{control: rw.control, title: rw.title, remediation: rw.remediation, highest: rw.sev}
			controls[rw.control] = cr
		}
		cr.n[rw.sev]++
		cr.total++
		if cr.remediation == "" {
			cr.remediation = rw.remediation
		}
		if k := [2]string{rw.control, rw.account}; !controlAccounts[k] {
			controlAccounts[k] = true
			cr.accounts++
		}
		if rw.resourceID != "" {
			if k := [2]string{rw.control, rw.resourceID}; !controlResources[k] {
				controlResources[k] = true
				cr.resources++
			}
			rr := resources[rw.resourceID]
			if rr == nil {
				rr = &resourceRow{id: rw.resourceID, typ: rw.resourceType, account: rw.account, region: rw.region, highest: rw.sev}
				resources[rw.resourceID] = rr
			}
			rr.n[rw.sev]++
			rr.total++
		}
		bucket := len(ageLimits)
		for k, limit := range ageLimits {
			if rw.age <= limit {
				bucket = k
				break
			}
		}
		r.ages[rw.sev][bucket]++
	}
	r.accounts = sortedCounts(accounts)
	r.products = sortedCounts(products)
	r.controls = make([]controlRow, 0, len(controls))
	for _, cr := range controls {
		r.controls = append(r.controls, *cr)
	}
	slices.SortFunc(r.controls, func(a, b controlRow) int {
		return cmp.Or(-cmp.Compare(a.total, b.total), cmp.Compare(a.highest, b.highest), strings.Compare(a.control, b.control))
	})
	r.resources = make([]resourceRow, 0, len(resources))
	for _, rr := range resources {
		r.resources = append(r.resources, *rr)
	}
	slices.SortFunc(r.resources, func(a, b resourceRow) int {
		return cmp.Or(-cmp.Compare(a.total, b.total), cmp.Compare(a.highest, b.highest), strings.Compare(a.id, b.id))
	})
}

// sortedCounts lists a count table, most findings first, then by name.
func sortedCounts(m map[string]*countRow) []countRow {
	out := make([]countRow, 0, len(m))
	for _, cr := range m {
		out = append(out, *cr)
	}
	slices.SortFunc(out, func(a, b countRow) int {
		return cmp.Or(-cmp.Compare(a.total, b.total), strings.Compare(a.name, b.name))
	})
	return out
}
