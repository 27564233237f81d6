package email

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/render"
)

// phrase is a message of this package that the render catalog does not
// have (yet), in both languages like the catalog.
type phrase struct{ en, ja string }

// The package's own phrases.
var (
	phraseTestHeading = phrase{"Test message from hubrelay", "hubrelay からのテストメッセージ"}
	phraseTestIntro   = phrase{
		"This destination works. The finding below is a sample.",
		"この送信先は使用できます。以下の検出結果はサンプルです。",
	}
	phraseTestSubject = phrase{"[TEST] ", "[テスト] "}
	phraseCountsOf    = phrase{"The counts are of the %d findings included.", "件数は含まれている %d 件の集計です。"}
	phraseOpenLink    = phrase{"Open the link", "リンクを開く"}
	phraseAttached    = phrase{"Attached: %s (%s)", "添付ファイル: %s (%s)"}
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
