package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/textproto"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// policyError is a refusal of hubrelay's own: the server does not offer
// what the settings require (STARTTLS, a usable AUTH mechanism), or a
// message is larger than it accepts. Retrying cannot help.
type policyError struct{ msg string }

func (e *policyError) Error() string { return e.msg }

func policyErrorf(format string, args ...any) error {
	return &policyError{msg: fmt.Sprintf(format, args...)}
}

// classifySMTP decides whether a failed SMTP delivery may be retried, the
// way RFC 5321 §4.2.1 defines reply codes:
//
//   - a 4yz reply (transient negative completion: 421 service not
//     available, 450/451 mailbox busy or greylisted, 452 storage) is
//     retryable;
//   - a 5yz reply (permanent negative completion: 535 authentication
//     failed, 550 no such user, 552/554 message refused) is permanent, as
//     is any other unexpected reply;
//   - a cancelled or expired ctx is retryable (delivery was interrupted);
//   - hubrelay's own refusals (policyError), certificate verification
//     failures and a server that does not speak TLS where TLS was
//     configured are permanent: they need the settings or the server
//     fixed;
//   - every other failure (connection refused, reset or dropped, DNS,
//     timeouts) is retryable.
func classifySMTP(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return notify.Retry(fmt.Errorf("%w: %w", ctxErr, err), 0)
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		if reply.Code >= 400 && reply.Code <= 499 {
			return notify.Retry(err, 0)
		}
		return notify.Permanent(err)
	}
	var (
		policy           *policyError
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		notTLS           tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &policy),
		errors.As(err, &unknownAuthority), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &verification):
		return notify.Permanent(err)
	case errors.As(err, &notTLS):
		return notify.Permanent(fmt.Errorf("%w (the server does not speak TLS here: check smtp.tls and smtp.port)", err))
	}
	return notify.Retry(err, 0)
}
