package render

import (
	"sort"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// DigestView is many findings summarized for one message: counts by severity,
// the most severe and newest findings, and one console link to the set.
// Like View it is plain, unescaped text, safe to share between goroutines.
type DigestView struct {
	Language Language `json:"language"`
	Title    string   `json:"title"` // "Security Hub digest: 12 findings"
	Intro    string   `json:"intro"`
	Total    int      `json:"total"`

	// Counts has one entry per severity from CRITICAL to INFORMATIONAL, zero
	// counts included, then one for findings without a known label if any.
	Counts  []SeverityCount `json:"counts"`
	Summary string          `json:"summary"` // the non-zero counts on one line: "重大: 1 件 / 高: 2 件"

	Top      []View `json:"top"`  // the Options.TopN most severe, then newest, findings
	More     int    `json:"more"` // how many findings Top leaves out
	MoreText string `json:"more_text"`

	// ConsoleURL opens the set in the Security Hub console; ConsoleScope says
	// how it is filtered (see DigestScope) and ConsoleScopeText says so in the
	// digest's language.
	ConsoleURL       string      `json:"console_url"`
	ConsoleScope     DigestScope `json:"console_scope"`
	ConsoleScopeText string      `json:"console_scope_text"`

	Accounts []string `json:"accounts"` // distinct account IDs, sorted
	Products []string `json:"products"` // distinct product names, sorted
}

// SeverityCount is how many findings of a digest have one severity.
type SeverityCount struct {
	Severity Severity `json:"severity"`
	Count    int      `json:"count"`
	Text     string   `json:"text"` // "重大: 1 件", "Critical: 1"
}

// DigestScope says what a digest's console link shows.
type DigestScope string

// The scopes of a digest link, narrowest first. The link filters by the
// findings' IDs while it stays within MaxConsoleURLLength; past that, by their
// accounts and products; then by products alone; and finally it opens the
// unfiltered findings page.
const (
	ScopeIDs      DigestScope = "ids"
	ScopeAccounts DigestScope = "accounts"
	ScopeProducts DigestScope = "products"
	ScopeAll      DigestScope = "all"
	ScopeNone     DigestScope = "" // no link: no finding, or no public console for the partition
)

// MaxConsoleURLLength is the longest digest console link built. 2000
// characters is the long-standing safe URL length for browsers and mail
// clients and stays under the 3000-character URL limit of Slack buttons.
const MaxConsoleURLLength = 2000

// NewDigestView summarizes fs with o (zero fields take their defaults): the
// findings are sorted most severe first, then newest (UpdatedAt, else
// CreatedAt), then by ID, and the first Options.TopN become views. Nil
// findings are skipped. Pure and never fails.
func NewDigestView(fs []*finding.Finding, o Options) DigestView {
	o = o.withDefaults()
	sorted := make([]*finding.Finding, 0, len(fs))
	for _, f := range fs {
		if f != nil {
			sorted = append(sorted, f)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool { return moreUrgent(sorted[i], sorted[j]) })

	d := DigestView{Language: o.Language, Total: len(sorted)}
	d.Title = Translate(o.Language, MsgDigestTitle, d.Total)
	d.Intro = Translate(o.Language, MsgDigestIntro, d.Total)
	d.Counts, d.Summary = severityCounts(sorted, o.Language)
	top := sorted
	if len(top) > o.TopN {
		top = top[:o.TopN]
	}
	for _, f := range top {
		d.Top = append(d.Top, NewView(f, o))
	}
	d.More = len(sorted) - len(top)
	if d.More > 0 {
		d.MoreText = Translate(o.Language, MsgAndMore, d.More)
	}
	d.Accounts = distinct(sorted, func(f *finding.Finding) string { return SingleLine(f.AccountID) })
	d.Products = distinct(sorted, func(f *finding.Finding) string { return SingleLine(f.ProductName) })
	d.ConsoleURL, d.ConsoleScope = digestConsoleURL(sorted, o.Region)
	d.ConsoleScopeText = scopeText(o.Language, d.ConsoleScope)
	return d
}

// moreUrgent orders findings for a digest.
func moreUrgent(a, b *finding.Finding) bool {
	ra, rb := severityRank(a.Severity.Label), severityRank(b.Severity.Label)
	if ra != rb {
		return ra < rb
	}
	ta, tb := newest(a), newest(b)
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.ID < b.ID
}

func newest(f *finding.Finding) time.Time {
	if !f.UpdatedAt.IsZero() {
		return f.UpdatedAt
	}
	return f.CreatedAt
}

// severityCounts counts findings per severity.
func severityCounts(fs []*finding.Finding, lang Language) ([]SeverityCount, string) {
	counts := make([]int, 6)
	for _, f := range fs {
		counts[severityRank(f.Severity.Label)]++
	}
	labels := append(SeverityLabels(), "")
	var out []SeverityCount
	var summary []string
	for rank, label := range labels {
		if rank == 5 && counts[rank] == 0 {
			break
		}
		sev := newSeverity(lang, finding.Severity{Label: label})
		c := SeverityCount{Severity: sev, Count: counts[rank], Text: Translate(lang, MsgDigestSeverityCount, sev.Name, counts[rank])}
		out = append(out, c)
		if c.Count > 0 {
			summary = append(summary, c.Text)
		}
	}
	return out, strings.Join(summary, " / ")
}

// distinct returns the sorted distinct non-empty values of key.
func distinct(fs []*finding.Finding, key func(*finding.Finding) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if k := key(f); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func scopeText(lang Language, s DigestScope) string {
	switch s {
	case ScopeIDs:
		return Translate(lang, MsgDigestScopeIDs)
	case ScopeAccounts:
		return Translate(lang, MsgDigestScopeAccounts)
	case ScopeProducts:
		return Translate(lang, MsgDigestScopeProducts)
	case ScopeAll:
		return Translate(lang, MsgDigestScopeAll)
	}
	return ""
}
