package email

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// authenticator authenticates with AUTH PLAIN (RFC 4616) when the server
// offers it, else with AUTH LOGIN, the two mechanisms every submission
// server offers. It refuses to start on a connection without TLS unless
// plain-text authentication was allowed (tls: none with
// insecure_allow_plain_auth). One authenticator serves one connection.
type authenticator struct {
	username, password string
	// offered are the mechanisms of the server's AUTH extension.
	offered        []string
	allowPlaintext bool
	chosen         smtp.Auth
}

var _ smtp.Auth = (*authenticator)(nil)

// Start picks the mechanism and begins the exchange.
func (a *authenticator) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.allowPlaintext {
		return "", nil, policyErrorf("refusing to send the password over a connection without TLS")
	}
	switch {
	case offers(a.offered, "PLAIN"):
		a.chosen = smtp.PlainAuth("", a.username, a.password, server.Name, true)
	case offers(a.offered, "LOGIN"):
		a.chosen = smtp.LoginAuth(a.username, a.password, server.Name, true)
	case len(a.offered) == 0:
		return "", nil, policyErrorf("the server offers no authentication (no AUTH in its EHLO answer); remove smtp.username and smtp.password, or check smtp.tls and smtp.port")
	default:
		return "", nil, policyErrorf("the server offers AUTH %s; hubrelay authenticates with PLAIN or LOGIN", strings.Join(a.offered, " "))
	}
	return a.chosen.Start(server)
}

// Next continues the exchange of the chosen mechanism.
func (a *authenticator) Next(fromServer []byte, more bool) ([]byte, error) {
	if a.chosen == nil {
		return nil, fmt.Errorf("authentication was not started")
	}
	return a.chosen.Next(fromServer, more)
}

// offers reports whether mechs holds mech, ignoring case.
func offers(mechs []string, mech string) bool {
	return slices.ContainsFunc(mechs, func(m string) bool { return strings.EqualFold(m, mech) })
}
