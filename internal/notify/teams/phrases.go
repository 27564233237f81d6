package teams

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/render"
)

// phrase is a message of this package that the render catalog does not
// have (yet); each is kept in both languages, like the catalog.
type phrase struct{ en, ja string }

// The package's own phrases.
var (
	phraseTestHeading = phrase{"Test message from hubrelay", "hubrelay からのテストメッセージ"}
	phraseTestIntro   = phrase{
		"This destination works. The finding below is a sample.",
		"この送信先は使用できます。以下の検出結果はサンプルです。",
	}
	// phraseUpdateHeading heads a card about a finding this destination
	// has already shown (Message.Previous set): Teams webhooks cannot
	// reply to or edit the earlier card.
	phraseUpdateHeading = phrase{"Update: Security Hub finding", "更新: Security Hub の検出結果"}
	phraseUpdateIntro   = phrase{
		"This finding was posted here before; this is its current state.",
		"この検出結果は以前にも投稿されています。以下は現在の状態です。",
	}
	phraseEarlierMessage = phrase{"Earlier notification", "以前の通知"}
	phraseCountsOf       = phrase{"Counts of the %d findings included.", "件数は含まれている %d 件の集計です。"}
	phraseRoute          = phrase{"Route", "ルート"}
	phraseGroup          = phrase{"Group", "グループ"}
	phraseResourceN      = phrase{"Resource %d", "リソース %d"}

	phraseNotice            = phrase{"Notice from hubrelay", "hubrelay からのお知らせ"}
	phraseOpenLink          = phrase{"Open the link", "リンクを開く"}
	phraseLinkNotShown      = phrase{"(the link cannot be opened from Teams)", "（このリンクは Teams からは開けません）"}
	phraseAttachmentNotHere = phrase{
		"📎 %s is not attached here: Teams cards from hubrelay carry no files (email destinations attach it).",
		"📎 %s はここには添付されません。hubrelay の Teams カードはファイルを送りません（メールの送信先には添付されます）。",
	}
	// phraseNoticeShortened says that a notice's card lists only part of
	// it to fit Teams' size limit.
	phraseNoticeShortened = phrase{
		"Parts of this message were left out to fit the Teams message size limit (28 KB).",
		"Teams のメッセージサイズ上限 (28 KB) に収めるため、一部を省略しました。",
	}
	// phraseShortened says that the card was cut to fit Teams' size limit.
	phraseShortened = phrase{
		"Parts of this message were shortened to fit the Teams message size limit (28 KB). Open the finding in Security Hub for everything.",
		"Teams のメッセージサイズ上限 (28 KB) に収めるため、一部を省略しました。すべての内容は Security Hub で確認してください。",
	}
)

// in returns the phrase in lang, formatted with args when there are any.
func (p phrase) in(lang render.Language, args ...any) string {
	msg := p.en
	if lang == render.Japanese {
		msg = p.ja
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}
