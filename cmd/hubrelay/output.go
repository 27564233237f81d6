package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/route"
)

// result is one finding's routing outcome, as `test` and `demo` print it.
// The JSON field names are part of the documented output.
type result struct {
	Source       string   `json:"source"`
	FindingID    string   `json:"finding_id"`
	Routes       []string `json:"routes"`
	Destinations []string `json:"destinations"`
	SuppressedBy *string  `json:"suppressed_by"`

	severity, title string
}

func newResult(it finding.Item, d route.Decision) result {
	r := result{
		Source:       it.Source,
		FindingID:    it.Finding.ID,
		Routes:       nonNil(d.Routes),
		Destinations: nonNil(d.Destinations),
		severity:     it.Finding.Severity.Label,
		title:        it.Finding.Title,
	}
	if d.SuppressedBy != "" {
		name := d.SuppressedBy
		r.SuppressedBy = &name
		r.Destinations = []string{}
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSONResults(w io.Writer, results []result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// writeTable prints one row per finding and a closing summary line.
func writeTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSEVERITY\tTITLE\tROUTES\tDESTINATIONS")
	var routed, suppressed, unmatched int
	for _, r := range results {
		to := strings.Join(r.Destinations, ", ")
		switch {
		case r.SuppressedBy != nil:
			suppressed++
			to = "(suppressed by " + *r.SuppressedBy + ")"
		case len(r.Routes) == 0:
			unmatched++
			to = "-"
		default:
			routed++
		}
		routes := strings.Join(r.Routes, ", ")
		if routes == "" {
			routes = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Source, orDash(r.severity), orDash(clip(oneLine(r.title), 50)), routes, to)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d findings: %d routed, %d suppressed, %d matched no route\n", len(results), routed, suppressed, unmatched)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine folds white space so a title cannot break the table.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
