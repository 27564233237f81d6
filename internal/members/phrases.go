package members

import (
	"fmt"
	"strings"
)

// The languages of the notices.
const (
	LanguageJapanese = "ja"
	LanguageEnglish  = "en"
)

// phrases are every word of the notices in one language. The Japanese
// headers are seed 004's.
type phrases struct {
	changesHeader    string
	unmanagedHeader  string
	noChange         string
	cloudTrailHeader string
	notMembersHeader string
	orgFailed        string // %s error
	firstCheck       string // %d member accounts
	notListed        string // group label of accounts no longer listed
	changed          string // %s account, %s from, %s to
	isNew            string // %s account
	gone             string // %s account, %s from
	updated          string // %s account, %s time
	since            string // %s account, %s time
	event            string // %s account, %s event name, %s time, %s actor
	notMemberStatus  string // %s account, %s status
	subject          string // %s date, %s summary
	summaryChanges   string // %d
	summaryNoChange  string
	summaryFirst     string
	summaryUnmanaged string // %d
	summaryLeaves    string // %d
	listSep          string
	sentenceSep      string

	leaveTitle       string
	leaveSubject     string // %s accounts, %s event name, %s time
	leaveMore        string // %s first account, %d others
	leaveSelf        string // %s account
	leaveDisassoc    string
	leaveDeleted     string
	accountsLabel    string
	detailsLabel     string
	detailCall       string
	detailActor      string
	detailTime       string
	detailRegion     string
	detailEventID    string
	detailSeparator  string
	leaveUntilBack   string
	leaveNextMessage string
}

var japanese = phrases{
	changesHeader:    "Security Hub メンバーステータスの変更",
	unmanagedHeader:  "Security Hub 管理外となっているアカウント",
	noChange:         "Security Hub のメンバ状況に変更はありません",
	cloudTrailHeader: "前回のチェック以降に CloudTrail で記録された離脱",
	notMembersHeader: "Organizations にあり Security Hub のメンバーでないアカウント",
	orgFailed:        "AWS Organizations のアカウント一覧を取得できませんでした: %s",
	firstCheck:       "初回のチェックです。メンバーアカウント %d 件を記録しました。変更は次回のチェックから通知します。",
	notListed:        "一覧から削除",
	changed:          "%s（%s → %s）",
	isNew:            "%s（新規）",
	gone:             "%s（%s → 一覧になし）",
	updated:          "%s（ステータスは同じですが %s に更新されています。離脱と再参加などの可能性があります）",
	since:            "%s（%s から）",
	event:            "%s: %s（%s、%s）",
	notMemberStatus:  "%s（%s）",
	subject:          "Security Hub メンバー状況 %s: %s",
	summaryChanges:   "変更 %d 件",
	summaryNoChange:  "変更なし",
	summaryFirst:     "初回のチェック",
	summaryUnmanaged: "管理外 %d 件",
	summaryLeaves:    "CloudTrail の離脱 %d 件",
	listSep:          "、",
	sentenceSep:      "",

	leaveTitle:       "Security Hub メンバーの離脱",
	leaveSubject:     "Security Hub: %s が管理から外れました（%s、%s）",
	leaveMore:        "%s ほか %d 件",
	leaveSelf:        "メンバーアカウント %s が、自ら Security Hub 管理者アカウントとの関連付けを解除しました。",
	leaveDisassoc:    "Security Hub 管理者アカウントで、メンバーアカウントの関連付けが解除されました。",
	leaveDeleted:     "Security Hub 管理者アカウントで、メンバーアカウントが削除されました。",
	accountsLabel:    "アカウント",
	detailsLabel:     "詳細",
	detailCall:       "操作",
	detailActor:      "実行者",
	detailTime:       "日時",
	detailRegion:     "リージョン",
	detailEventID:    "CloudTrail イベント ID",
	detailSeparator:  ": ",
	leaveUntilBack:   "戻るまで、毎日のメンバー状況の通知に表示されます。",
	leaveNextMessage: "次回のメンバー状況の通知にも記載されます。",
}

var english = phrases{
	changesHeader:    "Security Hub member status changes",
	unmanagedHeader:  "Accounts outside Security Hub management",
	noChange:         "No change in Security Hub membership",
	cloudTrailHeader: "Leaves recorded by CloudTrail since the last check",
	notMembersHeader: "Organization accounts that are not Security Hub members",
	orgFailed:        "The accounts of AWS Organizations could not be listed: %s",
	firstCheck:       "First check: %d member accounts recorded. Changes are reported from the next check on.",
	notListed:        "No longer listed",
	changed:          "%s (%s → %s)",
	isNew:            "%s (new)",
	gone:             "%s (%s → not listed)",
	updated:          "%s (same status, but updated at %s: it may have left and rejoined)",
	since:            "%s (since %s)",
	event:            "%s: %s (%s, %s)",
	notMemberStatus:  "%s (%s)",
	subject:          "Security Hub members %s: %s",
	summaryChanges:   "%d changes",
	summaryNoChange:  "no change",
	summaryFirst:     "first check",
	summaryUnmanaged: "%d outside management",
	summaryLeaves:    "%d leaves in CloudTrail",
	listSep:          ", ",
	sentenceSep:      " ",

	leaveTitle:       "Security Hub member left",
	leaveSubject:     "Security Hub: %s left (%s, %s)",
	leaveMore:        "%s and %d more",
	leaveSelf:        "Member account %s disassociated itself from the Security Hub administrator account.",
	leaveDisassoc:    "The Security Hub administrator account disassociated member accounts.",
	leaveDeleted:     "The Security Hub administrator account deleted member accounts.",
	accountsLabel:    "Accounts",
	detailsLabel:     "Details",
	detailCall:       "Call",
	detailActor:      "By",
	detailTime:       "At",
	detailRegion:     "Region",
	detailEventID:    "CloudTrail event ID",
	detailSeparator:  ": ",
	leaveUntilBack:   "They are listed in every daily members message until they are back.",
	leaveNextMessage: "The next daily members message lists this too.",
}

// phrasesFor returns the phrases of lang ("ja" or "en"; anything else is
// English).
func phrasesFor(lang string) *phrases {
	if strings.EqualFold(lang, LanguageJapanese) {
		return &japanese
	}
	return &english
}

// summaryChangesText writes "N changes" with the singular in English.
func (p *phrases) summaryChangesText(n int) string {
	if p == &english && n == 1 {
		return "1 change"
	}
	return fmt.Sprintf(p.summaryChanges, n)
}

// summaryLeavesText writes "N leaves in CloudTrail" with the singular in
// English.
func (p *phrases) summaryLeavesText(n int) string {
	if p == &english && n == 1 {
		return "1 leave in CloudTrail"
	}
	return fmt.Sprintf(p.summaryLeaves, n)
}
