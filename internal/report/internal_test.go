package report

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// sampleSnapshot is a snapshot of n findings of two products.
func sampleSnapshot(n int) *Snapshot {
	syms := newSymbols()
	s := &Snapshot{at: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)}
	syms.add("unused by any finding")
	for i := range n {
		s.entries = append(s.entries, snapEntry{
			productARN: syms.add("arn:aws:securityhub:ap-northeast-1::product/aws/" + []string{"guardduty", "securityhub"}[i%2]),
			id:         fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:111111111111:security-control/S3.%d/finding/%08d", i%7, i),
			account:    syms.add(fmt.Sprintf("1111111111%02d", i%3)),
			control:    syms.add(fmt.Sprintf("S3.%d", i%7)),
			title:      syms.add("S3 buckets should … 日本語 " + fmt.Sprint(i%5)),
			sev:        severity(i % numSeverities),
			first:      int64(1_700_000_000_000 + i),
		})
	}
	s.strs = syms.list
	slices.SortFunc(s.entries, func(a, b snapEntry) int { return s.compare(&a, s.strs[b.productARN], b.id) })
	return s
}

// entryText is a snapshot entry with its strings, for comparisons.
type entryText struct {
	id, productARN, account, control, title string
	sev                                     severity
	first                                   int64
}

func expand(s *Snapshot) []entryText {
	out := make([]entryText, len(s.entries))
	for i, e := range s.entries {
		out[i] = entryText{e.id, s.strs[e.productARN], s.strs[e.account], s.strs[e.control], s.strs[e.title], e.sev, e.first}
	}
	return out
}

// TestSnapshotRoundTrip: what MarshalBinary writes, DecodeSnapshot reads
// back as it was; 100,000 findings stay small.
func TestSnapshotRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 1000} {
		s := sampleSnapshot(n)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeSnapshot(b)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !got.At().Equal(s.at) || got.Len() != n || !slices.Equal(expand(got), expand(s)) {
			t.Fatalf("n=%d: round trip changed the snapshot", n)
		}
	}
	b, _ := sampleSnapshot(100_000).MarshalBinary()
	if len(b) > 2<<20 {
		t.Errorf("100,000 findings take %d bytes", len(b))
	}
	t.Logf("100,000 findings: %d bytes", len(b))
}

