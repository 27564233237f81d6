package email

import (
	"context"
	"fmt"
	"net/mail"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// sesTransport sends mails with the Amazon SES API v2 SendEmail operation
// (POST /v2/email/outbound-emails) as raw MIME content, so SES delivers
// exactly the message SMTP would, threading headers included. The SDK
// client is safe for concurrent use, and so is the transport.
type sesTransport struct {
	client    *sesv2.Client
	from      string
	configSet string
	red       *notify.Redactor
	now       func() time.Time
}

// newSESTransport builds the SES client of cfg: region, static
// credentials when configured (else the AWS default chain), env's HTTP
// client for SendEmail, an endpoint override, and no SDK retries, since
// the queue retries deliveries as notify.Error says.
func newSESTransport(ctx context.Context, cfg *SESConfig, env notify.Env, red *notify.Redactor) (*sesTransport, error) {
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: ses.from: %w", err)
	}
	loads := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(cfg.Region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if cfg.AccessKeyID != "" {
		loads = append(loads, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, red.Error(fmt.Errorf("email: ses: load AWS configuration: %w", err))
	}
	client := sesv2.NewFromConfig(awsCfg, func(o *sesv2.Options) {
		// Set here rather than as a load option: loading applies
		// AWS_CA_BUNDLE to the SDK's own client (which the credential
		// providers use) and refuses a plain *http.Client.
		o.HTTPClient = env.HTTPClient
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &sesTransport{client: client, from: from.Address, configSet: cfg.ConfigurationSet, red: red, now: env.Now}, nil
}

// send hands data, the MIME text of ml, to SES with ml's recipients as
// the destination (SES reads no Bcc from the message). The receipt's ID
// is the SES message ID; Thread is the Message-ID every mail of the
// thread lists in References, since SES replaces each Message-ID.
func (t *sesTransport) send(ctx context.Context, ml *Mail, data []byte) (notify.Receipt, error) {
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(t.from),
		Destination: &types.Destination{
			ToAddresses:  addresses(ml.To),
			CcAddresses:  addresses(ml.Cc),
			BccAddresses: addresses(ml.Bcc),
		},
		Content: &types.EmailContent{Raw: &types.RawMessage{Data: data}},
	}
	if t.configSet != "" {
		in.ConfigurationSetName = aws.String(t.configSet)
	}
	out, err := t.client.SendEmail(ctx, in)
	if err != nil {
		return notify.Receipt{}, t.red.Error(classifySES(ctx, err, t.red, t.now()))
	}
	return notify.Receipt{ID: aws.ToString(out.MessageId), Thread: ml.Thread}, nil
}

// addresses returns the bare addresses of list, nil when it is empty.
func addresses(list []*mail.Address) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Address
	}
	return out
}
