package sns

import "github.com/hubrelay/hubrelay/internal/render"

// phrase is one text this package writes that render's catalog lacks, in
// both languages. (Candidates for the catalog.)
type phrase struct{ en, ja string }

func (p phrase) in(lang render.Language) string {
	if lang == render.Japanese {
		return p.ja
	}
	return p.en
}

var (
	phraseTestHeading = phrase{"Test notification from hubrelay", "hubrelay からのテスト通知"}
	phraseTestIntro   = phrase{
		"This is a test message: the SNS destination's settings work. The finding below is a sample.",
		"これはテストメッセージです。SNS 宛先の設定は有効です。以下の検出結果はサンプルです。",
	}
	// phrasePartialCounts is shown when a digest carries only part of its
	// group; %d is how many findings the counts cover.
	phrasePartialCounts = phrase{"(counts of the %d findings included)", "（含まれる %d 件の内訳）"}
	phraseOpenLink      = phrase{"Open the link", "リンクを開く"}
	// phraseAttachmentNotHere names a notice's attachment (%s) that SNS
	// does not carry.
	phraseAttachmentNotHere = phrase{
		"📎 %s is not attached here: SNS messages from hubrelay carry no files (email destinations attach it).",
		"📎 %s はここには添付されません。hubrelay の SNS メッセージはファイルを送りません（メールの送信先には添付されます）。",
	}
)