// TestDecodeSnapshotErrors: damaged or foreign data is refused with a
// reason.
func TestDecodeSnapshotErrors(t *testing.T) {
	good, _ := sampleSnapshot(10).MarshalBinary()
	unsorted := sampleSnapshot(3)
	unsorted.entries[0], unsorted.entries[1] = unsorted.entries[1], unsorted.entries[0]
	badOrder, _ := unsorted.MarshalBinary()
	badSev := sampleSnapshot(1)
	badSev.entries[0].sev = 9
	badSeverity, _ := badSev.MarshalBinary()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no HRSNAP header"},
		{"json", []byte(`{"findings":[]}`), "no HRSNAP header"},
		{"version", append([]byte("HRSNAP\x02"), good[7:]...), "unsupported version"},
		{"not gzip", []byte("HRSNAP\x01hello"), "snapshot: "},
		{"truncated", good[:len(good)-12], "snapshot: "},
		{"order", badOrder, "out of order or repeated"},
		{"severity", badSeverity, "9 is no severity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeSnapshot(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("DecodeSnapshot = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// wrapSnapshot makes a blob of a decompressed snapshot body, so that the
// fuzzer works on the body itself and not on gzip.
func wrapSnapshot(body []byte) []byte {
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// unwrapSnapshot is the decompressed body of a blob.
func unwrapSnapshot(t testing.TB, blob []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(blob[len(snapshotMagic):]))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDecodeSnapshot: any input, taken as a blob and as a decompressed
// body, either decodes to a snapshot that encodes back to the same
// findings, or is refused; never a panic, never an allocation past the
// bounds.
func FuzzDecodeSnapshot(f *testing.F) {
	for _, n := range []int{0, 1, 3, 40} {
		b, _ := sampleSnapshot(n).MarshalBinary()
		f.Add(b)
		f.Add(unwrapSnapshot(f, b))
	}
	f.Add([]byte("HRSNAP\x01"))
	f.Add([]byte("HRSNAP"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, blob := range [][]byte{data, wrapSnapshot(data)} {
			s, err := DecodeSnapshot(blob)
			if err != nil {
				continue
			}
			b, err := s.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			again, err := DecodeSnapshot(b)
			if err != nil {
				t.Fatalf("a decoded snapshot does not decode after encoding: %v", err)
			}
			if !slices.Equal(expand(again), expand(s)) || !again.at.Equal(s.at) {
				t.Fatal("re-encoding changed the snapshot")
			}
		}
	})
}

// TestInsertWriter: the insertion lands before the first marker however
// the stream is cut into writes.
func TestInsertWriter(t *testing.T) {
	in := []byte(`<worksheet><sheetData><row><c><is><t>&lt;pageMargins</t></is></c></row></sheetData><pageMargins left="1"/><pageMargins/></worksheet>`)
	want := strings.Replace(string(in), "<pageMargins", "<hyperlinks/><pageMargins", 1)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		var out bytes.Buffer
		iw := &insertWriter{w: &out, marker: []byte(hyperlinksMarker), insert: func(w io.Writer) error {
			_, err := io.WriteString(w, "<hyperlinks/>")
			return err
		}}
		rest := in
		for len(rest) > 0 {
			n := min(len(rest), rng.IntN(14)+1)
			if trial == 0 {
				n = 1
			}
			if k, err := iw.Write(rest[:n]); err != nil || k != n {
				t.Fatalf("Write = %d, %v", k, err)
			}
			rest = rest[n:]
		}
		if err := iw.flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want || !iw.done {
			t.Fatalf("trial %d:\n got %s\nwant %s", trial, out.String(), want)
		}
	}
}

// FuzzInsertWriter: for any stream and any cut, the output is the input
// with the insertion before the first marker (or the input when there is
// none).
func FuzzInsertWriter(f *testing.F) {
	f.Add([]byte("abc<pageMargins/>"), uint8(3))
	f.Add([]byte("<pageMargin<pageMargins"), uint8(1))
	f.Add([]byte("no marker"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		var out bytes.Buffer
		iw := &insertWriter{w: &out, marker: []byte(hyperlinksMarker), insert: func(w io.Writer) error {
			_, err := io.WriteString(w, "<X>")
			return err
		}}
		step := int(cut%16) + 1
		for i := 0; i < len(in); i += step {
			if _, err := iw.Write(in[i:min(i+step, len(in))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := iw.flush(); err != nil {
			t.Fatal(err)
		}
		want := string(in)
		if i := strings.Index(want, hyperlinksMarker); i >= 0 {
			want = want[:i] + "<X>" + want[i:]
		}
		if out.String() != want {
			t.Fatalf("got %q, want %q", out.String(), want)
		}
	})
}

// syntheticReport is a report of n open findings whose console links are
// all too long for a HYPERLINK formula.
func syntheticReport(n int) *Report {
	l, _ := labelsFor("en")
	syms := newSymbols()
	r := &Report{project: Project{Name: "Big", Accounts: []string{"111111111111"}}, l: l,
		now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), loc: time.UTC, region: "ap-northeast-1", htmlRows: DefaultHTMLRows,
		linkLimit: maxSheetLinks}
	r.rows = make([]row, n)
	for i := range r.rows {
		r.rows[i] = row{
			productARN: syms.add("arn:aws:securityhub:ap-northeast-1::product/aws/securityhub"),
			id:         fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:111111111111:security-control/S3.1/finding/%036d", i),
			account:    syms.add("111111111111"), region: syms.add("ap-northeast-1"), control: syms.add("S3.1"), title: syms.add("S3.1 t"),
			remediation: syms.add("https://docs.aws.amazon.com/console/securityhub/S3.1/remediation"),
			sev:         severity(i * numSeverities / n),
		}
	}
	r.syms = syms.list
	r.tables()
	r.snapshot = &Snapshot{strs: r.syms}
	return r
}

// zipPart returns one part of an xlsx.
func zipPart(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no part %s", name)
	return nil
}

// worksheetOrder is the sequence of CT_Worksheet's child elements
// (ECMA-376 Part 1, 18.3.1.99). Excel refuses a sheet whose elements are
// out of this order.
var worksheetOrder = []string{"sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
	"sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
	"dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
	"dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
	"rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
	"legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
	"webPublishItems", "tableParts", "extLst"}

// checkWorksheet fails unless the worksheet part is well-formed XML whose
// children follow worksheetOrder; it returns the children.
func checkWorksheet(t *testing.T, part []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(part))
	depth := 0
	var children []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the worksheet is not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth == 1 {
				children = append(children, e.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	last := -1
	for _, c := range children {
		k := slices.Index(worksheetOrder, c)
		if k < last {
			t.Fatalf("worksheet children %v are out of the schema's order at %s", children, c)
		}
		last = k
	}
	return children
}

// TestListedLinks: findings whose console links are all too long for a
// formula: the first ones (the most severe) get listed hyperlinks, up to
// the sheet's limit (Excel's 65,530; 50 here, to keep the test fast), in
// a worksheet Excel accepts; the rest show the URL as text; remediation
// links are formulas throughout.
func TestListedLinks(t *testing.T) {
	const limit = 50
	r := syntheticReport(limit + 70)
	r.linkLimit = limit
	var buf bytes.Buffer
	if err := r.Write(&buf, FormatXLSX); err != nil {
		t.Fatal(err)
	}
	sheet := zipPart(t, buf.Bytes(), "xl/worksheets/sheet2.xml")
	children := checkWorksheet(t, sheet)
	if !slices.Contains(children, "hyperlinks") || !slices.Contains(children, "autoFilter") {
		t.Errorf("worksheet children %v", children)
	}
	if n := bytes.Count(sheet, []byte("<hyperlink ")); n != limit {
		t.Errorf("%d listed hyperlinks, want %d", n, limit)
	}
	rels := zipPart(t, buf.Bytes(), "xl/worksheets/_rels/sheet2.xml.rels")
	if n := bytes.Count(rels, []byte(`TargetMode="External"`)); n != limit {
		t.Errorf("%d relationships, want %d", n, limit)
	}
	first := r.consoleURL(&r.rows[0])
	if !bytes.Contains(rels, []byte(`Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="`+first+`"`)) {
		t.Error("rId1 does not point at the first row's console link")
	}
	if !bytes.Contains(sheet, []byte(`<hyperlink ref="O2" r:id="rId1"/>`)) {
		t.Error("O2 is not rId1")
	}
	// The last row: past the limit, the URL as text.
	lastRow := fmt.Sprintf(`<c r="O%d"`, len(r.rows)+1)
	i := bytes.Index(sheet, []byte(lastRow))
	if i < 0 {
		t.Fatal("no console cell on the last row")
	}
	lastURL := r.consoleURL(&r.rows[len(r.rows)-1])
	cell := sheet[i : i+bytes.Index(sheet[i:], []byte("</c>"))]
	if !bytes.Contains(cell, []byte(lastURL)) {
		t.Errorf("last console cell %s does not show the URL", cell)
	}
	if n := bytes.Count(sheet, []byte("<f>HYPERLINK(")); n != len(r.rows) {
		t.Errorf("%d HYPERLINK formulas, want one remediation link per row (%d)", n, len(r.rows))
	}
}

// TestListedLinksExcelLimit: at Excel's own limit, 65,530 listed links
// and the rows past it as text (the large-sheet path of TestListedLinks).
func TestListedLinksExcelLimit(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes a 65,600-row workbook: not with -short or -race (TestListedLinks covers the same code)")
	}
	r := syntheticReport(maxSheetLinks + 70)
	var buf bytes.Buffer
	if err := r.Write(&buf, FormatXLSX); err != nil {
		t.Fatal(err)
	}
	sheet := zipPart(t, buf.Bytes(), "xl/worksheets/sheet2.xml")
	if n := bytes.Count(sheet, []byte("<hyperlink ")); n != maxSheetLinks {
		t.Errorf("%d listed hyperlinks, want %d", n, maxSheetLinks)
	}
}

// TestSmallWorkbookOrder: small workbooks, empty or not, have every
// sheet's elements in schema order too.
func TestSmallWorkbookOrder(t *testing.T) {
	for _, n := range []int{0, 3} {
		var buf bytes.Buffer
		r := syntheticReport(max(n, 1))
		if n == 0 {
			r.rows = nil
			r.tables()
		}
		if err := r.Write(&buf, FormatXLSX); err != nil {
			t.Fatal(err)
		}
		for id := 1; id <= 4; id++ {
			checkWorksheet(t, zipPart(t, buf.Bytes(), fmt.Sprintf("xl/worksheets/sheet%d.xml", id)))
		}
	}
}

// TestLinkable: only absolute http(s) URLs become links.
func TestLinkable(t *testing.T) {
	for u, want := range map[string]bool{
		"https://docs.aws.amazon.com/x":          true,
		"http://example.com/a?b=c#d":             true,
		"javascript:alert(1)":                    false,
		"file:///etc/passwd":                     false,
		"https://":                               false,
		"https://a b":                            false,
		`https://a"b`:                            false,
		"":                                       false,
		"/relative":                              false,
		"https://x/" + strings.Repeat("a", 2100): false,
	} {
		if linkable(u) != want {
			t.Errorf("linkable(%q) = %v", u, !want)
		}
	}
}

// TestFitCell: values past Excel's 32,767 characters are cut with a mark,
// on a character boundary.
func TestFitCell(t *testing.T) {
	short := strings.Repeat("あ", 100)
	if fitCell(short) != short {
		t.Error("a short value changed")
	}
	long := strings.Repeat("あ", 40000)
	got := fitCell(long)
	if n := utf8.RuneCountInString(got); n != maxCellChars || !strings.HasSuffix(got, truncMark) || !utf8.ValidString(got) {
		t.Errorf("cut value has %d characters, valid %v", n, utf8.ValidString(got))
	}
}

// TestExcelDate: serials of the wall clock in the zone, across a daylight
// saving change.
func TestExcelDate(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t    time.Time
		loc  *time.Location
		want float64
	}{
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, 25569},
		{time.Date(2026, 8, 8, 0, 0, 0, 0, time.UTC), time.FixedZone("JST", 9*3600), 46242.375},
		{time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC), ny, 46089 + 3.5/24}, // 03:30 EDT, after the jump
	} {
		if got := excelDate(tc.t, tc.loc); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("excelDate(%v, %v) = %v, want %v", tc.t, tc.loc, got, tc.want)
		}
	}
}

