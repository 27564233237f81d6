package report

import (
	"fmt"
	"strings"
)

// Languages are the report languages: Japanese and English.
const (
	LanguageJapanese = "ja"
	LanguageEnglish  = "en"
)

// labels are every word a report shows, in one language. The xlsx, csv
// and html writers read them from here only, so the two languages cannot
// drift apart.
type labels struct {
	lang string

	// Sheet names (at most 31 characters, none of : \ / ? * [ ]).
	sheetSummary, sheetFindings, sheetControls, sheetResources string

	// Findings table.
	colSeverity, colAccount, colRegion, colProduct, colControl, colTitle   string
	colResourceType, colResourceID, colCompliance, colWorkflow, colChange  string
	colFirstSeen, colLastSeen, colAge, colConsole, colRemediation, colID   string
	openConsole, openRemediation, changeNew, changeStillOpen, unknownValue string

	// Summary sheet.
	title, generated, accounts, previous, noPrevious, timezone                         string
	secOpen, colOpen, colNew, colStillOpen, colResolved, total                         string
	secAge, ageBuckets                                                                 string
	secCompliance, colStandard, colPassed, colFailed, colUnknown, colTotal, colScore   string
	scoreNote, noCompliance                                                            string
	secAccounts, secProducts, secTopControls, colFindings, colAccounts, colResources   string
	secResolved, andMore, noneResolved, secTrend, secControls, secResources, secDetail string
	colHighest, htmlShown, noFindings                                                  string

	severity   map[string]string // CRITICAL → 重大
	workflow   map[string]string // NEW → 新規
	compliance map[string]string // FAILED → 失敗
}

var japanese = labels{
	lang:         LanguageJapanese,
	sheetSummary: "サマリー", sheetFindings: "検出結果", sheetControls: "コントロール別", sheetResources: "リソース別",

	colSeverity: "重要度", colAccount: "アカウント", colRegion: "リージョン", colProduct: "製品",
	colControl: "コントロール / ルール", colTitle: "タイトル", colResourceType: "リソースタイプ",
	colResourceID: "リソースID", colCompliance: "コンプライアンス", colWorkflow: "ワークフロー",
	colChange: "前回からの変化", colFirstSeen: "初回検出", colLastSeen: "最終検出", colAge: "経過日数",
	colConsole: "コンソール", colRemediation: "修復手順", colID: "検出結果ID",
	openConsole: "コンソールで開く", openRemediation: "修復手順を開く",
	changeNew: "新規検出", changeStillOpen: "継続", unknownValue: "(なし)",

	title: "Security Hub 検出結果レポート: %s", generated: "作成日時", accounts: "対象アカウント",
	previous: "前回レポート", noPrevious: "なし（初回のレポート）", timezone: "タイムゾーン",
	secOpen: "未対応の検出結果", colOpen: "未対応", colNew: "前回から新規", colStillOpen: "継続",
	colResolved: "前回から解決", total: "合計",
	secAge: "未対応の検出結果の経過日数", ageBuckets: "0〜7日|8〜30日|31〜90日|91日以上",
	secCompliance: "コンプライアンススコア", colStandard: "セキュリティ標準", colPassed: "合格",
	colFailed: "不合格", colUnknown: "不明", colTotal: "評価済み", colScore: "スコア",
	scoreNote:    "スコア = 合格したコントロール ÷ 評価済みのコントロール。いずれかのアカウントで不合格の検出結果があるコントロールは不合格、警告・利用不可だけのものは不明として数えます（抑制済みの検出結果は数えません）。",
	noCompliance: "コントロールの検出結果がありません。",
	secAccounts:  "アカウント別の未対応件数", secProducts: "製品別の未対応件数",
	secTopControls: "未対応の多いコントロール / ルール（上位 %d）", colFindings: "件数",
	colAccounts: "アカウント数", colResources: "リソース数",
	secResolved: "前回から解決した検出結果", andMore: "ほか %d 件", noneResolved: "ありません。",
	secTrend: "推移", secControls: "コントロール / ルール別", secResources: "リソース別（上位 %d）",
	secDetail: "検出結果", colHighest: "最大の重要度",
	htmlShown:  "重要度の高い順に %d 件を表示しています（全 %d 件は xlsx / csv にあります）。",
	noFindings: "未対応の検出結果はありません。",

	severity:   map[string]string{"CRITICAL": "重大", "HIGH": "高", "MEDIUM": "中", "LOW": "低", "INFORMATIONAL": "情報"},
	workflow:   map[string]string{"NEW": "新規", "NOTIFIED": "通知済み", "RESOLVED": "解決済み", "SUPPRESSED": "抑制済み"},
	compliance: map[string]string{"FAILED": "不合格", "WARNING": "警告", "NOT_AVAILABLE": "利用不可", "PASSED": "合格"},
}

