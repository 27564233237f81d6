package email

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// transport sends a composed mail; smtpTransport and sesTransport are the
// two. Implementations are safe for concurrent use and return errors
// classified for the queue (notify.Error), not yet scrubbed.
type transport interface {
	send(ctx context.Context, ml *Mail, data []byte) (notify.Receipt, error)
}

// Notifier is the email destination: it composes a mail per message
// (Composer) and sends it by SMTP or Amazon SES. It keeps no connection
// between deliveries and is safe for concurrent use.
type Notifier struct {
	name      string
	composer  *Composer
	transport transport
	now       func() time.Time
	red       *notify.Redactor
	log       *slog.Logger
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the email destination called name. It is the constructor
// registered in package destinations (notify.Typed(email.New)); cfg has
// passed Validate. It declares the password and AWS keys as secrets,
// reads smtp.ca_file and, for SES, loads the AWS configuration (no
// network call).
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	env = env.WithDefaults()
	secrets := []string{}
	if cfg.SMTP != nil {
		secrets = append(secrets, cfg.SMTP.Password)
	}
	if cfg.SES != nil {
		secrets = append(secrets, cfg.SES.AccessKeyID, cfg.SES.SecretAccessKey, cfg.SES.SessionToken)
	}
	red := env.Redactor.With(secrets...)
	log := red.Logger(env.Logger).With(slog.String("destination", name))

	composer, err := NewComposer(name, cfg, render.Options{
		Language: render.Language(env.Language),
		Location: env.Location,
		Region:   env.Region,
	})
	if err != nil {
		return nil, err
	}
	n := &Notifier{name: name, composer: composer, now: env.Now, red: red, log: log}
	switch {
	case cfg.SMTP != nil:
		if n.transport, err = newSMTPTransport(cfg.SMTP, log); err != nil {
			return nil, red.Error(err)
		}
	case cfg.SES != nil:
		if n.transport, err = newSESTransport(context.Background(), cfg.SES, env, red); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("email: set smtp or ses")
	}
	return n, nil
}

// Notify composes m's mail and sends it; see Composer.Compose for what it
// holds and the transports for how failures are classified. The receipt
// records the mail's Message-ID (for SES, the SES message ID) and its
// thread, so the next delivery of the finding replies in the same thread.
// A notice's attachment is attached; errors never hold its link.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("email: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("email: %w", err), 0)
	}
	ml, err := n.composer.Compose(m, n.now())
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	data, err := ml.Bytes(rand.Text())
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	if len(data) > MaxMessageBytes {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("email: the message has %d bytes, more than the %d sent", len(data), MaxMessageBytes))
	}
	rc, err := n.transport.send(ctx, ml, data)
	if err != nil {
		return notify.Receipt{}, noticeRedactor(n.red, m).Error(err)
	}
	return rc, nil
}
