package securityhub

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/store"
)

func note(dest, id, url string) store.Note {
	return store.Note{Destination: dest, Receipt: store.Receipt{ID: id, URL: url}}
}

func TestNoteText(t *testing.T) {
	long := strings.Repeat("x", 600)
	many := make([]store.Note, 30)
	for i := range many {
		many[i] = note("backlog-a", fmt.Sprintf("BLG-%03d", i), "https://example.backlog.jp/view/BLG-"+fmt.Sprintf("%03d", i))
	}
	tests := []struct {
		name  string
		notes []store.Note
		want  string // "…" at the end: a prefix, and the text ends with " …"
	}{
		{"none", nil, ""},
		{"only channels", []store.Note{{Destination: "s", Receipt: store.Receipt{Channel: "C1", Thread: "1.2"}}}, ""},
		{"one ticket", []store.Note{note("backlog-a", "BLG-1", "https://b.example/BLG-1")}, "hubrelay: backlog-a BLG-1 https://b.example/BLG-1"},
		{"URL only and ID only, in destination order", []store.Note{note("web", "", "https://w.example/1"), note("pd", "dedup-1", "")}, "hubrelay: pd dedup-1, web https://w.example/1"},
		{"control characters are spaces", []store.Note{note("a\nb", "K-1\t", "")}, "hubrelay: a b K-1"},
		{"receipts that do not fit are left out", many, "hubrelay: backlog-a BLG-000 https://example.backlog.jp/view/BLG-000, backlog-a BLG-001…"},
		{"one receipt too long is cut", []store.Note{note("d", long, "")}, "hubrelay: d xxxxxxxx…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := noteText(tt.notes)
			if n := utf8.RuneCountInString(got); n > MaxNoteRunes {
				t.Fatalf("note is %d characters", n)
			}
			if prefix, cut := strings.CutSuffix(tt.want, "…"); cut {
				if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, " …") {
					t.Errorf("note = %q, want %q… ending in \" …\"", got, prefix)
				}
				return
			}
			if got != tt.want {
				t.Errorf("note = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTicketFields(t *testing.T) {
	many := make([]store.Note, 60)
	for i := range many {
		many[i] = note(fmt.Sprintf("d%02d", i), "K", "")
	}
	tests := []struct {
		name  string
		notes []store.Note
		want  map[string]string
	}{
		{"none", nil, nil},
		{"tickets, not chat messages", []store.Note{
			note("backlog-a", "BLG-1", "u"),
			{Destination: "slack-a", Receipt: store.Receipt{ID: "1.2", Channel: "C1"}},
			{Destination: "slack-b", Receipt: store.Receipt{ID: "1.3", Thread: "1.1"}},
			note("gh", "42", ""),
		}, map[string]string{"hubrelay_backlog-a": "BLG-1", "hubrelay_gh": "42"}},
		{"the later receipt of a destination wins", []store.Note{note("j", "SEC-1", ""), note("j", "SEC-2", "")}, map[string]string{"hubrelay_j": "SEC-2"}},
		{"long names and values are cut", []store.Note{note(strings.Repeat("n", 200), strings.Repeat("v", 2000), "")},
			map[string]string{"hubrelay_" + strings.Repeat("n", MaxFieldName-len("hubrelay_")): strings.Repeat("v", MaxFieldValue)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ticketFields(tt.notes); !maps.Equal(got, tt.want) {
				t.Errorf("fields = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("at most 50, the first names kept", func(t *testing.T) {
		got := ticketFields(many)
		if len(got) != MaxFields || got["hubrelay_d00"] != "K" || got["hubrelay_d49"] != "K" || got["hubrelay_d50"] != "" {
			t.Errorf("%d fields: %v", len(got), got)
		}
	})
}

func FuzzNoteText(f *testing.F) {
	f.Add("backlog-a", "BLG-1", "https://example.backlog.jp/view/BLG-1", "", 1)
	f.Add("slack", "1700000000.0001", "", "C1", 3)
	f.Add("d\x00\n", "\xff\xfe", strings.Repeat("é", 300), "", 40)
	f.Fuzz(func(t *testing.T, dest, id, url, channel string, n int) {
		n = max(0, min(n, 80))
		notes := make([]store.Note, n)
		for i := range notes {
			notes[i] = store.Note{Destination: dest, Receipt: store.Receipt{ID: fmt.Sprint(id, i), URL: url, Channel: channel}}
		}
		text := noteText(notes)
		if text == "" {
			return
		}
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxNoteRunes || !strings.HasPrefix(text, "hubrelay:") {
			t.Fatalf("bad note %q (%d characters)", text, utf8.RuneCountInString(text))
		}
		if strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("note %q holds a control character", text)
		}
		for k, v := range ticketFields(notes) {
			if !utf8.ValidString(k) || !utf8.ValidString(v) || utf8.RuneCountInString(k) > MaxFieldName || utf8.RuneCountInString(v) > MaxFieldValue || v == "" {
				t.Fatalf("bad field %q = %q", k, v)
			}
		}
	})
}
