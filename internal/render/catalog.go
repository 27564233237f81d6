package render

import (
	"fmt"
	"sort"
)

// MessageKey names one translatable message. Templates use the same names:
// {{ t "severity" }}, {{ t "and_more" 3 }}.
type MessageKey string

// Labels of finding fields.
const (
	MsgTitle            MessageKey = "title"
	MsgSeverity         MessageKey = "severity"
	MsgAccount          MessageKey = "account"
	MsgRegion           MessageKey = "region"
	MsgProduct          MessageKey = "product"
	MsgCompany          MessageKey = "company"
	MsgResource         MessageKey = "resource"
	MsgResources        MessageKey = "resources"
	MsgResourceType     MessageKey = "resource_type"
	MsgResourceID       MessageKey = "resource_id"
	MsgDescription      MessageKey = "description"
	MsgRemediation      MessageKey = "remediation"
	MsgRecommendation   MessageKey = "recommendation"
	MsgFindingID        MessageKey = "finding_id"
	MsgGeneratorID      MessageKey = "generator_id"
	MsgTypes            MessageKey = "types"
	MsgCreatedAt        MessageKey = "created_at"
	MsgUpdatedAt        MessageKey = "updated_at"
	MsgFirstObservedAt  MessageKey = "first_observed_at"
	MsgLastObservedAt   MessageKey = "last_observed_at"
	MsgComplianceStatus MessageKey = "compliance_status"
	MsgControlID        MessageKey = "control_id"
	MsgWorkflowStatus   MessageKey = "workflow_status"
	MsgRecordState      MessageKey = "record_state"
	MsgCustomAction     MessageKey = "custom_action"
	MsgLinks            MessageKey = "links"
)

// Phrases and headings.
const (
	MsgOpenInSecurityHub MessageKey = "open_in_security_hub"
	MsgAndMore           MessageKey = "and_more"  // one %d: how many were left out
	MsgTruncated         MessageKey = "truncated" // marker after cut text
	MsgNone              MessageKey = "none"
	MsgDetectedIntro     MessageKey = "detected_intro"
	MsgHeadingNew        MessageKey = "heading_new"
	MsgHeadingResolved   MessageKey = "heading_resolved"
	MsgHeadingReopened   MessageKey = "heading_reopened"
	MsgHeadingReminder   MessageKey = "heading_reminder"
	MsgResolvedIntro     MessageKey = "resolved_intro"
	MsgReopenedIntro     MessageKey = "reopened_intro"
	MsgReminderIntro     MessageKey = "reminder_intro"
)

// Digest lines.
const (
	MsgDigestTitle         MessageKey = "digest_title"          // one %d: total findings
	MsgDigestIntro         MessageKey = "digest_intro"          // one %d: total findings
	MsgDigestSeverityCount MessageKey = "digest_severity_count" // %s severity name, %d count
	MsgDigestTop           MessageKey = "digest_top"
	MsgDigestOpenAll       MessageKey = "digest_open_all"
	MsgDigestScopeIDs      MessageKey = "digest_scope_ids"
	MsgDigestScopeAccounts MessageKey = "digest_scope_accounts"
	MsgDigestScopeProducts MessageKey = "digest_scope_products"
	MsgDigestScopeAll      MessageKey = "digest_scope_all"
)

// Names of field values, as the Security Hub console shows them.
const (
	MsgSeverityCritical       MessageKey = "severity_critical"
	MsgSeverityHigh           MessageKey = "severity_high"
	MsgSeverityMedium         MessageKey = "severity_medium"
	MsgSeverityLow            MessageKey = "severity_low"
	MsgSeverityInformational  MessageKey = "severity_informational"
	MsgSeverityUnknown        MessageKey = "severity_unknown"
	MsgWorkflowNew            MessageKey = "workflow_new"
	MsgWorkflowNotified       MessageKey = "workflow_notified"
	MsgWorkflowResolved       MessageKey = "workflow_resolved"
	MsgWorkflowSuppressed     MessageKey = "workflow_suppressed"
	MsgRecordActive           MessageKey = "record_active"
	MsgRecordArchived         MessageKey = "record_archived"
	MsgCompliancePassed       MessageKey = "compliance_passed"
	MsgComplianceFailed       MessageKey = "compliance_failed"
	MsgComplianceWarning      MessageKey = "compliance_warning"
	MsgComplianceNotAvailable MessageKey = "compliance_not_available"
)

// translation is one message in both languages.
type translation struct {
	en, ja string
}

