package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// openXLSX writes r as xlsx and opens the result with excelize.
func openXLSX(t *testing.T, r *report.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf, report.FormatXLSX); err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the xlsx does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("GetRows(%s): %v", sheet, err)
	}
	return rs
}

// findRow returns the first row whose first cell is first, and the rows
// after it.
func findRow(t *testing.T, rs [][]string, first string) (int, [][]string) {
	t.Helper()
	for i, r := range rs {
		if len(r) > 0 && r[0] == first {
			return i, rs[i+1:]
		}
	}
	t.Fatalf("no row starts with %q", first)
	return 0, nil
}

var wantHeaders = map[string][]string{
	"ja": {"重要度", "アカウント", "リージョン", "製品", "コントロール / ルール", "タイトル", "リソースタイプ", "リソースID",
		"コンプライアンス", "ワークフロー", "前回からの変化", "初回検出", "最終検出", "経過日数", "コンソール", "修復手順", "検出結果ID"},
	"en": {"Severity", "Account", "Region", "Product", "Control / rule", "Title", "Resource type", "Resource ID",
		"Compliance", "Workflow", "Since last report", "First seen", "Last seen", "Age (days)", "Console", "Remediation", "Finding ID"},
}

var wantSheets = map[string][]string{
	"ja": {"サマリー", "検出結果", "コントロール別", "リソース別"},
	"en": {"Summary", "Findings", "By control", "By resource"},
}

// TestXLSXFindings: the findings sheet of the second week, in both
// languages: headers, one row per open finding most severe first, values,
// severity fills, dates in the project's zone, frozen header, autofilter,
// widths and links.
func TestXLSXFindings(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			_, second := twoWeeks(t, lang)
			f := openXLSX(t, second)
			if got := f.GetSheetList(); !slices.Equal(got, wantSheets[lang]) {
				t.Fatalf("sheets %q, want %q", got, wantSheets[lang])
			}
			sheet := wantSheets[lang][1]
			rs := rows(t, f, sheet)
			if !slices.Equal(rs[0], wantHeaders[lang]) {
				t.Errorf("header\n got %q\nwant %q", rs[0], wantHeaders[lang])
			}
			if len(rs) != 6 {
				t.Fatalf("%d rows, want the header and 5 findings", len(rs))
			}
			sev := map[string][]string{"ja": {"重大", "高", "中", "低", "情報"}, "en": {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}}[lang]
			still := map[string]string{"ja": "継続", "en": "Still open"}[lang]
			fresh := map[string]string{"ja": "新規検出", "en": "New"}[lang]
			failed := map[string]string{"ja": "不合格", "en": "FAILED"}[lang]
			notified := map[string]string{"ja": "通知済み", "en": "NOTIFIED"}[lang]
			// Most severe first; the CRITICAL root-MFA finding of account A,
			// open for 107 days (first seen 100 days before week 1).
			want := []struct{ id, sev, acct, change, age string }{
				{arn("crit-root"), sev[0], accountA, still, "107"},
				{"ec22-new", sev[1], accountA, fresh, "1"},
				{"ct2-b", sev[2], accountB, still, "47"},
				{"aa-a", sev[3], accountA, still, "7"},
				{"iam1-warn", sev[4], accountA, still, "207"},
			}
			for i, w := range want {
				r := rs[i+1]
				if r[16] != w.id || r[0] != w.sev || r[1] != w.acct || r[10] != w.change || r[13] != w.age {
					t.Errorf("row %d: %s %s %s %s %s; want %+v", i+2, r[16], r[0], r[1], r[10], r[13], w)
				}
			}
			crit := rs[1]
			if crit[4] != "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.13" ||
				crit[5] != `1.13 Ensure MFA is enabled for the "root" account` || crit[3] != "Security Hub" ||
				crit[6] != "AwsAccount" || crit[7] != "AWS::::Account:123456789012" || crit[8] != failed || crit[9] != notified {
				t.Errorf("CRITICAL row: %q", crit)
			}
			// First seen: 100 days before 2026-11-16 09:00 in Tokyo.
			if crit[11] != "2026-08-08 09:00" {
				t.Errorf("first seen %q, want 2026-08-08 09:00 (Tokyo)", crit[11])
			}
			raw, err := f.GetCellValue(sheet, "L2", excelize.Options{RawCellValue: true})
			if err != nil || !strings.HasPrefix(raw, "46242.375") {
				t.Errorf("first seen is stored as %q, %v; want the Excel date 46242.375", raw, err)
			}

			// The CRITICAL row's severity cell is filled dark red.
			for cell, color := range map[string]string{"A2": "7B0000", "A3": "E8590C", "A4": "FFD43B", "A5": "A5D8FF", "A6": "DEE2E6"} {
				styleID, err := f.GetCellStyle(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				style, err := f.GetStyle(styleID)
				if err != nil {
					t.Fatal(err)
				}
				if len(style.Fill.Color) != 1 || style.Fill.Color[0] != color || style.Fill.Pattern != 1 {
					t.Errorf("%s fill %+v, want solid %s", cell, style.Fill, color)
				}
			}

			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes %+v, %v; want the header row frozen", panes, err)
			}
			filter := ""
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
					filter = dn.RefersTo
				}
			}
			if filter != "'"+sheet+"'!$A$1:$Q$6" {
				t.Errorf("autofilter %q, want '%s'!$A$1:$Q$6", filter, sheet)
			}
			if w, _ := f.GetColWidth(sheet, "F"); w != 60 {
				t.Errorf("title column width %v, want 60", w)
			}

			// Console links: the CRITICAL finding's Id makes a link too
			// long for a HYPERLINK formula: a listed hyperlink; ec22-new's
			// is short: a formula. Remediation links are formulas.
			critURL := finding.ConsoleURL(&finding.Finding{ID: arn("crit-root"), ProductARN: "arn:aws:securityhub:us-west-2::product/aws/securityhub"}, hubtest.DefaultRegion)
			if len(critURL) <= 255 {
				t.Fatalf("the test needs a console link over 255 characters, got %d", len(critURL))
			}
			ok, target, err := f.GetCellHyperLink(sheet, "O2")
			if err != nil || !ok || target != critURL {
				t.Errorf("O2 hyperlink %v %q %v; want %q", ok, target, err, critURL)
			}
			open := map[string]string{"ja": "コンソールで開く", "en": "Open in console"}[lang]
			if crit[14] != open {
				t.Errorf("O2 shows %q, want %q", crit[14], open)
			}
			formula, _ := f.GetCellFormula(sheet, "O3")
			newURL := finding.ConsoleURL(&finding.Finding{ID: "ec22-new", ProductARN: "arn:aws:securityhub:us-east-2::product/aws/securityhub"}, hubtest.DefaultRegion)
			if formula != `HYPERLINK("`+newURL+`","`+open+`")` {
				t.Errorf("O3 formula %q, want a HYPERLINK to %s", formula, newURL)
			}
			formula, _ = f.GetCellFormula(sheet, "P2")
			if !strings.HasPrefix(formula, `HYPERLINK("https://docs.aws.amazon.com/console/securityhub/standards-cis-1.13/remediation",`) {
				t.Errorf("P2 formula %q", formula)
			}
			if ok, _, _ := f.GetCellHyperLink(sheet, "O3"); ok {
				t.Error("O3 is a listed hyperlink as well as a formula")
			}
		})
	}
}

