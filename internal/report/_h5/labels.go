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
	Lang string

	// Sheet names (at most 31 characters, none of : \ / ? * [ ]).
	SheetSummary, SheetFindings, SheetControls, SheetResources string

	// Findings table.
	ColSeverity, ColAccount, ColRegion, ColProduct, ColControl, ColTitle   string
	ColResourceType, ColResourceID, ColCompliance, ColWorkflow, ColChange  string
	ColFirstSeen, ColLastSeen, ColAge, ColConsole, ColRemediation, ColID   string
	OpenConsole, OpenRemediation, ChangeNew, ChangeStillOpen, UnknownValue string

	// Summary sheet.
	Title, Generated, Accounts, Previous, NoPrevious, Timezone                         string
	SecOpen, ColOpen, ColNew, ColStillOpen, ColResolved, Total                         string
	SecAge, AgeBuckets                                                                 string
	SecCompliance, ColStandard, ColPassed, ColFailed, ColUnknown, ColTotal, ColScore   string
	ScoreNote, NoCompliance                                                            string
	SecAccounts, SecProducts, SecTopControls, ColFindings, ColAccounts, ColResources   string
	SecResolved, AndMore, NoneResolved, SecTrend, SecControls, SecResources, SecDetail string
	ColHighest, HtmlShown, NoFindings                                                  string

	Severity   map[string]string // CRITICAL → 重大
	Workflow   map[string]string // NEW → 新規
	Compliance map[string]string // FAILED → 失敗
}

var japanese = labels{
	Lang:         LanguageJapanese,
	SheetSummary: "サマリー", SheetFindings: "検出結果", SheetControls: "コントロール別", SheetResources: "リソース別",

	ColSeverity: "重要度", ColAccount: "アカウント", ColRegion: "リージョン", ColProduct: "製品",
	ColControl: "コントロール / ルール", ColTitle: "タイトル", ColResourceType: "リソースタイプ",
	ColResourceID: "リソースID", ColCompliance: "コンプライアンス", ColWorkflow: "ワークフロー",
	ColChange: "前回からの変化", ColFirstSeen: "初回検出", ColLastSeen: "最終検出", ColAge: "経過日数",
	ColConsole: "コンソール", ColRemediation: "修復手順", ColID: "検出結果ID",
	OpenConsole: "コンソールで開く", OpenRemediation: "修復手順を開く",
	ChangeNew: "新規検出", ChangeStillOpen: "継続", UnknownValue: "(なし)",

	Title: "Security Hub 検出結果レポート: %s", Generated: "作成日時", Accounts: "対象アカウント",
	Previous: "前回レポート", NoPrevious: "なし（初回のレポート）", Timezone: "タイムゾーン",
	SecOpen: "未対応の検出結果", ColOpen: "未対応", ColNew: "前回から新規", ColStillOpen: "継続",
	ColResolved: "前回から解決", Total: "合計",
	SecAge: "未対応の検出結果の経過日数", AgeBuckets: "0〜7日|8〜30日|31〜90日|91日以上",
	SecCompliance: "コンプライアンススコア", ColStandard: "セキュリティ標準", ColPassed: "合格",
	ColFailed: "不合格", ColUnknown: "不明", ColTotal: "評価済み", ColScore: "スコア",
	ScoreNote:    "スコア = 合格したコントロール ÷ 評価済みのコントロール。いずれかのアカウントで不合格の検出結果があるコントロールは不合格、警告・利用不可だけのものは不明として数えます（抑制済みの検出結果は数えません）。",
	NoCompliance: "コントロールの検出結果がありません。",
	SecAccounts:  "アカウント別の未対応件数", SecProducts: "製品別の未対応件数",
	SecTopControls: "未対応の多いコントロール / ルール（上位 %d）", ColFindings: "件数",
	ColAccounts: "アカウント数", ColResources: "リソース数",
	SecResolved: "前回から解決した検出結果", AndMore: "ほか %d 件", NoneResolved: "ありません。",
	SecTrend: "推移", SecControls: "コントロール / ルール別", SecResources: "リソース別（上位 %d）",
	SecDetail: "検出結果", ColHighest: "最大の重要度",
	HtmlShown:  "重要度の高い順に %d 件を表示しています（全 %d 件は xlsx / csv にあります）。",
	NoFindings: "未対応の検出結果はありません。",

	Severity:   map[string]string{"CRITICAL": "重大", "HIGH": "高", "MEDIUM": "中", "LOW": "低", "INFORMATIONAL": "情報"},
	Workflow:   map[string]string{"NEW": "新規", "NOTIFIED": "通知済み", "RESOLVED": "解決済み", "SUPPRESSED": "抑制済み"},
	Compliance: map[string]string{"FAILED": "不合格", "WARNING": "警告", "NOT_AVAILABLE": "利用不可", "PASSED": "合格"},
}