// catalog is the immutable message table. Japanese severity, workflow and
// compliance names follow the Japanese Security Hub console (重大/高/中/低/情報,
// 新規/通知済み/解決済み/抑制済み, 成功/失敗/警告); field labels follow seed 000
// (検出内容, 重要度, AWSアカウント, リージョン, リソース).
var catalog = map[MessageKey]translation{
	MsgTitle:            {"Title", "タイトル"},
	MsgSeverity:         {"Severity", "重要度"},
	MsgAccount:          {"Account", "AWSアカウント"},
	MsgRegion:           {"Region", "リージョン"},
	MsgProduct:          {"Product", "製品名"},
	MsgCompany:          {"Company", "会社名"},
	MsgResource:         {"Resource", "リソース"},
	MsgResources:        {"Resources", "リソース"},
	MsgResourceType:     {"Resource type", "リソースタイプ"},
	MsgResourceID:       {"Resource ID", "リソース ID"},
	MsgDescription:      {"Description", "検出内容"},
	MsgRemediation:      {"Remediation", "推奨対応"},
	MsgRecommendation:   {"Recommendation", "推奨事項"},
	MsgFindingID:        {"Finding ID", "検出結果 ID"},
	MsgGeneratorID:      {"Generator ID", "ジェネレーター ID"},
	MsgTypes:            {"Types", "タイプ"},
	MsgCreatedAt:        {"Created", "作成日時"},
	MsgUpdatedAt:        {"Updated", "更新日時"},
	MsgFirstObservedAt:  {"First observed", "初回検出日時"},
	MsgLastObservedAt:   {"Last observed", "最終検出日時"},
	MsgComplianceStatus: {"Compliance status", "コンプライアンスステータス"},
	MsgControlID:        {"Control ID", "コントロール ID"},
	MsgWorkflowStatus:   {"Workflow status", "ワークフローステータス"},
	MsgRecordState:      {"Record state", "レコードの状態"},
	MsgCustomAction:     {"Custom action", "カスタムアクション"},
	MsgLinks:            {"Links", "リンク"},

	MsgOpenInSecurityHub: {"Open in Security Hub", "Security Hubで開く"},
	MsgAndMore:           {"and %d more", "他 %d 件"},
	MsgTruncated:         {"(truncated)", "（省略されました）"},
	MsgNone:              {"(none)", "（なし）"},
	MsgDetectedIntro:     {"AWS Security Hub detected the following.", "AWS Security Hubで以下が検出されました。"},
	MsgHeadingNew:        {"New Security Hub finding", "Security Hub の新しい検出結果"},
	MsgHeadingResolved:   {"Resolved Security Hub finding", "解決した Security Hub の検出結果"},
	MsgHeadingReopened:   {"Reopened Security Hub finding", "再検出された Security Hub の検出結果"},
	MsgHeadingReminder:   {"Reminder: open Security Hub finding", "リマインダー: 未対応の Security Hub の検出結果"},
	MsgResolvedIntro:     {"This finding is now resolved in AWS Security Hub.", "この検出結果は AWS Security Hub で解決済みになりました。"},
	MsgReopenedIntro:     {"This finding was resolved and has been detected again.", "解決済みだったこの検出結果が再び検出されました。"},
	MsgReminderIntro:     {"This finding is still open.", "この検出結果はまだ対応されていません。"},

	MsgDigestTitle:         {"Security Hub digest: %d findings", "Security Hub ダイジェスト: %d 件の検出結果"},
	MsgDigestIntro:         {"AWS Security Hub reported %d findings.", "AWS Security Hubで %d 件の検出結果がありました。"},
	MsgDigestSeverityCount: {"%s: %d", "%s: %d 件"},
	MsgDigestTop:           {"Most severe findings", "重要度の高い検出結果"},
	MsgDigestOpenAll:       {"Open these findings in Security Hub", "これらの検出結果を Security Hubで開く"},
	MsgDigestScopeIDs:      {"(these findings)", "（これらの検出結果）"},
	MsgDigestScopeAccounts: {"(filtered by account and product)", "（AWSアカウントと製品名で絞り込み）"},
	MsgDigestScopeProducts: {"(filtered by product)", "（製品名で絞り込み）"},
	MsgDigestScopeAll:      {"(all findings)", "（すべての検出結果）"},

	MsgSeverityCritical:       {"Critical", "重大"},
	MsgSeverityHigh:           {"High", "高"},
	MsgSeverityMedium:         {"Medium", "中"},
	MsgSeverityLow:            {"Low", "低"},
	MsgSeverityInformational:  {"Informational", "情報"},
	MsgSeverityUnknown:        {"Unknown", "不明"},
	MsgWorkflowNew:            {"New", "新規"},
	MsgWorkflowNotified:       {"Notified", "通知済み"},
	MsgWorkflowResolved:       {"Resolved", "解決済み"},
	MsgWorkflowSuppressed:     {"Suppressed", "抑制済み"},
	MsgRecordActive:           {"Active", "アクティブ"},
	MsgRecordArchived:         {"Archived", "アーカイブ済み"},
	MsgCompliancePassed:       {"Passed", "成功"},
	MsgComplianceFailed:       {"Failed", "失敗"},
	MsgComplianceWarning:      {"Warning", "警告"},
	MsgComplianceNotAvailable: {"Not available", "利用不可"},
}

// lookup returns the message for key in lang without formatting it.
func lookup(lang Language, key MessageKey) (string, bool) {
	tr, ok := catalog[key]
	if !ok {
		return "", false
	}
	if lang == Japanese {
		return tr.ja, true
	}
	return tr.en, true
}

// Translate returns the message key in lang ("ja"; anything else is English),
// formatted with args when there are any (fmt verbs, e.g. "他 %d 件"). An
// unknown key returns the key itself so the gap is visible; templates get an
// error instead. Safe for concurrent use.
func Translate(lang Language, key MessageKey, args ...any) string {
	msg, ok := lookup(lang, key)
	if !ok {
		return string(key)
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// MessageKeys lists every key in the catalog, sorted, for tests and
// documentation. Each call returns a new slice.
func MessageKeys() []MessageKey {
	keys := make([]MessageKey, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
