package email

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// TestSMTPNoSecretLeak is notifytest.CheckNoSecretLeak for the SMTP
// transport, which the HTTP-based check cannot reach: servers that echo
// the password, in the clear and as the base64 AUTH PLAIN blob, in their
// refusals at every step. No spelling of the password may reach the
// error, any error of its chain or the logs.
func TestSMTPNoSecretLeak(t *testing.T) {
	plainBlob := base64.StdEncoding.EncodeToString([]byte("\x00alerts@example.com\x00" + testPassword))
	echo := "credentials alerts@example.com:" + testPassword + " (" + plainBlob + ") refused"
	refuse := func(step string, code int) *serverOptions {
		return &serverOptions{startTLS: true, mechs: []string{"PLAIN"}, reject: func(s, _ string) error {
			if s == step {
				return smtpError(code, echo)
			}
			return nil
		}}
	}
	tests := []struct {
		name string
		opts *serverOptions
		raw  func(net.Conn)
		edit func(*Config)
	}{
		{name: "AUTH 535 echoing the password", opts: refuse("auth", 535)},
		{name: "AUTH 454 echoing the password", opts: refuse("auth", 454)},
		{name: "MAIL FROM 550 echoing the password", opts: refuse("mail", 550)},
		{name: "RCPT TO 450 echoing the password", opts: refuse("rcpt", 450)},
		{name: "RCPT TO 550 echoing the password", opts: refuse("rcpt", 550)},
		{name: "DATA 554 echoing the password", opts: refuse("data", 554)},
		{name: "greeting 554 echoing the password", raw: func(c net.Conn) { fmt.Fprintf(c, "554 %s\r\n", echo) }},
		{name: "AUTH answer echoing what the client sent", raw: echoAuth, edit: func(c *Config) {
			c.SMTP.TLS, c.SMTP.InsecureAllowPlainAuth = TLSNone, true
		}},
		{name: "AUTH LOGIN answer echoing what the client sent", raw: echoAuthLogin, edit: func(c *Config) {
			c.SMTP.TLS, c.SMTP.InsecureAllowPlainAuth = TLSNone, true
		}},
	}
	detector := notify.NewRedactor(testPassword)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg *Config
			if tt.opts != nil {
				cfg = newSMTPServer(t, *tt.opts).config()
			} else {
				host, port := rawServer(t, tt.raw)
				cfg = testConfig(host, port)
			}
			if tt.edit != nil {
				tt.edit(cfg)
			}
			env, logs := notifytest.NewEnv(t)
			rc, err := newNotifier(t, cfg, env).Notify(t.Context(), samples(t)[0].msg)
			if err == nil {
				t.Fatal("Notify succeeded; the server refuses")
			}
			for where, text := range map[string]string{
				"error message": err.Error(),
				"error (%+v)":   fmt.Sprintf("%+v", err),
				"error (%#v)":   fmt.Sprintf("%#v", err),
				"error chain":   chainText(err),
				"receipt":       fmt.Sprintf("%+v", rc),
				"logs":          logs.String(),
			} {
				if detector.Leaks(text) {
					t.Errorf("the password leaked in the %s: %s", where, text)
				}
			}
			if !strings.Contains(err.Error(), notify.Redacted) {
				t.Errorf("error %q: the echoed password was not visibly removed", err)
			}
		})
	}
}

// echoAuth is a plain-text server offering AUTH PLAIN that refuses the
// AUTH command by quoting it back, base64 credentials included.
func echoAuth(c net.Conn) {
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 mx.test ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
		case "EHLO":
			fmt.Fprint(c, "250-mx.test\r\n250 AUTH PLAIN\r\n")
		case "AUTH":
			fmt.Fprintf(c, "535 5.7.8 refused: %s\r\n", strings.TrimSpace(line))
		case "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 5.5.2 unknown\r\n")
		}
	}
}

// echoAuthLogin is echoAuth for AUTH LOGIN: it asks for the password and
// quotes the answer back.
func echoAuthLogin(c net.Conn) {
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 mx.test ESMTP\r\n")
	step := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(strings.ToUpper(line), "EHLO"):
			fmt.Fprint(c, "250-mx.test\r\n250 AUTH LOGIN\r\n")
		case strings.HasPrefix(strings.ToUpper(line), "AUTH"):
			step = 1
			fmt.Fprint(c, "334 VXNlcm5hbWU6\r\n")
		case step == 1:
			step = 2
			fmt.Fprint(c, "334 UGFzc3dvcmQ6\r\n")
		case step == 2:
			decoded, _ := base64.StdEncoding.DecodeString(line)
			fmt.Fprintf(c, "535 5.7.8 password %s (%s) is wrong\r\n", decoded, line)
			step = 0
		case strings.HasPrefix(strings.ToUpper(line), "QUIT"):
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "502 5.5.2 unknown\r\n")
		}
	}
}

// chainText joins the messages of every error in err's chain.
func chainText(err error) string {
	var b strings.Builder
	for depth := 0; err != nil && depth < 64; depth++ {
		b.WriteString(err.Error())
		b.WriteByte('\n')
		err = errors.Unwrap(err)
	}
	return b.String()
}
