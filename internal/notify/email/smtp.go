package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// smtpTransport delivers mails to one SMTP server, one connection per
// mail: connect, greeting, EHLO, STARTTLS (or TLS from the start), AUTH,
// MAIL, RCPT for each recipient, DATA, QUIT. It keeps no connection
// between deliveries, so it is safe for concurrent use.
type smtpTransport struct {
	host           string
	addr           string // host:port
	mode           string // TLSStartTLS, TLSImplicit or TLSNone
	helo           string
	username       string
	password       string
	allowPlainAuth bool
	tlsConfig      *tls.Config
	timeout        time.Duration
	log            *slog.Logger
}

// newSMTPTransport builds the transport of cfg, reading cfg.CAFile. log
// must already scrub secrets.
func newSMTPTransport(cfg *SMTPConfig, log *slog.Logger) (*smtpTransport, error) {
	timeout, err := cfg.timeout()
	if err != nil {
		return nil, fmt.Errorf("email: smtp.timeout: %w", err)
	}
	t := &smtpTransport{
		host:           cfg.Host,
		addr:           net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.port())),
		mode:           cfg.mode(),
		helo:           cfg.HELO,
		username:       cfg.Username,
		password:       cfg.Password,
		allowPlainAuth: cfg.InsecureAllowPlainAuth,
		tlsConfig:      &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12},
		timeout:        timeout,
		log:            log,
	}
	if t.helo == "" {
		t.helo = localHostname()
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email: smtp.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email: smtp.ca_file: %s holds no PEM certificate", cfg.CAFile)
		}
		t.tlsConfig.RootCAs = pool
	}
	return t, nil
}

// localHostname is the EHLO name when none is configured: this host's
// name when it is a usable host name, else "localhost".
func localHostname() string {
	name, err := os.Hostname()
	if err != nil || checkHost(name) != nil {
		return "localhost"
	}
	return name
}

// send delivers data, the MIME text of ml, to ml's recipients. The
// receipt records ml's Message-ID and thread. Failures are classified by
// classifySMTP; see envelope for recipients the server refuses.
func (t *smtpTransport) send(ctx context.Context, ml *Mail, data []byte) (notify.Receipt, error) {
	// smtp.timeout bounds the connection; ctx ends it sooner through
	// AfterFunc below, after ctx.Err() is set, so the failure is read as
	// an interruption.
	deadline := time.Now().Add(t.timeout)
	dialCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	conn, err := t.dial(dialCtx)
	if err != nil {
		return notify.Receipt{}, t.fail(ctx, &stepError{"connect", err})
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return notify.Receipt{}, t.fail(ctx, &stepError{"connect", err})
	}
	// A cancelled ctx expires the connection, so the exchange returns at
	// once whatever it is waiting for.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, t.host)
	if err != nil {
		return notify.Receipt{}, t.fail(ctx, &stepError{"greeting", err})
	}
	if err := t.open(c); err != nil {
		return notify.Receipt{}, t.fail(ctx, err)
	}
	accepted, stepErr := t.envelope(c, ml)
	if stepErr != nil {
		return notify.Receipt{}, t.fail(ctx, stepErr)
	}
	response, err := t.data(c, data)
	if err != nil {
		return notify.Receipt{}, t.fail(ctx, &stepError{"DATA", err})
	}
	// The server has taken the message: nothing after this may fail the
	// delivery, or a retry would send it twice.
	_ = c.Quit()
	t.log.Debug("email sent",
		slog.String("message_id", ml.MessageID),
		slog.String("server", t.addr),
		slog.Int("recipients", accepted),
		slog.String("server_response", response))
	return notify.Receipt{ID: ml.MessageID, Thread: ml.Thread}, nil
}

// stepError names the SMTP step that failed.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// dial connects, with TLS from the first byte in implicit-TLS mode.
func (t *smtpTransport) dial(ctx context.Context) (net.Conn, error) {
	dialer := &net.Dialer{}
	if t.mode == TLSImplicit {
		tlsDialer := &tls.Dialer{NetDialer: dialer, Config: t.tlsConfig}
		return tlsDialer.DialContext(ctx, "tcp", t.addr)
	}
	return dialer.DialContext(ctx, "tcp", t.addr)
}

