package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// serverOptions shape an in-process SMTP server.
type serverOptions struct {
	// startTLS offers STARTTLS; implicit speaks TLS from the first byte.
	startTLS, implicit bool
	// mechs are the AUTH mechanisms offered: "PLAIN", "LOGIN". None: no
	// AUTH extension.
	mechs []string
	// insecureAuth offers AUTH without TLS.
	insecureAuth bool
	// maxBytes is the SIZE limit (0: none).
	maxBytes int64
	// reject scripts refusals: it is asked at each step ("mail", "rcpt",
	// "data", "auth") with the argument (the address, the username) and
	// returns the refusal or nil.
	reject func(step, arg string) error
}

// received is one mail the server accepted.
type received struct {
	from   string
	rcpts  []string
	data   []byte
	tls    bool
	authed string // the username that authenticated, "" when none
	mech   string
}

// testSMTPServer is an in-process SMTP server (emersion/go-smtp) that
// really receives mail over TCP on 127.0.0.1, with a test certificate
// generated for the run. Safe for concurrent use.
type testSMTPServer struct {
	host   string
	port   int
	caFile string
	opts   serverOptions

	mu   sync.Mutex
	mail []received
}

// newSMTPServer starts a server that stops when the test ends.
func newSMTPServer(t testing.TB, opts serverOptions) *testSMTPServer {
	t.Helper()
	cert, caFile := testCertificate(t)
	s := &testSMTPServer{host: "127.0.0.1", caFile: caFile, opts: opts}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = opts.maxBytes
	srv.AllowInsecureAuth = opts.insecureAuth
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if opts.startTLS {
		srv.TLSConfig = tlsConfig
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.implicit {
		srv.TLSConfig = tlsConfig
		l = tls.NewListener(l, tlsConfig)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

// received returns the mails accepted so far.
func (s *testSMTPServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.mail...)
}

func (s *testSMTPServer) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &testSession{server: s, current: received{tls: isTLS}, conn: c}, nil
}

// testSession is one SMTP session of testSMTPServer.
type testSession struct {
	server  *testSMTPServer
	conn    *gosmtp.Conn
	current received
}

var _ gosmtp.AuthSession = (*testSession)(nil)

func (s *testSession) refuse(step, arg string) error {
	if s.server.opts.reject == nil {
		return nil
	}
	return s.server.opts.reject(step, arg)
}

func (s *testSession) AuthMechanisms() []string { return s.server.opts.mechs }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if err := s.refuse("auth", username+"\x00"+password); err != nil {
			return err
		}
		if username != "alerts@example.com" || password != testPassword {
			return gosmtp.ErrAuthFailed
		}
		s.current.authed, s.current.mech = username, mech
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			return check(username, password)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if len(s.server.opts.mechs) > 0 && s.current.authed == "" {
		return gosmtp.ErrAuthRequired
	}
	if err := s.refuse("mail", from); err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.current = received{from: from, tls: isTLS, authed: s.current.authed, mech: s.current.mech}
	return nil
}

func (s *testSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if err := s.refuse("rcpt", to); err != nil {
		return err
	}
	s.current.rcpts = append(s.current.rcpts, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.refuse("data", string(data)); err != nil {
		return err
	}
	s.current.data = data
	s.server.mu.Lock()
	s.server.mail = append(s.server.mail, s.current)
	s.server.mu.Unlock()
	return nil
}

func (s *testSession) Reset() {
	s.current = received{tls: s.current.tls, authed: s.current.authed, mech: s.current.mech}
}

func (s *testSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (draft-murchison-sasl-login):
// "Username:" and "Password:" challenges, base64 answers. go-sasl has only
// the client side.
type loginServer struct {
	check    func(username, password string) error
	username string
	step     int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if len(response) > 0 { // an initial response carries the username
			l.username = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.check(l.username, string(response))
	}
	return nil, true, errors.New("unexpected LOGIN step")
}

// testCertificate generates a self-signed certificate for 127.0.0.1 and
// localhost and writes it as PEM to a file for smtp.ca_file.
func testCertificate(t testing.TB) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "hubrelay test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, caFile
}

// rawServer is a TCP server that answers every connection with handle,
// for failures go-smtp cannot script (a refusing greeting, a dropped or
// silent connection).
func rawServer(t testing.TB, handle func(net.Conn)) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				go func() { <-stop; _ = conn.Close() }()
				handle(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		close(stop)
		_ = l.Close()
		wg.Wait()
	})
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

// refusedPort returns a port nothing listens on.
func refusedPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// smtpConfig is testConfig pointed at s with its CA trusted.
func (s *testSMTPServer) config() *Config {
	cfg := testConfig(s.host, s.port)
	cfg.SMTP.CAFile = s.caFile
	cfg.SMTP.HELO = "hubrelay.test"
	cfg.SMTP.Timeout = "1m" // generous: the race detector and parallel packages slow TLS handshakes
	if s.opts.implicit {
		cfg.SMTP.TLS = TLSImplicit
	}
	return cfg
}
