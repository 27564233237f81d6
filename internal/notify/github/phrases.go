package github

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/render"
)

// phrase is one text this destination writes that render's catalog does
// not hold (yet), in both languages.
type phrase struct{ en, ja string }

// Phrases missing from render's catalog.
var (
	phraseGroup   = phrase{"Group", "グループ"}
	phraseRoute   = phrase{"Route", "ルート"}
	phrasePartial = phrase{
		"The counts and the list cover the %d findings included in this message.",
		"件数と一覧は、このメッセージに含まれる %d 件の検出結果のものです。",
	}
)

// in returns p in lang, formatted with args when there are any.
func (p phrase) in(lang render.Language, args ...any) string {
	text := p.en
	if lang == render.Japanese {
		text = p.ja
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}
