// Package report makes a project's report of its open Security Hub
// findings: Collect reads them (through a Source, in production
// *securityhub.Client) and computes the summary and insights, and
// Report.Write writes the result as an Excel workbook, a CSV file or a
// printable HTML page, in Japanese or English. A Snapshot of each report
// is kept (store.ReportRun) so that the next one can say what is new,
// what was resolved and how long the rest has been open.
//
// # What a report holds
//
// Open findings are ACTIVE, with workflow NEW or NOTIFIED, and a
// compliance status other than PASSED (findings without one count). The
// workbook has four sheets:
//
//   - Summary (サマリー): open findings per severity with what is new,
//     still open and resolved since the last report; their age in days;
//     the compliance score per standard; counts per account and per
//     product; the controls with the most findings; the findings resolved
//     since the last report; the weekly trend when Options.Trend is set.
//   - Findings (検出結果): one row per open finding, most severe first
//     (then account, control, title): severity (coloured), account,
//     region, product, control or rule, title, resource, compliance,
//     workflow, change since the last report, first and last seen (Excel
//     dates in the project's time zone), age in days, console and
//     remediation links, finding Id. The header row is frozen and has an
//     autofilter.
//   - By control (コントロール別) and By resource (リソース別): the
//     insights Security Hub shows, open findings grouped and counted.
//
// The CSV file is the findings table (UTF-8 with a BOM, CRLF, cells that
// would start a formula escaped); the HTML page holds the summary, the
// tables and the first Options.HTMLRows findings.
//
// # Decisions
//
//   - Two queries, no finding read twice: the open findings (account IDs,
//     RecordState ACTIVE and WorkflowStatus NEW/NOTIFIED pushed down, the
//     compliance condition checked here so that PASSED ones still count
//     for the score), then the ACTIVE control findings whose workflow is
//     RESOLVED, for the score alone. See StandardScore for the counting.
//   - Memory: each page becomes compact rows at once (no Finding.Raw is
//     kept; repeated strings interned), and the workbook is streamed with
//     excelize's StreamWriter. 100,000 findings: see the benchmark.
//   - Age counts calendar days in the project's time zone from
//     FirstObservedAt (else CreatedAt, else the first report that saw the
//     finding) to the report's time.
//   - Links: see hyperlinks.go. Cells are cut at Excel's 32,767
//     characters with a visible mark.
//   - "Since the last report" compares finding identities (product ARN and
//     Id) with the previous Snapshot: a finding that left the project's
//     open set for any reason (fixed, suppressed, archived, account
//     removed) counts as resolved.
//
// The package imports finding and report/trend; what it reads from comes
// in through Source.
package report