// TestAgeDays: calendar days in the project's zone.
func TestAgeDays(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo)
	for _, tc := range []struct {
		first time.Time
		want  int32
	}{
		{time.Date(2026, 11, 23, 0, 30, 0, 0, tokyo), 0},
		{time.Date(2026, 11, 22, 23, 59, 0, 0, tokyo), 1},
		{time.Date(2026, 11, 22, 15, 30, 0, 0, time.UTC), 0}, // 00:30 on the 23rd in Tokyo
		{time.Date(2025, 11, 23, 9, 0, 0, 0, tokyo), 365},
		{now.Add(48 * time.Hour), 0},
	} {
		if got := ageDays(tc.first.UnixMilli(), now, tokyo); got != tc.want {
			t.Errorf("ageDays(%v) = %d, want %d", tc.first, got, tc.want)
		}
	}
	if ageDays(0, now, tokyo) != 0 {
		t.Error("an unknown first time has an age")
	}
}

// TestStandardKey: standards ARNs, StandardsIds, guide ARNs and
// GeneratorIds reduce to one key per standard.
func TestStandardKey(t *testing.T) {
	for in, want := range map[string]string{
		"standards/aws-foundational-security-best-practices/v/1.0.0":                   "aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1":                     "pci-dss/v/3.2.1",
		"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0":          "cis-aws-foundations-benchmark/v/1.2.0",
		"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.7": "cis-aws-foundations-benchmark/v/1.2.0",
		"aws-foundational-security-best-practices/v/1.0.0/S3.1":                        "aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:guardduty:us-east-1:1:detector/x":                                     "",
		"":     "",
		"x/v/": "",
	} {
		if got := standardKey(in); got != want {
			t.Errorf("standardKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := standardName("pci-dss/v/3.2.1"); got != "PCI DSS v3.2.1" {
		t.Errorf("standardName = %q", got)
	}
}

// FuzzStandardKey: any standards ARN, StandardsId or GeneratorId reduces
// to "" or to "<name>/v/<version>" with no slash in the version, and the
// key of a key is itself.
func FuzzStandardKey(f *testing.F) {
	for _, s := range []string{"standards/pci-dss/v/3.2.1", "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.7",
		"aws-foundational-security-best-practices/v/1.0.0/S3.1", "arn:", "/v/", "a/v/b/c", "arn:a:b:c:d:e/v/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := standardKey(s)
		if k == "" {
			return
		}
		name, version, ok := strings.Cut(k, "/v/")
		if !ok || name == "" || version == "" || strings.Contains(version, "/") {
			t.Fatalf("standardKey(%q) = %q", s, k)
		}
		if again := standardKey(k); again != k && !strings.HasPrefix(k, "arn:") {
			t.Fatalf("standardKey(%q) = %q, but standardKey(%q) = %q", s, k, k, again)
		}
		_ = standardName(k)
	})
}
