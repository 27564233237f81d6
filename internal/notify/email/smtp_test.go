package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	gomailsmtp "github.com/wneessen/go-mail/smtp"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// newNotifier builds the destination of cfg the way the program does:
// settings decoded strictly by notify.Typed, then Registry-free New.
func newNotifier(t testing.TB, cfg *Config, env notify.Env) notify.Notifier {
	t.Helper()
	settings, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.Typed(New)("mail-security", notifytest.Settings(settings), env)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return n
}

// envelopeOf is what the server must receive as RCPT TO for testConfig.
var envelopeOf = []string{"security@example.com", "oncall@example.com", "infosec@example.co.jp", "audit@example.com"}

// TestSMTPDelivers sends a mail through a real SMTP exchange in each TLS
// and AUTH setting, and checks what the server received as a mail client
// would read it.
func TestSMTPDelivers(t *testing.T) {
	tests := []struct {
		name     string
		opts     serverOptions
		edit     func(*Config)
		wantTLS  bool
		wantMech string
	}{
		{"starttls with AUTH PLAIN", serverOptions{startTLS: true, mechs: []string{"PLAIN", "LOGIN"}}, nil, true, "PLAIN"},
		{"starttls with AUTH LOGIN only", serverOptions{startTLS: true, mechs: []string{"LOGIN"}}, nil, true, "LOGIN"},
		{"implicit tls", serverOptions{implicit: true, mechs: []string{"LOGIN", "PLAIN"}}, nil, true, "PLAIN"},
		{"tls none, plain auth allowed", serverOptions{insecureAuth: true, mechs: []string{"PLAIN"}}, func(c *Config) {
			c.SMTP.TLS, c.SMTP.InsecureAllowPlainAuth = TLSNone, true
		}, false, "PLAIN"},
		{"tls none relay without auth", serverOptions{}, func(c *Config) {
			c.SMTP.TLS, c.SMTP.Username, c.SMTP.Password = TLSNone, "", ""
		}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSMTPServer(t, tt.opts)
			cfg := srv.config()
			if tt.edit != nil {
				tt.edit(cfg)
			}
			env, _ := notifytest.NewEnv(t)
			m := samples(t)[0].msg
			rc, err := newNotifier(t, cfg, env).Notify(t.Context(), m)
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("server received %d mails, want 1", len(got))
			}
			mail := got[0]
			if mail.tls != tt.wantTLS || mail.mech != tt.wantMech {
				t.Errorf("tls=%v mech=%q, want tls=%v mech=%q", mail.tls, mail.mech, tt.wantTLS, tt.wantMech)
			}
			if mail.from != "alerts@example.com" || !slices.Equal(mail.rcpts, envelopeOf) {
				t.Errorf("envelope from %q to %q, want alerts@example.com to %q", mail.from, mail.rcpts, envelopeOf)
			}
			p := parseMail(t, mail.data)
			checkReceived(t, p, rc)
		})
	}
}

