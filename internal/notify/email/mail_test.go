package email

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// TestEncodedWordInjection checks that finding text spelling RFC 2047
// encoded-words reaches the recipient as that text, not decoded into the
// bidi, control or markup characters it encodes.
func TestEncodedWordInjection(t *testing.T) {
	for _, title := range []string{
		"=?UTF-8?Q?=E2=80=AEgnp.exe?=",
		"=?UTF-8?B?PHNjcmlwdD4=?= and =?F-8?B?PHNjcmlwdD4=?=",
		"=?UTF-8?Q?=0D=0ABcc:_victim@example.net?=",
		"重大 =?ISO-2022-JP?B?GyRCJEgbKEI=?=",
		"=?" + strings.Repeat("長", 100) + "?=",
	} {
		for _, lang := range languages {
			t.Run(string(lang)+" "+title, func(t *testing.T) {
				f := fixture(t, fxGuardDuty).Finding
				f.Title = title
				m := &notify.Message{Kind: notify.KindNew, Route: "=?UTF-8?Q?route?=", Key: "k", Finding: f}
				ml, err := composer(t, testConfig("smtp.example.com", 0), lang).Compose(m, at())
				if err != nil {
					t.Fatal(err)
				}
				raw, err := ml.Bytes(goldenBoundary)
				if err != nil {
					t.Fatal(err)
				}
				p := parseMail(t, raw)
				checkRoundTrip(t, p, ml)
				if !strings.HasSuffix(p.subject, title) {
					t.Errorf("subject reads %q, want it to end in %q", p.subject, title)
				}
			})
		}
	}
}

// TestEncodeWords checks the words' size limit and that splitting keeps
// characters whole.
func TestEncodeWords(t *testing.T) {
	for _, s := range []string{"=?", strings.Repeat("a=?", 40), strings.Repeat("長い件名", 30), "🔴" + strings.Repeat("x", 44) + "🔴"} {
		enc := encodeWords(s)
		for _, w := range strings.Fields(enc) {
			if len(w) > 75 {
				t.Errorf("word of %d characters: %s", len(w), w)
			}
		}
		p := parsedMail{header: map[string][]string{"Subject": {enc}}}
		if got := p.decoded("Subject"); got != s {
			t.Errorf("encodeWords(%q) decodes to %q", s, got)
		}
	}
}