// TestXLSXSummary: the first sheet says what is open, what changed since
// last week, how old the open findings are and the compliance scores.
func TestXLSXSummary(t *testing.T) {
	_, second := twoWeeks(t, "ja")
	f := openXLSX(t, second)
	rs := rows(t, f, "サマリー")
	if rs[0][0] != "Security Hub 検出結果レポート: System A" {
		t.Errorf("title %q", rs[0][0])
	}
	_, meta := findRow(t, rs, "作成日時")
	if rs[1][1] != "2026-11-23 09:00" || meta[0][1] != "Asia/Tokyo" || meta[1][1] != accountA+", "+accountB || meta[2][1] != "2026-11-16 09:00" {
		t.Errorf("meta rows %q %q", rs[1], meta[:3])
	}
	_, open := findRow(t, rs, "未対応の検出結果")
	wantOpen := [][]string{
		{"重要度", "未対応", "前回から新規", "継続", "前回から解決"},
		{"重大", "1", "0", "1", "0"},
		{"高", "1", "1", "0", "1"}, // ec22-new new; gd-b resolved
		{"中", "1", "0", "1", "1"}, // ct2-b still open; ct2-a resolved
		{"低", "1", "0", "1", "0"},
		{"情報", "1", "0", "1", "0"},
		{"合計", "5", "1", "4", "2"},
	}
	for i, w := range wantOpen {
		if !slices.Equal(open[i], w) {
			t.Errorf("open table row %d: %q, want %q", i, open[i], w)
		}
	}
	_, ages := findRow(t, rs, "未対応の検出結果の経過日数")
	wantAges := [][]string{
		{"重要度", "0〜7日", "8〜30日", "31〜90日", "91日以上"},
		{"重大", "0", "0", "0", "1"},
		{"高", "1", "0", "0", "0"},
		{"中", "0", "0", "1", "0"},
		{"低", "1", "0", "0", "0"},
		{"情報", "0", "0", "0", "1"},
	}
	for i, w := range wantAges {
		if !slices.Equal(ages[i], w) {
			t.Errorf("age table row %d: %q, want %q", i, ages[i], w)
		}
	}
	_, comp := findRow(t, rs, "コンプライアンススコア")
	if !slices.Equal(comp[0], []string{"セキュリティ標準", "スコア", "合格", "不合格", "不明", "評価済み"}) ||
		!slices.Equal(comp[1], []string{"CIS AWS Foundations Benchmark v1.2.0", "0.00%", "0", "1", "0", "1"}) ||
		!slices.Equal(comp[2], []string{"aws-foundation-best-practices v1.0.0", "20.00%", "1", "3", "1", "5"}) {
		t.Errorf("compliance rows %q", comp[:3])
	}
	_, accts := findRow(t, rs, "アカウント別の未対応件数")
	if !slices.Equal(accts[1], []string{accountA, "1", "1", "0", "1", "1", "4"}) || !slices.Equal(accts[2], []string{accountB, "0", "0", "1", "0", "0", "1"}) {
		t.Errorf("account rows %q", accts[:3])
	}
	_, resolved := findRow(t, rs, "前回から解決した検出結果")
	if !slices.Equal(resolved[1][:2], []string{"高", accountB}) || resolved[1][4] != "gd-b" || resolved[2][4] != "ct2-a" {
		t.Errorf("resolved rows %q", resolved[:3])
	}
}