// checkReceived checks the header fields and parts of a received mail of
// samples(t)[0] in English.
func checkReceived(t *testing.T, p parsedMail, rc notify.Receipt) {
	t.Helper()
	wantHeaders := map[string]string{
		"From":           `"Security Hub" <alerts@example.com>`,
		"To":             `"Security team" <security@example.com>, <oncall@example.com>`,
		"Cc":             `情報セキュリティ室 <infosec@example.co.jp>`,
		"Reply-To":       `<security@example.com>`,
		"Subject":        "[Security Hub][Medium] 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.",
		"Message-ID":     rc.ID,
		"Auto-Submitted": "auto-generated",
		"MIME-Version":   "1.0",
		"Bcc":            "",
	}
	for name, want := range wantHeaders {
		if got := p.decoded(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if rc.ID == "" || rc.Thread != rc.ID {
		t.Errorf("receipt %+v: want the Message-ID as ID and Thread", rc)
	}
	if date, err := p.header.Date(); err != nil || !date.Equal(notifytest.Now()) {
		t.Errorf("Date %v (%v), want %v", date, err, notifytest.Now())
	}
	if text := p.text("text/plain"); !strings.HasPrefix(text, "New Security Hub finding\nAWS Security Hub detected the following.\n") ||
		!strings.Contains(text, "Severity: Medium\n") {
		t.Errorf("text part:\n%s", text)
	}
	if html := p.text("text/html"); !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "<td>Medium</td>") {
		t.Errorf("HTML part:\n%s", html)
	}
}

// TestSMTPJapanese checks that a Japanese mail arrives readable: the
// subject encoded per RFC 2047 decodes to the Japanese text, and both
// base64 parts decode to it.
func TestSMTPJapanese(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	env.Language = "ja"
	if _, err := newNotifier(t, srv.config(), env).Notify(t.Context(), samples(t)[1].msg); err != nil {
		t.Fatal(err)
	}
	mail := srv.received()[0]
	p := parseMail(t, mail.data)
	raw := p.header.Get("Subject")
	if !strings.Contains(raw, "=?UTF-8?b?") {
		t.Errorf("raw Subject %q is not RFC 2047 B-encoded", raw)
	}
	if want := "[Security Hub][重大] 2.5 AWS Config should be enabled and use the service-linked role for resource recording"; p.subject != want {
		t.Errorf("Subject decodes to %q, want %q", p.subject, want)
	}
	for _, part := range p.parts {
		if part.encoding != "base64" || !strings.Contains(part.body, "Security Hub の新しい検出結果") {
			t.Errorf("%s part (%s) lacks the Japanese heading:\n%.300s", part.mediaType, part.encoding, part.body)
		}
	}
	if !strings.Contains(p.text("text/plain"), "重要度: 重大 (CRITICAL)") {
		t.Errorf("text part:\n%s", p.text("text/plain"))
	}
}

// TestSMTPEscapesHTML sends the hostile finding and checks that its
// markup arrives as text in the HTML part and cannot reach the header.
func TestSMTPEscapesHTML(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	m := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "k", Finding: hostileFinding(t)}
	if _, err := newNotifier(t, srv.config(), env).Notify(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	mail := srv.received()[0]
	p := parseMail(t, mail.data)
	html := p.text("text/html")
	for _, forbidden := range []string{"<script", "<img", "<b>", `href="javascript`, "\u202e"} {
		if strings.Contains(strings.ToLower(html), forbidden) {
			t.Errorf("HTML part holds %q:\n%s", forbidden, html)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;") {
		t.Errorf("HTML part lacks the escaped title:\n%s", html)
	}
	if p.header.Get("X-Injected") != "" || p.header.Get("Bcc") != "" {
		t.Errorf("a finding injected a header field: %v", p.header)
	}
	if !slices.Equal(mail.rcpts, envelopeOf) {
		t.Errorf("recipients %q, want %q", mail.rcpts, envelopeOf)
	}
}

// TestSMTPThread sends a finding, then its resolution with the first
// receipt, and checks that the second mail replies in the first's thread.
func TestSMTPThread(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	n := newNotifier(t, srv.config(), env)
	first := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "episode-1", Finding: fixture(t, fxEC28).Finding}
	rc1, err := n.Notify(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	second := &notify.Message{Kind: notify.KindResolved, Route: "r", Key: "episode-1", Finding: fixture(t, fxEC28).Finding, Previous: &rc1}
	rc2, err := n.Notify(t.Context(), second)
	if err != nil {
		t.Fatal(err)
	}
	mails := srv.received()
	a, b := parseMail(t, mails[0].data), parseMail(t, mails[1].data)
	if b.header.Get("In-Reply-To") != rc1.ID || b.header.Get("References") != rc1.ID {
		t.Errorf("reply In-Reply-To %q References %q, want %q", b.header.Get("In-Reply-To"), b.header.Get("References"), rc1.ID)
	}
	if b.subject != "Re: "+a.subject {
		t.Errorf("reply subject %q, want %q", b.subject, "Re: "+a.subject)
	}
	if rc2.ID == rc1.ID || rc2.Thread != rc1.ID {
		t.Errorf("second receipt %+v; want a new ID in thread %s", rc2, rc1.ID)
	}
	if !strings.HasPrefix(b.text("text/plain"), "Resolved Security Hub finding\n") {
		t.Errorf("reply body:\n%s", b.text("text/plain"))
	}
}

// TestSMTPRetryKeepsMessageID checks that two attempts of one delivery
// carry the same Message-ID, so a receiver can drop the repeat.
func TestSMTPRetryKeepsMessageID(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	n := newNotifier(t, srv.config(), env)
	m := samples(t)[0].msg
	for range 2 {
		if _, err := n.Notify(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	mails := srv.received()
	a, b := parseMail(t, mails[0].data), parseMail(t, mails[1].data)
	if a.header.Get("Message-ID") != b.header.Get("Message-ID") {
		t.Errorf("attempts carry Message-IDs %s and %s", a.header.Get("Message-ID"), b.header.Get("Message-ID"))
	}
	if a.boundary == b.boundary {
		t.Errorf("both attempts used boundary %q; each delivery draws its own", a.boundary)
	}
}

// smtpError is a scripted SMTP refusal.
func smtpError(code int, msg string) error {
	return &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

// TestSMTPFailures checks how every way an SMTP delivery fails is
// classified (RFC 5321: 4yz transient, 5yz permanent; connection
// failures transient; configuration mismatches permanent) and that
// nothing is delivered when a delivery fails.
func TestSMTPFailures(t *testing.T) {
	tls := serverOptions{startTLS: true, mechs: []string{"PLAIN", "LOGIN"}}
	refuse := func(step, match string, err error) serverOptions {
		o := tls
		o.reject = func(s, arg string) error {
			if s == step && strings.Contains(arg, match) {
				return err
			}
			return nil
		}
		return o
	}
	greeting := func(reply string) func(net.Conn) {
		return func(c net.Conn) { _, _ = fmt.Fprint(c, reply) }
	}
	tests := []struct {
		name      string
		opts      *serverOptions // an in-process SMTP server
		raw       func(net.Conn) // or a raw TCP server
		refused   bool           // or nothing listening
		edit      func(*Config)  // changes to the server's config
		wantRetry bool
		wantText  string
	}{
		{name: "greeting 421", raw: greeting("421 4.3.2 mx.test busy, try later\r\n"), wantRetry: true, wantText: "421"},
		{name: "greeting 554", raw: greeting("554 5.7.1 no service for you\r\n"), wantText: "554"},
		{name: "connection dropped after greeting", raw: greeting("220 mx.test ESMTP\r\n"), wantRetry: true, wantText: "EHLO"},
		{name: "connection refused", refused: true, wantRetry: true, wantText: "connect"},
		{name: "MAIL FROM 451", opts: ptr(refuse("mail", "", smtpError(451, "local error"))), wantRetry: true, wantText: "451"},
		{name: "MAIL FROM 550", opts: ptr(refuse("mail", "", smtpError(550, "sender rejected"))), wantText: "550"},
		{name: "AUTH 535 wrong password", opts: &tls, edit: func(c *Config) { c.SMTP.Password = "wrong-password-12345" }, wantText: "535"},
		{name: "AUTH 454 temporary failure", opts: ptr(refuse("auth", "", smtpError(454, "temporary authentication failure"))), wantRetry: true, wantText: "454"},
		{name: "RCPT 450 greylisted", opts: ptr(refuse("rcpt", "oncall@", smtpError(450, "greylisted, try again"))), wantRetry: true, wantText: "oncall@example.com"},
		{name: "RCPT 550 for everyone", opts: ptr(refuse("rcpt", "@", smtpError(550, "no such user"))), wantText: "every recipient refused"},
		{name: "DATA 452", opts: ptr(refuse("data", "", smtpError(452, "insufficient storage"))), wantRetry: true, wantText: "452"},
		{name: "DATA 554", opts: ptr(refuse("data", "", smtpError(554, "message looks like spam"))), wantText: "554"},
		{name: "no STARTTLS offered", opts: &serverOptions{insecureAuth: true, mechs: []string{"PLAIN"}}, wantText: "does not offer STARTTLS"},
		{name: "untrusted certificate", opts: &tls, edit: func(c *Config) { c.SMTP.CAFile = "" }, wantText: "certificate"},
		{name: "implicit tls against a plain-text server", opts: &serverOptions{}, edit: func(c *Config) { c.SMTP.TLS = TLSImplicit }, wantText: "does not speak TLS"},
		{name: "no AUTH offered", opts: &serverOptions{startTLS: true}, wantText: "offers no authentication"},
		{name: "only CRAM-MD5 offered", opts: &serverOptions{startTLS: true, mechs: []string{"CRAM-MD5"}}, wantText: "PLAIN or LOGIN"},
		{name: "message above SIZE", opts: &serverOptions{startTLS: true, mechs: []string{"PLAIN"}, maxBytes: 1000}, wantText: "SIZE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg *Config
			var srv *testSMTPServer
			switch {
			case tt.opts != nil:
				srv = newSMTPServer(t, *tt.opts)
				cfg = srv.config()
			case tt.raw != nil:
				host, port := rawServer(t, tt.raw)
				cfg = testConfig(host, port)
			default:
				cfg = testConfig("127.0.0.1", refusedPort(t))
			}
			if tt.edit != nil {
				tt.edit(cfg)
			}
			env, _ := notifytest.NewEnv(t)
			_, err := newNotifier(t, cfg, env).Notify(t.Context(), samples(t)[0].msg)
			notifytest.CheckError(t, err, tt.wantRetry, 0)
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "email: smtp 127.0.0.1:") {
				t.Errorf("error %q does not name the server", err)
			}
			if srv != nil && len(srv.received()) != 0 {
				t.Errorf("the server received %d mails from a failed delivery", len(srv.received()))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// smtpServerInfo is what go-mail tells an authenticator about the server.
type smtpServerInfo = gomailsmtp.ServerInfo

// TestSMTPSomeRecipientsRefused checks that a permanently refused
// recipient does not keep the alert from the others.
func TestSMTPSomeRecipientsRefused(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}, reject: func(step, arg string) error {
		if step == "rcpt" && arg == "oncall@example.com" {
			return smtpError(550, "5.1.1 no such user")
		}
		return nil
	}})
	env, logs := notifytest.NewEnv(t)
	if _, err := newNotifier(t, srv.config(), env).Notify(t.Context(), samples(t)[0].msg); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	want := []string{"security@example.com", "infosec@example.co.jp", "audit@example.com"}
	if len(got) != 1 || !slices.Equal(got[0].rcpts, want) {
		t.Fatalf("received %+v, want one mail to %q", got, want)
	}
	if !strings.Contains(logs.String(), "oncall@example.com") || !strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("the refused recipient was not logged as a warning:\n%s", logs)
	}
}

// TestSMTPHonoursContext checks that a delivery to a server that never
// answers returns when its context ends, with a retryable error that
// wraps the context's.
func TestSMTPHonoursContext(t *testing.T) {
	host, port := rawServer(t, func(c net.Conn) {
		buf := make([]byte, 1)
		_, _ = c.Read(buf) // blocks until the client gives up
	})
	for _, tt := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(host, port)
			cfg.SMTP.Timeout = "1m"
			env, _ := notifytest.NewEnv(t)
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := newNotifier(t, cfg, env).Notify(ctx, samples(t)[0].msg)
			notifytest.CheckError(t, err, true, 0)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
		})
	}
}

// TestSMTPTimeout checks smtp.timeout against a server that never answers.
func TestSMTPTimeout(t *testing.T) {
	host, port := rawServer(t, func(c net.Conn) {
		buf := make([]byte, 1)
		_, _ = c.Read(buf)
	})
	cfg := testConfig(host, port)
	cfg.SMTP.Timeout = "200ms"
	env, _ := notifytest.NewEnv(t)
	_, err := newNotifier(t, cfg, env).Notify(t.Context(), samples(t)[0].msg)
	notifytest.CheckError(t, err, true, 0)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("error %v is not a timeout", err)
	}
}

