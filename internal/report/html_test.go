package report_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/hubrelay/hubrelay/internal/report"
)

// node helpers over a parsed page.

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func byID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			found = n
		}
	})
	return found
}

// bodyRows returns the text of each cell of each row in a table's tbody.
func bodyRows(table *html.Node) [][]string {
	var out [][]string
	walk(table, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "tr" || n.Parent == nil || n.Parent.Data != "tbody" {
			return
		}
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "td" {
				cells = append(cells, strings.TrimSpace(textOf(c)))
			}
		}
		out = append(out, cells)
	})
	return out
}

// TestHTML: one self-contained page (no script, no external resource),
// print styles, the summary and every table, text escaped, links only to
// http(s).
func TestHTML(t *testing.T) {
	first, second := twoWeeks(t, "ja")
	var buf bytes.Buffer
	if err := second.Write(&buf, report.FormatHTML); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	var scripts, external int
	var styles []string
	var links []string
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "html":
			if attr(n, "lang") != "ja" {
				t.Errorf("lang %q", attr(n, "lang"))
			}
		case "script":
			scripts++
		case "link", "img", "iframe":
			external++
		case "style":
			styles = append(styles, textOf(n))
		case "a":
			links = append(links, attr(n, "href"))
		}
	})
	if scripts != 0 || external != 0 {
		t.Errorf("%d scripts and %d external resources; want a self-contained page", scripts, external)
	}
	if len(styles) != 1 || !strings.Contains(styles[0], "@media print") || !strings.Contains(styles[0], "@page") {
		t.Error("no embedded print styles")
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "https://") {
			t.Errorf("link %q", l)
		}
	}
	// The hostile title is text, not markup.
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(page, "<script>alert") {
		t.Error("a finding title reached the page unescaped")
	}

	open := bodyRows(byID(doc, "open"))
	if len(open) != 6 || open[5][0] != "合計" || open[5][1] != "5" || open[5][2] != "1" || open[5][3] != "4" || open[5][4] != "2" {
		t.Errorf("open table %q", open)
	}
	comp := bodyRows(byID(doc, "compliance"))
	if len(comp) != 2 || comp[1][0] != "aws-foundation-best-practices v1.0.0" || comp[1][1] != "20.0%" {
		t.Errorf("compliance table %q", comp)
	}
	findings := bodyRows(byID(doc, "findings"))
	if len(findings) != 5 || findings[0][0] != "重大" || findings[0][7] != "107" || findings[0][8] != "コンソールで開く" {
		t.Errorf("findings table %q", findings)
	}
	if res := bodyRows(byID(doc, "resolved")); len(res) != 2 || res[0][4] != "gd-b" {
		t.Errorf("resolved table %q", res)
	}
	if ctl := bodyRows(byID(doc, "controls")); len(ctl) != 5 {
		t.Errorf("controls table %q", ctl)
	}

	// A first report has no "since last time" columns and no resolved
	// list.
	buf.Reset()
	if err := first.Write(&buf, report.FormatHTML); err != nil {
		t.Fatal(err)
	}
	doc, _ = html.Parse(&buf)
	if byID(doc, "resolved") != nil || len(bodyRows(byID(doc, "open"))[0]) != 2 {
		t.Error("the first report compares with a previous one")
	}
}

// TestHTMLRows: the page lists at most HTMLRows findings, most severe
// first, and says so.
func TestHTMLRows(t *testing.T) {
	hub, c := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rows, want int }{{2, 2}, {-1, 6}, {0, 6}} {
		r := collect(t, c, project("en"), report.Options{Now: week1, HTMLRows: tc.rows})
		var buf bytes.Buffer
		if err := r.Write(&buf, report.FormatHTML); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		got := bodyRows(byID(doc, "findings"))
		if len(got) != tc.want || got[0][0] != "CRITICAL" {
			t.Errorf("HTMLRows %d: %d rows, want %d", tc.rows, len(got), tc.want)
		}
		note := strings.Contains(page, "Showing the 2 most severe findings of 6")
		if note != (tc.want == 2) {
			t.Errorf("HTMLRows %d: note shown %v", tc.rows, note)
		}
	}
}