// TestXLSXInsights: the by-control and by-resource sheets.
func TestXLSXInsights(t *testing.T) {
	first, _ := twoWeeks(t, "en")
	f := openXLSX(t, first)
	ctl := rows(t, f, "By control")
	if !slices.Equal(ctl[0], []string{"Control / rule", "Title", "Highest severity", "Findings", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "Accounts", "Resources", "Remediation"}) {
		t.Errorf("by-control header %q", ctl[0])
	}
	// CloudTrail.2 has the most open findings: 2, in 2 accounts, on 2 trails.
	if got := ctl[1][:11]; !slices.Equal(got, []string{"CloudTrail.2", "CloudTrail.2 CloudTrail should have encryption at-rest enabled", "MEDIUM", "2", "0", "0", "2", "0", "0", "2", "2"}) {
		t.Errorf("by-control first row %q", got)
	}
	if len(ctl) != 1+5 {
		t.Errorf("%d by-control rows, want 5 controls or rules", len(ctl)-1)
	}
	res := rows(t, f, "By resource")
	if len(res) != 1+6 || res[0][0] != "Resource ID" {
		t.Errorf("by-resource rows: %q", res)
	}
	panes, _ := f.GetPanes("By resource")
	if !panes.Freeze {
		t.Error("by-resource header not frozen")
	}
}

// TestXLSXEmpty: a project without open findings still gets a workbook
// with every sheet and header.
func TestXLSXEmpty(t *testing.T) {
	_, c := newHub(t)
	r := collect(t, c, project("ja"), report.Options{Now: week1})
	f := openXLSX(t, r)
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets["ja"]) {
		t.Fatalf("sheets %q", got)
	}
	if rs := rows(t, f, "検出結果"); len(rs) != 1 || !slices.Equal(rs[0], wantHeaders["ja"]) {
		t.Errorf("findings sheet %q", rs)
	}
	rs := rows(t, f, "サマリー")
	if _, comp := findRow(t, rs, "コンプライアンススコア"); comp[0][0] != "コントロールの検出結果がありません。" {
		t.Errorf("compliance section %q", comp[0])
	}
}

// TestXLSXTrend: with Options.Trend, the summary shows the open findings
// per day, the weekly counts and the time to resolve, numbers as numbers.
func TestXLSXTrend(t *testing.T) {
	hub, c := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	tr := &trend.Summary{
		Project: "System A", From: week1.AddDate(0, 0, -14), To: week1, Location: tokyo,
		Severities: []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"},
		Weeks: []trend.Week{
			{Start: week1.AddDate(0, 0, -14).Add(-9 * time.Hour), New: 4, Resolved: 1},
			{Start: week1.AddDate(0, 0, -7).Add(-9 * time.Hour), New: 2, Resolved: 3, Reopened: 1},
		},
		MTTR: []trend.SeverityMTTR{{Severity: "HIGH", Resolved: 2, Mean: 36 * time.Hour, Median: 30 * time.Hour}},
	}
	r := collect(t, c, project("en"), report.Options{Now: week1, Trend: tr})
	f := openXLSX(t, r)
	rs := rows(t, f, "Summary")
	_, trendRows := findRow(t, rs, "Trend")
	if !slices.Equal(trendRows[0], []string{"date", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "total"}) {
		t.Errorf("daily trend header %q", trendRows[0])
	}
	_, weekRows := findRow(t, rs, "week_start")
	if !slices.Equal(weekRows[1], []string{"2026-11-09", "2026-W46", "2", "1", "3", "0"}) {
		t.Errorf("weekly trend rows %q", weekRows[:2])
	}
	i, _ := findRow(t, rs, "severity")
	if !slices.Equal(rs[i+1], []string{"HIGH", "2", "36", "30"}) {
		t.Errorf("MTTR row %q", rs[i+1])
	}
	// The counts are numbers Excel can sum.
	cell, _ := excelize.CoordinatesToCellName(3, i+2)
	if typ, _ := f.GetCellType("Summary", cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("%s is text", cell)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf, report.FormatHTML); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<td>2026-W46</td>") {
		t.Error("the page has no trend table")
	}
}