// open says EHLO, upgrades to TLS when STARTTLS is configured (a server
// that does not offer it is refused rather than spoken to in plain text)
// and authenticates when a username is configured.
func (t *smtpTransport) open(c *smtp.Client) *stepError {
	if err := c.Hello(t.helo); err != nil {
		return &stepError{"EHLO", err}
	}
	if t.mode == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &stepError{"STARTTLS", policyErrorf("the server does not offer STARTTLS, which tls: starttls requires; use tls: tls on port 465 if it speaks TLS from the start")}
		}
		if err := c.StartTLS(t.tlsConfig); err != nil {
			return &stepError{"STARTTLS", err}
		}
	}
	if t.username == "" {
		return nil
	}
	_, mechs := c.Extension("AUTH")
	auth := &authenticator{
		username:       t.username,
		password:       t.password,
		offered:        strings.Fields(mechs),
		allowPlaintext: t.allowPlainAuth && t.mode == TLSNone,
	}
	if err := c.Auth(auth); err != nil {
		return &stepError{"AUTH", err}
	}
	return nil
}

// envelope sends MAIL FROM and one RCPT TO per recipient, and returns how
// many recipients the server accepted. Recipients refused with a
// permanent (5yz) reply are left out and logged, so one mistyped address
// does not keep an alert from everyone else. A transient (4yz) refusal of
// any recipient, greylisting for example, aborts the transaction
// before anything is sent, so the retry reaches everyone without sending
// anyone a second copy. When every recipient is refused permanently the
// delivery fails permanently.
func (t *smtpTransport) envelope(c *smtp.Client, ml *Mail) (int, *stepError) {
	if err := c.Mail("<" + ml.From.Address + ">"); err != nil {
		return 0, &stepError{"MAIL FROM", err}
	}
	var (
		accepted  int
		rejected  []string
		transient error
		lastErr   error
	)
	for _, rcpt := range ml.Recipients() {
		err := c.Rcpt("<" + rcpt + ">")
		if err == nil {
			accepted++
			continue
		}
		var reply *textproto.Error
		if !errors.As(err, &reply) {
			return 0, &stepError{"RCPT TO", err}
		}
		rejected = append(rejected, rcpt+" ("+oneLine(reply.Error())+")")
		lastErr = err
		if reply.Code >= 400 && reply.Code <= 499 && transient == nil {
			transient = err
		}
	}
	switch {
	case transient != nil:
		_ = c.Reset()
		return 0, &stepError{"RCPT TO", fmt.Errorf("refused for now: %s: %w", strings.Join(rejected, ", "), transient)}
	case accepted == 0:
		return 0, &stepError{"RCPT TO", fmt.Errorf("every recipient refused: %s: %w", strings.Join(rejected, ", "), lastErr)}
	case len(rejected) > 0:
		t.log.Warn("email: recipients refused; sending to the others",
			slog.String("message_id", ml.MessageID),
			slog.String("server", t.addr),
			slog.String("refused", strings.Join(rejected, ", ")))
	}
	return accepted, nil
}

// data checks the server's SIZE limit and sends the message; it returns
// the server's final answer (often its queue ID).
func (t *smtpTransport) data(c *smtp.Client, data []byte) (string, error) {
	if ok, param := c.Extension("SIZE"); ok {
		if limit, err := strconv.ParseInt(strings.TrimSpace(param), 10, 64); err == nil && limit > 0 && int64(len(data)) > limit {
			_ = c.Reset()
			return "", policyErrorf("the message has %d bytes; the server accepts at most %d (SIZE)", len(data), limit)
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(data); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	if dc, ok := w.(*smtp.DataCloser); ok {
		return oneLine(dc.ServerResponse()), nil
	}
	return "", nil
}

// fail names the server in a failed step's error and classifies it.
func (t *smtpTransport) fail(ctx context.Context, err *stepError) error {
	return classifySMTP(ctx, fmt.Errorf("email: smtp %s: %w", t.addr, err))
}

// oneLine puts a server's (possibly multi-line) reply on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
