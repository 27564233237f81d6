package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// TestCSV: the findings table as Excel in Japan opens it: a BOM, CRLF,
// quoted where needed, formulas defused; parsed back it holds every open
// finding.
func TestCSV(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			first, _ := twoWeeks(t, lang)
			var buf bytes.Buffer
			if err := first.Write(&buf, report.FormatCSV); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
				t.Fatalf("no UTF-8 BOM: % x", data[:min(8, len(data))])
			}
			body := data[3:]
			if n, crlf := bytes.Count(body, []byte("\n")), bytes.Count(body, []byte("\r\n")); n != crlf || n < 7 {
				t.Errorf("%d line ends, %d of them CRLF; want every line ended by CRLF", n, crlf)
			}
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("the csv does not parse: %v", err)
			}
			if !slices.Equal(recs[0], wantHeaders[lang]) {
				t.Errorf("header %q", recs[0])
			}
			if len(recs) != 7 {
				t.Fatalf("%d records, want the header and 6 findings", len(recs))
			}
			ids := []string{}
			for _, r := range recs[1:] {
				ids = append(ids, r[16])
			}
			if want := []string{arn("crit-root"), "gd-b", "ct2-a", "ct2-b", "aa-a", "iam1-warn"}; !slices.Equal(ids, want) {
				t.Errorf("ids %q, want %q", ids, want)
			}
			crit := recs[1]
			wantURL := finding.ConsoleURL(&finding.Finding{ID: arn("crit-root"), ProductARN: "arn:aws:securityhub:us-west-2::product/aws/securityhub"}, hubtest.DefaultRegion)
			if crit[11] != "2026-08-08 09:00" || crit[13] != "100" || crit[14] != wantURL ||
				crit[15] != "https://docs.aws.amazon.com/console/securityhub/standards-cis-1.13/remediation" || crit[10] != "" {
				t.Errorf("CRITICAL record %q", crit)
			}
			// A title that starts a formula is defused, and kept whole.
			if got := recs[5][5]; got != "'"+evilTitle {
				t.Errorf("title %q, want it behind an apostrophe", got)
			}
			// Quotes inside a field are doubled (RFC 4180).
			if !bytes.Contains(body, []byte(`"IAM.1 IAM policies should not allow full ""*"" administrative privileges"`)) {
				t.Error("a title with quotes is not quoted as RFC 4180 says")
			}
		})
	}
}

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got %s\nwant %s\n(run with -update after a deliberate change)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d (run with -update after a deliberate change)", name, len(gl), len(wl))
	}
}

// TestGolden: the csv and html reports are pure functions of the report:
// the second week's, in both languages, byte for byte.
func TestGolden(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		_, second := twoWeeks(t, lang)
		for _, f := range []report.Format{report.FormatCSV, report.FormatHTML} {
			var buf bytes.Buffer
			if err := second.Write(&buf, f); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "week2-"+lang+"."+string(f), buf.Bytes())
		}
	}
}
