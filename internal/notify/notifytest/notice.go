package notifytest

import (
	"embed"
	"fmt"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// noticeFiles are the report files the report notices attach; see
// testdata/SOURCES.md.
//
//go:embed testdata/notice-*
var noticeFiles embed.FS

// Report files attached by the report notices.
const (
	// ReportXLSX is a real Excel workbook (written with excelize's
	// StreamWriter, as package report does): system-a's findings in
	// Japanese.
	ReportXLSX = "notice-report-system-a-2026-01-02.xlsx"
	// ReportCSV is a CSV report of system-b, CRLF line endings (RFC 4180).
	ReportCSV = "notice-report-system-b-2026-01-02.csv"
)

// Content types of the attached reports.
const (
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ContentTypeCSV  = "text/csv; charset=utf-8"
)

// ReportFile returns the bytes of a report file (ReportXLSX or ReportCSV),
// failing the test when it is missing. Every call returns a new slice.
func ReportFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := noticeFiles.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("notifytest: report file %s: %v", name, err)
	}
	return data
}

// Names of the notice samples, for golden files.
const (
	NoticeMembersJA          = "notice-members-ja"
	NoticeMembersUnchangedEN = "notice-members-unchanged-en"
	NoticeReportJA           = "notice-report-ja"
	NoticeReportEN           = "notice-report-en"
)

// Counts of the members sample: 300 status changes (282 accounts Enabled
// after an Organizations onboarding, 12 Invited, 6 Resigned) and 8 resigned
// accounts in all (the 6 and 2 from before).
const (
	MembersEnabled  = 282
	MembersInvited  = 12
	MembersResigned = 6
	MembersChanged  = MembersEnabled + MembersInvited + MembersResigned
	// MembersOutside is how many accounts the second section lists.
	MembersOutside = MembersResigned + 2
)

// ReportLinkJA and ReportLinkEN are the download links of the report
// notices: an S3 presigned URL (with "&" in its query, which every markup
// must escape) and a hubrelay signed link. Both are signed: destinations
// show them only in the message.
const (
	ReportLinkJA = "https://hubrelay-reports-111111111111.s3.ap-northeast-1.amazonaws.com/reports/system-a/2026-01-02/system-a-2026-01-02.xlsx" +
		"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260102%2Fap-northeast-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20260102T030405Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	ReportLinkEN = "https://hubrelay.example.com/reports/system-b/2026-01-02.csv?expires=1767928245&sig=Vq3oYyK9mW1cT0hXbE7rZs2uN8aLp4dF"
)

// AccountIDs returns n distinct, deterministic 12-digit account IDs; seed
// picks the series, so two calls with different seeds do not overlap for
// n below 1000.
func AccountIDs(seed, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		k := uint64(seed*1000 + i + 1)
		ids[i] = fmt.Sprintf("%012d", 200000000000+k*982451653%799999999999)
	}
	return ids
}

// NoticeSamples returns one message of each notice shape destinations must
// lay out, for golden files and contract tests:
//
//   - NoticeMembersJA: seed 004's member alert in Japanese, with 300
//     accounts whose status changed (far more than one Slack block each
//     can hold) and the accounts Security Hub no longer manages;
//   - NoticeMembersUnchangedEN: no change, in English, still listing the
//     resigned accounts as seed 004 does every day;
//   - NoticeReportJA: a report is ready, in Japanese: a summary, a signed
//     S3 link and the Excel file attached;
//   - NoticeReportEN: the same in English with a CSV file and a hubrelay
//     signed link.
//
// Every call builds new values.
func NoticeSamples(t testing.TB) []Sample {
	t.Helper()
	return []Sample{
		{Name: NoticeMembersJA, Message: noticeMessage("members", "notice-0001", MembersNoticeJA())},
		{Name: NoticeMembersUnchangedEN, Message: noticeMessage("members", "notice-0002", MembersUnchangedNoticeEN())},
		{Name: NoticeReportJA, Message: noticeMessage("report-system-a", "notice-0003", ReportNoticeJA(t))},
		{Name: NoticeReportEN, Message: noticeMessage("report-system-b", "notice-0004", ReportNoticeEN(t))},
	}
}

// NoticeMessage returns the plain notice case: NoticeMembersJA as a
// message to "sample-destination".
func NoticeMessage(t testing.TB) *notify.Message {
	t.Helper()
	return noticeMessage("members", "notice-0001", MembersNoticeJA())
}

// noticeMessage wraps n as a message of the scheduled job route.
func noticeMessage(route, key string, n *notify.Notice) *notify.Message {
	return &notify.Message{
		Kind:        notify.KindNotice,
		Route:       route,
		Destination: "sample-destination",
		Key:         key,
		Notice:      n,
	}
}

