package email

import (
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// TestThreadOf checks how a mail joins the thread of the receipt it is
// given.
func TestThreadOf(t *testing.T) {
	const own = "<hubrelay.own@example.com>"
	tests := []struct {
		name           string
		prev           *notify.Receipt
		wantInReplyTo  string
		wantReferences string
		wantRoot       string
	}{
		{"first mail", nil, "", "", own},
		{"after the first SMTP mail", &smtpFirst, smtpFirst.ID, smtpFirst.ID, smtpFirst.ID},
		{"after a later SMTP mail", &smtpLater, smtpLater.ID, smtpFirst.ID + " " + smtpLater.ID, smtpFirst.ID},
		{"after an SES mail", &sesFirst, sesFirst.Thread, sesFirst.Thread, sesFirst.Thread},
		{"receipt without thread", &notify.Receipt{ID: "<a@example.com>"}, "<a@example.com>", "<a@example.com>", "<a@example.com>"},
		{"receipt of another destination", &notify.Receipt{ID: "SEC-12", URL: "https://example.backlog.jp/view/SEC-12"}, "", "", own},
		{"receipt with an injected header", &notify.Receipt{ID: "<a@example.com>\r\nBcc: x@example.net"}, "", "", own},
		{"empty receipt", &notify.Receipt{}, "", "", own},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := threadOf(tt.prev, own)
			if th.inReplyTo != tt.wantInReplyTo || strings.Join(th.references, " ") != tt.wantReferences || th.root != tt.wantRoot {
				t.Errorf("threadOf = %+v; want In-Reply-To %q References %q root %q", th, tt.wantInReplyTo, tt.wantReferences, tt.wantRoot)
			}
			if th.reply() != (tt.wantInReplyTo != "") {
				t.Errorf("reply() = %v", th.reply())
			}
		})
	}
}

// TestMessageIDParsing checks which receipt values count as Message-IDs.
func TestMessageIDParsing(t *testing.T) {
	for s, ok := range map[string]bool{
		"<hubrelay.abc@example.com>":           true,
		"<a.b+c@mail.example.co.jp>":           true,
		"<a@b>":                                true,
		"a@example.com":                        false,
		"<a example@example.com>":              false,
		"<@example.com>":                       false,
		"<a@>":                                 false,
		"<a@b@c>":                              false,
		"<a..b@example.com>":                   false,
		"<a@example.com>\r\nX: y":              false,
		"<ａ@example.com>":                      false,
		"<" + strings.Repeat("a", 300) + "@b>": false,
	} {
		if got := messageID(s) != ""; got != ok {
			t.Errorf("messageID(%q) valid = %v, want %v", s, got, ok)
		}
	}
}

// TestNewMessageID checks that Message-IDs are stable per delivery and
// distinct between deliveries.
func TestNewMessageID(t *testing.T) {
	f := fixture(t, fxGuardDuty).Finding
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	msg := func(kind notify.Kind, key string) *notify.Message {
		return &notify.Message{Kind: kind, Key: key, Finding: f}
	}
	a := newMessageID(msg(notify.KindNew, "k1"), at, "example.com")
	if b := newMessageID(msg(notify.KindNew, "k1"), at.Add(time.Hour), "example.com"); a != b {
		t.Errorf("a retry got another Message-ID: %s, %s", a, b)
	}
	for _, other := range []*notify.Message{msg(notify.KindResolved, "k1"), msg(notify.KindNew, "k2")} {
		if newMessageID(other, at, "example.com") == a {
			t.Errorf("%s %s shares Message-ID %s", other.Kind, other.Key, a)
		}
	}
	if x, y := newMessageID(msg(notify.KindTest, ""), at, "example.com"), newMessageID(msg(notify.KindTest, ""), at.Add(time.Second), "example.com"); x == y {
		t.Errorf("two test messages share Message-ID %s", x)
	}
	if messageID(a) == "" || !strings.HasSuffix(a, "@example.com>") {
		t.Errorf("Message-ID %q is not well-formed", a)
	}
}

func TestIDDomain(t *testing.T) {
	for addr, want := range map[string]string{
		"alerts@Example.COM":        "example.com",
		"alerts@例え.jp":              fallbackIDDomain,
		"alerts@mail.example.co.jp": "mail.example.co.jp",
	} {
		if got := idDomain(addr); got != want {
			t.Errorf("idDomain(%q) = %q, want %q", addr, got, want)
		}
	}
}
