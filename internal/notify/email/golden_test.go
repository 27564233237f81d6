package email

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// goldenBoundary replaces the random boundary of a delivery so the golden
// .eml files are stable.
const goldenBoundary = "hubrelay-golden-boundary-0123456789"

var languages = []render.Language{render.Japanese, render.English}

// TestGoldenMails composes every sample in both languages, parses the
// result as a mail client would, and compares the readable form with
// testdata/golden: <lang>-<sample>.txt (header fields, envelope, text
// part) and <lang>-<sample>.html (the HTML part; open it in a browser).
// Run with -update to rewrite them, then read the diff.
func TestGoldenMails(t *testing.T) {
	for _, lang := range languages {
		for _, s := range samples(t) {
			name := string(lang) + "-" + s.name
			t.Run(name, func(t *testing.T) {
				ml, err := composer(t, testConfig("smtp.example.com", 0), lang).Compose(s.msg, at())
				if err != nil {
					t.Fatal(err)
				}
				raw, err := ml.Bytes(goldenBoundary)
				if err != nil {
					t.Fatal(err)
				}
				p := parseMail(t, raw)
				checkHeaderFields(t, p)
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(describe(p, ml.From.Address, ml.Recipients())))
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".html"), []byte(p.text("text/html")))
			})
		}
	}
}

// TestGoldenWireFormat pins the exact bytes of a mail in each language:
// quoted-printable for English, base64 (and B-encoded headers) for
// Japanese, CRLF lines, the multipart layout.
func TestGoldenWireFormat(t *testing.T) {
	for _, lang := range languages {
		t.Run(string(lang), func(t *testing.T) {
			m := samples(t)[0].msg
			ml, err := composer(t, testConfig("smtp.example.com", 0), lang).Compose(m, at())
			if err != nil {
				t.Fatal(err)
			}
			raw, err := ml.Bytes(goldenBoundary)
			if err != nil {
				t.Fatal(err)
			}
			notifytest.Golden(t, filepath.Join("testdata", "golden", string(lang)+"-new-guardduty.eml"), raw)
		})
	}
}

// TestGoldenSES shows what changes when SES sends: the first mail of a
// thread lists its own Message-ID in References, since SES replaces the
// Message-ID field.
func TestGoldenSES(t *testing.T) {
	ml, err := composer(t, testSESConfig(""), render.English).Compose(samples(t)[0].msg, at())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ml.Bytes(goldenBoundary)
	if err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, raw)
	if got := p.header.Get("References"); got != ml.MessageID {
		t.Errorf("References = %q, want the mail's own Message-ID %q", got, ml.MessageID)
	}
	notifytest.Golden(t, filepath.Join("testdata", "golden", "en-ses-new-guardduty.txt"), []byte(describe(p, ml.From.Address, ml.Recipients())))
}

// checkHeaderFields fails when the mail has a header field the golden
// files do not show (a Bcc field above all) or lacks a required one.
func checkHeaderFields(t *testing.T, p parsedMail) {
	t.Helper()
	// Content-Transfer-Encoding is a top-level field of text-only mails.
	known := map[string]bool{"content-type": true, "content-transfer-encoding": len(p.parts) == 1}
	for _, name := range goldenHeaders {
		known[strings.ToLower(name)] = true
	}
	for key := range p.header {
		if !known[strings.ToLower(key)] {
			t.Errorf("unexpected header field %s: %s", key, p.header.Get(key))
		}
	}
	for _, required := range []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Auto-Submitted"} {
		if p.header.Get(required) == "" {
			t.Errorf("header field %s is missing", required)
		}
	}
}

// TestComposeIsPure checks that the same message and time give the same
// mail and bytes.
func TestComposeIsPure(t *testing.T) {
	c := composer(t, testConfig("smtp.example.com", 0), render.Japanese)
	for _, s := range samples(t) {
		a, errA := c.Compose(s.msg, at())
		b, errB := c.Compose(s.msg, at())
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: Compose gave different mails for the same input", s.name)
		}
		rawA, _ := a.Bytes(goldenBoundary)
		rawB, _ := b.Bytes(goldenBoundary)
		if string(rawA) != string(rawB) {
			t.Errorf("%s: Bytes gave different messages for the same mail", s.name)
		}
	}
}