// MembersNoticeJA is seed 004's member alert in Japanese: the date as the
// title, a section of status changes (one group per status) and a section
// of the accounts no longer managed.
func MembersNoticeJA() *notify.Notice {
	enabled := AccountIDs(1, MembersEnabled)
	invited := AccountIDs(2, MembersInvited)
	resigned := AccountIDs(3, MembersResigned)
	outside := append(AccountIDs(4, MembersOutside-MembersResigned), resigned...)
	return &notify.Notice{
		Topic:   "members",
		Title:   "2026/01/02",
		Subject: fmt.Sprintf("Security Hub メンバーステータスの変更 %d 件（2026/01/02）", MembersChanged),
		Sections: []notify.NoticeSection{
			{
				Header: "Security Hub メンバーステータスの変更",
				Groups: []notify.NoticeGroup{
					{Label: "Enabled", Items: enabled},
					{Label: "Invited", Items: invited},
					{Label: "Resigned", Items: resigned},
				},
			},
			{
				Header: "Security Hub 管理外となっているアカウント",
				Groups: []notify.NoticeGroup{{Items: outside}},
			},
		},
		Data: map[string]any{
			"date":    "2026-01-02",
			"changed": MembersChanged,
			"changes": map[string]any{
				"Enabled":  enabled,
				"Invited":  invited,
				"Resigned": resigned,
			},
			"resigned": outside,
		},
	}
}

// MembersUnchangedNoticeEN is a member alert without changes, in English.
func MembersUnchangedNoticeEN() *notify.Notice {
	resigned := AccountIDs(4, 2)
	return &notify.Notice{
		Topic:   "members",
		Title:   "2026/01/02",
		Subject: "Security Hub members: no change (2026/01/02)",
		Sections: []notify.NoticeSection{
			{
				Header: "No change in Security Hub members",
				Text:   "All 42 member accounts have the same status as on 2026/01/01.",
			},
			{
				Header: "Accounts no longer managed by Security Hub",
				Groups: []notify.NoticeGroup{{Label: "Resigned", Items: resigned}},
			},
		},
		Data: map[string]any{
			"date":     "2026-01-02",
			"changed":  0,
			"members":  42,
			"resigned": resigned,
		},
	}
}

// ReportNoticeJA says system-a's weekly report is ready, in Japanese, with
// a summary, the S3 link and the workbook attached.
func ReportNoticeJA(t testing.TB) *notify.Notice {
	t.Helper()
	return &notify.Notice{
		Topic:   "report",
		Title:   "セキュリティレポート: system-a（2026/01/02）",
		Subject: "[hubrelay] system-a のセキュリティレポートができました（2026/01/02）",
		Sections: []notify.NoticeSection{{
			Header: "概要",
			Text:   "2025/12/26〜2026/01/01 の有効な検出結果は 128 件です（新規 14 件、解決 9 件）。\nリンクの有効期限は 2026/01/09 12:04 です。",
			Groups: []notify.NoticeGroup{
				{Label: "重要度別", Items: []string{"重大 (CRITICAL): 2 件", "高 (HIGH): 11 件", "中 (MEDIUM): 40 件", "低 (LOW): 75 件"}},
				{Label: "アカウント別", Items: []string{"111111111111 (system-a-prod): 81 件", "222222222222 (system-a-stg): 47 件"}},
			},
		}},
		Link: &notify.NoticeLink{Text: "レポートをダウンロード（7日間有効）", URL: ReportLinkJA},
		Attachment: &notify.NoticeAttachment{
			Name:        "system-a-2026-01-02.xlsx",
			ContentType: ContentTypeXLSX,
			Data:        ReportFile(t, ReportXLSX),
		},
		Data: map[string]any{
			"project":     "system-a",
			"period":      map[string]any{"from": "2025-12-26", "to": "2026-01-01"},
			"total":       128,
			"new":         14,
			"resolved":    9,
			"by_severity": map[string]any{"CRITICAL": 2, "HIGH": 11, "MEDIUM": 40, "LOW": 75},
			"format":      "xlsx",
			"expires":     "2026-01-09T03:04:05Z",
		},
	}
}

// ReportNoticeEN says system-b's daily report is ready, in English, with a
// hubrelay signed link and the CSV attached.
func ReportNoticeEN(t testing.TB) *notify.Notice {
	t.Helper()
	return &notify.Notice{
		Topic:   "report",
		Title:   "Security report: system-b (2026/01/02)",
		Subject: "[hubrelay] Security report for system-b is ready (2026/01/02)",
		Sections: []notify.NoticeSection{{
			Header: "Summary",
			Text:   "3 active findings on 2026/01/01 (1 new, 0 resolved).",
			Groups: []notify.NoticeGroup{
				{Label: "By severity", Items: []string{"HIGH: 1", "MEDIUM: 1", "LOW: 1"}},
			},
		}},
		Link: &notify.NoticeLink{Text: "Download the report (valid for 7 days)", URL: ReportLinkEN},
		Attachment: &notify.NoticeAttachment{
			Name:        "system-b-2026-01-02.csv",
			ContentType: ContentTypeCSV,
			Data:        ReportFile(t, ReportCSV),
		},
		Data: map[string]any{
			"project":     "system-b",
			"period":      map[string]any{"from": "2026-01-01", "to": "2026-01-01"},
			"total":       3,
			"new":         1,
			"resolved":    0,
			"by_severity": map[string]any{"HIGH": 1, "MEDIUM": 1, "LOW": 1},
			"format":      "csv",
			"expires":     "2026-01-09T03:04:05Z",
		},
	}
}
