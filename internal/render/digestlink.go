package render

import (
	"sort"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// searchFields are the console filter fields of one finding format.
type searchFields struct {
	id, account, product string
}

// fieldsFor returns the filter fields of the console that shows format: the
// Security Hub CSPM console (ASFF) filters on ASFF names, the Security Hub
// console (OCSF) on OCSF paths, as finding.ConsoleURL does for one finding.
func fieldsFor(format finding.Format) searchFields {
	if format == finding.FormatOCSF {
		return searchFields{id: "finding_info.uid", account: "cloud.account.uid", product: "metadata.product.name"}
	}
	return searchFields{id: "Id", account: "AwsAccountId", product: "ProductName"}
}

// searchFilter is one "field EQUALS value" filter of a console search.
type searchFilter struct {
	field, value string
}

// digestConsoleURL builds the console link for a digest's findings (sorted as
// the digest shows them). The link goes to the console of the format most of
// the findings have (ASFF on a tie): the Security Hub CSPM console cannot show
// OCSF findings nor the other way round, so with mixed formats the link shows
// the majority, filtered by their accounts and products. The host and region come from
// finding.ConsoleURL, so they follow the same partition and aggregation-region
// rules as single-finding links. Repeated fields in a console search are ORed,
// different fields ANDed.
func digestConsoleURL(fs []*finding.Finding, region string) (string, DigestScope) {
	if len(fs) == 0 {
		return "", ScopeNone
	}
	format, mixed := dominantFormat(fs)
	var first *finding.Finding
	for _, f := range fs {
		if (f.Format == finding.FormatOCSF) == (format == finding.FormatOCSF) {
			first = f
			break
		}
	}
	base := consoleBase(first, region)
	if base == "" {
		return "", ScopeNone
	}
	fields := fieldsFor(format)
	if !mixed {
		var ids []searchFilter
		seen := map[string]bool{}
		for _, f := range fs {
			id := f.ID
			if format == finding.FormatOCSF && f.ProviderID != "" {
				id = f.ProviderID
			}
			if id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, searchFilter{fields.id, id})
			}
		}
		if u := searchURL(base, ids); len(ids) > 0 && len(u) <= MaxConsoleURLLength {
			return u, ScopeIDs
		}
	}
	// The other format's findings are not in this console: filter on the
	// accounts and products of the ones that are.
	var shown []*finding.Finding
	for _, f := range fs {
		if (f.Format == finding.FormatOCSF) == (format == finding.FormatOCSF) {
			shown = append(shown, f)
		}
	}
	accounts := filtersOf(shown, fields.account, func(f *finding.Finding) string { return f.AccountID })
	products := filtersOf(shown, fields.product, func(f *finding.Finding) string { return f.ProductName })
	if len(accounts) > 0 {
		if u := searchURL(base, append(accounts, products...)); len(u) <= MaxConsoleURLLength {
			return u, ScopeAccounts
		}
	}
	if len(products) > 0 {
		if u := searchURL(base, products); len(u) <= MaxConsoleURLLength {
			return u, ScopeProducts
		}
	}
	return base + "#/findings", ScopeAll
}

// dominantFormat returns the format most findings have and whether any
// finding has another one.
func dominantFormat(fs []*finding.Finding) (finding.Format, bool) {
	ocsf := 0
	for _, f := range fs {
		if f.Format == finding.FormatOCSF {
			ocsf++
		}
	}
	if ocsf*2 > len(fs) {
		return finding.FormatOCSF, ocsf < len(fs)
	}
	return finding.FormatASFF, ocsf > 0
}

// consoleBase returns the console page address for f's console, without the
// "#/findings" fragment, by asking finding.ConsoleURL for a link to f.
func consoleBase(f *finding.Finding, region string) string {
	probe := *f
	if probe.ID == "" {
		probe.ID = "-"
	}
	link := finding.ConsoleURL(&probe, region)
	i := strings.Index(link, "#")
	if i < 0 {
		return ""
	}
	return link[:i]
}

// filtersOf returns one filter per distinct non-empty value, sorted.
func filtersOf(fs []*finding.Finding, field string, value func(*finding.Finding) string) []searchFilter {
	seen := map[string]bool{}
	var values []string
	for _, f := range fs {
		if v := value(f); v != "" && !seen[v] {
			seen[v] = true
			values = append(values, v)
		}
	}
	sort.Strings(values)
	out := make([]searchFilter, len(values))
	for i, v := range values {
		out[i] = searchFilter{field, v}
	}
	return out
}

// searchURL appends a console search to base. The console reads the search
// parameter as a query string of field=filter pairs whose filters are
// "\operator\:EQUALS\:value"; like finding.ConsoleURL, each filter is
// percent-encoded and then the whole search again.
func searchURL(base string, filters []searchFilter) string {
	var search strings.Builder
	for i, f := range filters {
		if i > 0 {
			search.WriteByte('&')
		}
		search.WriteString(f.field)
		search.WriteByte('=')
		search.WriteString(percentEncode(`\operator\:EQUALS\:` + f.value))
	}
	return base + "#/findings?search=" + percentEncode(search.String())
}

// percentEncode escapes every byte but the RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~) with upper-case hex.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}
