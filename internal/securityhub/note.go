package securityhub

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/store"
)

// Limits of what BatchUpdateFindings(V2) accepts.
const (
	// MaxNoteRunes is the longest Note.Text (and V2 Comment): 512 characters.
	MaxNoteRunes = 512
	// MaxFieldName and MaxFieldValue bound a UserDefinedFields entry.
	MaxFieldName  = 128
	MaxFieldValue = 1024
	// MaxFields is the most UserDefinedFields one finding holds.
	MaxFields = 50
)

// NoteBy is the Note.UpdatedBy of every note hubrelay writes, and the
// prefix of its text.
const NoteBy = "hubrelay"

// FieldPrefix starts the UserDefinedFields keys that hold ticket keys:
// "hubrelay_" + the destination's name.
const FieldPrefix = "hubrelay_"

// noteText is the note hubrelay writes on a finding whose deliveries
// succeeded: "hubrelay: " and, for each receipt in destination name order
// (so that the note does not depend on which delivery finished first),
// the destination's name, the receipt's ID and its URL ("hubrelay:
// backlog-a BLG-123 https://example.backlog.jp/view/BLG-123, slack-a
// 1700000000.0001"), at most MaxNoteRunes characters: receipts that do
// not fit are left out and " …" says so. Empty when no receipt has an ID
// or a URL.
func noteText(notes []store.Note) string {
	notes = slices.Clone(notes)
	slices.SortStableFunc(notes, func(a, b store.Note) int { return strings.Compare(a.Destination, b.Destination) })
	var parts []string
	for _, n := range notes {
		var words []string
		for _, w := range []string{n.Destination, n.ID, n.URL} {
			if w = clean(w); w != "" {
				words = append(words, w)
			}
		}
		if clean(n.ID) == "" && clean(n.URL) == "" {
			continue
		}
		parts = append(parts, strings.Join(words, " "))
	}
	if len(parts) == 0 {
		return ""
	}
	full := NoteBy + ": " + strings.Join(parts, ", ")
	if utf8.RuneCountInString(full) <= MaxNoteRunes {
		return full
	}
	// Too long: keep the receipts that fit, oldest first, and say that
	// more were left out.
	const more = " …"
	room := MaxNoteRunes - utf8.RuneCountInString(more)
	text := NoteBy + ":"
	for i, p := range parts {
		sep := ", "
		if i == 0 {
			sep = " "
		}
		if utf8.RuneCountInString(text)+utf8.RuneCountInString(sep+p) > room {
			if i == 0 {
				text = cutRunes(text+sep+p, room)
			}
			break
		}
		text += sep + p
	}
	return text + more
}

// ticketFields maps "hubrelay_<destination>" to the ticket key of each
// receipt that names a ticket: an ID without a chat channel or thread
// (Backlog, Jira and GitHub issues, PagerDuty incidents). Names and values
// are cut to the API's limits; at most MaxFields entries, the first
// destinations in name order. Nil when there is none.
func ticketFields(notes []store.Note) map[string]string {
	out := map[string]string{}
	for _, n := range notes {
		id := clean(n.ID)
		if id == "" || n.Channel != "" || n.Thread != "" || clean(n.Destination) == "" {
			continue
		}
		out[cutRunes(FieldPrefix+clean(n.Destination), MaxFieldName)] = cutRunes(id, MaxFieldValue)
	}
	if len(out) == 0 {
		return nil
	}
	if len(out) > MaxFields {
		keys := make([]string, 0, len(out))
		for k := range out {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys[MaxFields:] {
			delete(out, k)
		}
	}
	return out
}

// clean makes s one line of valid text: control characters become spaces
// and surrounding space goes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cutRunes returns s cut to at most n runes.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
