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

// resolvedRow is a finding of the previous report that is not open now.
type resolvedRow struct {
	id, account, control, title string
	sev                         severity
}

// collector turns pages of findings into a Report.
type collector struct {
	p        Project
	l        *labels
	opt      Options
	accounts map[string]bool
	syms     *symbols
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
	c := &collector{p: p, l: l, opt: opt, accounts: map[string]bool{}, syms: newSymbols(), scores: scores{}}
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
	c.scores.add(f)
	if (f.Workflow != "NEW" && f.Workflow != "NOTIFIED") || f.Compliance.Status == "PASSED" {
		return
	}
	c.rows = append(c.rows, newRow(f, c.syms))
}

// resolvedControl takes a finding of the resolved-controls query: it only
// counts for the compliance score.
func (c *collector) resolvedControl(f *finding.Finding) {
	if f == nil || !c.accounts[f.AccountID] || f.Workflow != "RESOLVED" {
		return
	}
	c.scores.add(f)
}

// finish deduplicates the rows, compares them with the previous snapshot,
// takes the new snapshot, computes every table and sorts the rows for
// display.
func (c *collector) finish() *Report {
	syms := c.syms.list
	str := func(k sym) string { return syms[k] }
	r := &Report{
		project: c.p, l: c.l, now: c.opt.Now, loc: c.opt.Location, region: c.opt.Region,
		htmlRows: c.opt.HTMLRows, trend: c.opt.Trend, syms: syms, linkLimit: maxSheetLinks,
	}
	r.project.Accounts = slices.Clone(c.p.Accounts)
	c.syms.index = nil // the table is complete; its index is not needed
	rows := c.rows
	c.rows = nil

	// By key (product ARN, Id), as snapshots are; one row per finding.
	byKey := func(a, b row) int {
		return cmp.Or(strings.Compare(str(a.productARN), str(b.productARN)), strings.Compare(a.id, b.id))
	}
	slices.SortFunc(rows, byKey)
	rows = slices.CompactFunc(rows, func(a, b row) bool { return byKey(a, b) == 0 })
	if cap(rows) > len(rows)+len(rows)/4 {
		rows = slices.Clone(rows) // let the append slack go
	}

	nowMillis := c.opt.Now.UnixMilli()
	snap := &Snapshot{at: c.opt.Now.UTC(), strs: syms, entries: make([]snapEntry, len(rows))}
	prev := c.opt.Previous
	var pe []snapEntry
	if prev != nil {
		pe = prev.entries
		at := prev.at
		r.previous = &at
	}
	resolved := func(e *snapEntry) {
		r.resolved = append(r.resolved, resolvedRow{id: e.id, account: prev.strs[e.account],
			control: prev.strs[e.control], title: prev.strs[e.title], sev: e.sev})
	}
	j := 0
	for i := range rows {
		rw := &rows[i]
		arn := str(rw.productARN)
		for j < len(pe) && prev.compare(&pe[j], arn, rw.id) < 0 {
			resolved(&pe[j])
			j++
		}
		first := rw.first
		switch {
		case prev == nil:
			rw.change = changeNone
		case j < len(pe) && prev.compare(&pe[j], arn, rw.id) == 0:
			rw.change = changeStillOpen
			if first == 0 {
				first = pe[j].first
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
		snap.entries[i] = snapEntry{id: rw.id, first: first, productARN: rw.productARN, account: rw.account,
			control: rw.control, title: rw.title, sev: rw.sev}
	}
	for ; j < len(pe); j++ {
		resolved(&pe[j])
	}
	slices.SortFunc(r.resolved, func(a, b resolvedRow) int {
		return cmp.Or(cmp.Compare(a.sev, b.sev), strings.Compare(a.account, b.account),
			strings.Compare(a.control, b.control), strings.Compare(a.title, b.title), strings.Compare(a.id, b.id))
	})
	r.snapshot = snap

	// As the report lists them: severity (most severe first), account,
	// control, title, resource, Id.
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(
			cmp.Compare(a.sev, b.sev),
			strings.Compare(str(a.account), str(b.account)),
			strings.Compare(str(a.control), str(b.control)),
			strings.Compare(str(a.title), str(b.title)),
			strings.Compare(str(a.resourceID), str(b.resourceID)),
			strings.Compare(a.id, b.id),
			strings.Compare(str(a.productARN), str(b.productARN)),
		)
	})
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
	products := map[sym]*countRow{}
	controls := map[sym]*controlRow{}
	controlAccounts := map[[2]sym]bool{}
	controlResources := map[[2]sym]bool{}
	resources := map[sym]*resourceRow{}
	for _, a := range r.project.Accounts {
		accounts[a] = &countRow{name: a}
	}
	for i := range r.rows {
		rw := &r.rows[i]
		acct := accounts[r.s(rw.account)]
		if acct == nil {
			acct = &countRow{name: r.s(rw.account)}
			accounts[acct.name] = acct
		}
		acct.n[rw.sev]++
		acct.total++
		prod := products[rw.product]
		if prod == nil {
			prod = &countRow{name: r.s(rw.product)}
			products[rw.product] = prod
		}
		prod.n[rw.sev]++
		prod.total++

		cr := controls[rw.control]
		if cr == nil {
			// Rows are most severe first: the first row of a control
			// gives its title, highest severity and remediation.
			cr = &controlRow{control: r.s(rw.control), title: r.s(rw.title), remediation: r.s(rw.remediation), highest: rw.sev}
			controls[rw.control] = cr
		}
		cr.n[rw.sev]++
		cr.total++
		if cr.remediation == "" {
			cr.remediation = r.s(rw.remediation)
		}
		if k := [2]sym{rw.control, rw.account}; !controlAccounts[k] {
			controlAccounts[k] = true
			cr.accounts++
		}
		if rw.resourceID != 0 {
			if k := [2]sym{rw.control, rw.resourceID}; !controlResources[k] {
				controlResources[k] = true
				cr.resources++
			}
			rr := resources[rw.resourceID]
			if rr == nil {
				rr = &resourceRow{id: r.s(rw.resourceID), typ: r.s(rw.resourceType), account: r.s(rw.account), region: r.s(rw.region), highest: rw.sev}
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
func sortedCounts[K comparable](m map[K]*countRow) []countRow {
	out := make([]countRow, 0, len(m))
	for _, cr := range m {
		out = append(out, *cr)
	}
	slices.SortFunc(out, func(a, b countRow) int {
		return cmp.Or(-cmp.Compare(a.total, b.total), strings.Compare(a.name, b.name))
	})
	return out
}