var english = labels{
	lang:         LanguageEnglish,
	sheetSummary: "Summary", sheetFindings: "Findings", sheetControls: "By control", sheetResources: "By resource",

	colSeverity: "Severity", colAccount: "Account", colRegion: "Region", colProduct: "Product",
	colControl: "Control / rule", colTitle: "Title", colResourceType: "Resource type",
	colResourceID: "Resource ID", colCompliance: "Compliance", colWorkflow: "Workflow",
	colChange: "Since last report", colFirstSeen: "First seen", colLastSeen: "Last seen", colAge: "Age (days)",
	colConsole: "Console", colRemediation: "Remediation", colID: "Finding ID",
	openConsole: "Open in console", openRemediation: "Open remediation",
	changeNew: "New", changeStillOpen: "Still open", unknownValue: "(none)",

	title: "Security Hub findings report: %s", generated: "Generated", accounts: "Accounts",
	previous: "Previous report", noPrevious: "none (first report)", timezone: "Time zone",
	secOpen: "Open findings", colOpen: "Open", colNew: "New since last", colStillOpen: "Still open",
	colResolved: "Resolved since last", total: "Total",
	secAge: "Age of open findings", ageBuckets: "0-7 days|8-30 days|31-90 days|91+ days",
	secCompliance: "Compliance score", colStandard: "Standard", colPassed: "Passed",
	colFailed: "Failed", colUnknown: "Unknown", colTotal: "Evaluated", colScore: "Score",
	scoreNote:    "Score = passed controls / evaluated controls. A control with a FAILED finding in any account fails; one with only WARNING or NOT_AVAILABLE findings is unknown (suppressed findings do not count).",
	noCompliance: "No control findings.",
	secAccounts:  "Open findings by account", secProducts: "Open findings by product",
	secTopControls: "Controls and rules with the most open findings (top %d)", colFindings: "Findings",
	colAccounts: "Accounts", colResources: "Resources",
	secResolved: "Resolved since the last report", andMore: "and %d more", noneResolved: "None.",
	secTrend: "Trend", secControls: "By control / rule", secResources: "By resource (top %d)",
	secDetail: "Findings", colHighest: "Highest severity",
	htmlShown:  "Showing the %d most severe findings of %d; the xlsx and csv reports hold them all.",
	noFindings: "No open findings.",

	severity:   map[string]string{"CRITICAL": "CRITICAL", "HIGH": "HIGH", "MEDIUM": "MEDIUM", "LOW": "LOW", "INFORMATIONAL": "INFORMATIONAL"},
	workflow:   map[string]string{"NEW": "NEW", "NOTIFIED": "NOTIFIED", "RESOLVED": "RESOLVED", "SUPPRESSED": "SUPPRESSED"},
	compliance: map[string]string{"FAILED": "FAILED", "WARNING": "WARNING", "NOT_AVAILABLE": "NOT_AVAILABLE", "PASSED": "PASSED"},
}

// labelsFor returns the labels of a language: "ja" (or empty) or "en".
func labelsFor(lang string) (*labels, error) {
	switch strings.ToLower(lang) {
	case "", LanguageJapanese:
		return &japanese, nil
	case LanguageEnglish:
		return &english, nil
	}
	return nil, fmt.Errorf("language %q: want %q or %q", lang, LanguageJapanese, LanguageEnglish)
}

// findingColumns are the findings table's headers, in column order; the
// xlsx, csv and html writers share them.
func (l *labels) findingColumns() []string {
	return []string{l.colSeverity, l.colAccount, l.colRegion, l.colProduct, l.colControl, l.colTitle,
		l.colResourceType, l.colResourceID, l.colCompliance, l.colWorkflow, l.colChange,
		l.colFirstSeen, l.colLastSeen, l.colAge, l.colConsole, l.colRemediation, l.colID}
}

// sev names a severity (an index into severities) in the language.
func (l *labels) sev(s severity) string { return l.severity[severities[s]] }

// value translates an enumerated value with m, keeping unknown values as
// they are.
func value(m map[string]string, v string) string {
	if t, ok := m[v]; ok {
		return t
	}
	return v
}