// TestSMTPConcurrent delivers from many goroutines through one Notifier.
func TestSMTPConcurrent(t *testing.T) {
	srv := newSMTPServer(t, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(t)
	n := newNotifier(t, srv.config(), env)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			m := samples(t)[i%len(samples(t))].msg
			if _, err := n.Notify(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(srv.received()); got != 16 {
		t.Errorf("received %d mails, want 16", got)
	}
	for _, mail := range srv.received() {
		parseMail(t, mail.data)
	}
}

// TestAuthenticatorRefusesPlainText checks the second guard behind the
// settings check: no password leaves on a connection without TLS unless
// that was allowed.
func TestAuthenticatorRefusesPlainText(t *testing.T) {
	a := &authenticator{username: "u", password: testPassword, offered: []string{"PLAIN"}}
	_, resp, err := a.Start(&smtpServerInfo{Name: "mx.test", TLS: false, Auth: []string{"PLAIN"}})
	var policy *policyError
	if !errors.As(err, &policy) || resp != nil {
		t.Errorf("Start without TLS = %q, %v; want a refusal", resp, err)
	}
	a.allowPlaintext = true
	if proto, _, err := a.Start(&smtpServerInfo{Name: "mx.test", TLS: false, Auth: []string{"PLAIN"}}); err != nil || proto != "PLAIN" {
		t.Errorf("Start with plain text allowed = %q, %v", proto, err)
	}
}
