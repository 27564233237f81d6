package slack

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
	phraseCountsOf = phrase{"Counts of the %d findings included.", "件数は含まれている %d 件の集計です。"}
	phraseRoute    = phrase{"Route", "ルート"}
	phraseGroup    = phrase{"Group", "グループ"}

	phraseNotice            = phrase{"Notice from hubrelay", "hubrelay からのお知らせ"}
	phraseOpenLink          = phrase{"Open the link", "リンクを開く"}
	phraseLinkNotShown      = phrase{"(the link cannot be shown in Slack)", "（このリンクは Slack では表示できません）"}
	phraseAttachmentNotHere = phrase{
		"📎 %s is not attached here: Slack messages from hubrelay carry no files (email destinations attach it).",
		"📎 %s はここには添付されません。hubrelay の Slack メッセージはファイルを送りません（メールの送信先には添付されます）。",
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