var english = labels{
	Lang:         LanguageEnglish,
	SheetSummary: "Summary", SheetFindings: "Findings", SheetControls: "By control", SheetResources: "By resource",

	ColSeverity: "Severity", ColAccount: "Account", ColRegion: "Region", ColProduct: "Product",
	ColControl: "Control / rule", ColTitle: "Title", ColResourceType: "Resource type",
	ColResourceID: "Resource ID", ColCompliance: "Compliance", ColWorkflow: "Workflow",
	ColChange: "Since last report", ColFirstSeen: "First seen", ColLastSeen: "Last seen", ColAge: "Age (days)",
	ColConsole: "Console", ColRemediation: "Remediation", ColID: "Finding ID",
	OpenConsole: "Open in console", OpenRemediation: "Open remediation",
	ChangeNew: "New", ChangeStillOpen: "Still open", UnknownValue: "(none)",

	Title: "Security Hub findings report: %s", Generated: "Generated", Accounts: "Accounts",
	Previous: "Previous report", NoPrevious: "none (first report)", Timezone: "Time zone",
	SecOpen: "Open findings", ColOpen: "Open", ColNew: "New since last", ColStillOpen: "Still open",
	ColResolved: "Resolved since last", Total: "Total",
	SecAge: "Age of open findings", AgeBuckets: "0-7 days|8-30 days|31-90 days|91+ days",
	SecCompliance: "Compliance score", ColStandard: "Standard", ColPassed: "Passed",
	ColFailed: "Failed", ColUnknown: "Unknown", ColTotal: "Evaluated", ColScore: "Score",
	ScoreNote:    "Score = passed controls / evaluated controls. A control with a FAILED finding in any account fails; one with only WARNING or NOT_AVAILABLE findings is unknown (suppressed findings do not count).",
	NoCompliance: "No control findings.",
	SecAccounts:  "Open findings by account", SecProducts: "Open findings by product",
	SecTopControls: "Controls and rules with the most open findings (top %d)", ColFindings: "Findings",
	ColAccounts: "Accounts", ColResources: "Resources",
	SecResolved: "Resolved since the last report", AndMore: "and %d more", NoneResolved: "None.",
	SecTrend: "Trend", SecControls: "By control / rule", SecResources: "By resource (top %d)",
	SecDetail: "Findings", ColHighest: "Highest severity",
	HtmlShown:  "Showing the %d most severe findings of %d; the xlsx and csv reports hold them all.",
	NoFindings: "No open findings.",

	Severity:   map[string]string{"CRITICAL": "CRITICAL", "HIGH": "HIGH", "MEDIUM": "MEDIUM", "LOW": "LOW", "INFORMATIONAL": "INFORMATIONAL"},
	Workflow:   map[string]string{"NEW": "NEW", "NOTIFIED": "NOTIFIED", "RESOLVED": "RESOLVED", "SUPPRESSED": "SUPPRESSED"},
	Compliance: map[string]string{"FAILED": "FAILED", "WARNING": "WARNING", "NOT_AVAILABLE": "NOT_AVAILABLE", "PASSED": "PASSED"},
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
	return []string{l.ColSeverity, l.ColAccount, l.ColRegion, l.ColProduct, l.ColControl, l.ColTitle,
		l.ColResourceType, l.ColResourceID, l.ColCompliance, l.ColWorkflow, l.ColChange,
		l.ColFirstSeen, l.ColLastSeen, l.ColAge, l.ColConsole, l.ColRemediation, l.ColID}
}

// sev names a severity (an index into severities) in the language.
func (l *labels) sev(s severity) string { return l.Severity[severities[s]] }

// value translates an enumerated value with m, keeping unknown values as
// they are.
func value(m map[string]string, v string) string {
	if t, ok := m[v]; ok {
		return t
	}
	return v
}
