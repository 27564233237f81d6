package sns

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier publishes messages to one SNS topic. Safe for concurrent use:
// it holds values fixed by New and the SDK client, which is safe for
// concurrent use.
type Notifier struct {
	cfg    Config
	opts   render.Options
	msg    *render.Renderer // the compiled message override; nil when unset
	client *awssns.Client
	red    *notify.Redactor
	log    *slog.Logger
	now    func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the sns destination called name. It is the constructor
// registered in package destinations:
//
//	r.Register("sns", notify.Typed(sns.New))
//
// It validates cfg (Typed has done so already), declares the static
// credentials as secrets, compiles the message override once, and builds the SDK client: the topic's region,
// env's HTTP client for Publish, cfg.Endpoint as the base endpoint, static credentials
// or the AWS default chain, and no SDK retries (the queue retries, as
// notify.Error says). It reads the AWS configuration files and environment
// but touches no network.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	env = env.WithDefaults()
	red := env.Redactor.With(cfg.SecretAccessKey, cfg.SessionToken, cfg.AccessKeyID)
	topic, _ := ParseTopicARN(cfg.TopicARN) // checked by Validate
	c := *cfg
	if c.Region == "" {
		c.Region = topic.Region
	}
	loads := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(c.Region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if c.AccessKeyID != "" {
		loads = append(loads, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background(), loads...)
	if err != nil {
		return nil, red.Error(fmt.Errorf("sns: load AWS configuration: %w", err))
	}
	client := awssns.NewFromConfig(awsCfg, func(o *awssns.Options) {
		// Set here rather than as a load option: loading applies
		// AWS_CA_BUNDLE to the SDK's own client (which the credential
		// providers use) and refuses a plain *http.Client.
		o.HTTPClient = env.HTTPClient
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
	})
	lang := env.Language
	if c.Language != "" {
		lang = c.Language
	}
	opts := render.Options{Language: render.Language(lang), Location: env.Location, Region: env.Region}
	msg, err := c.Message.Compile(name, opts)
	if err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	return &Notifier{
		cfg:    c,
		opts:   opts,
		msg:    msg,
		client: client,
		red:    red,
		log:    red.Logger(env.Logger).With(slog.String("destination", name)),
		now:    env.Now,
	}, nil
}

// Notify publishes m (see Build for what is published). The receipt's ID
// is the SNS message ID and its Thread the thread key every message about
// the same finding or digest group shares (the Chatbot threadId); the
// queue hands it back as m.Previous, so later messages join the thread.
//
// Errors are classified by classify: throttling, 5xx and transport
// failures are retryable (after Retry-After when SNS sends one); an
// invalid parameter, a missing topic, a denied authorization and every
// other answer are permanent. A message that cannot be built is permanent.
// Errors never hold the credentials, nor a notice's link.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	if err := m.Validate(); err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("sns: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, notify.Retry(fmt.Errorf("sns: %w", err), 0)
	}
	red := noticeRedactor(n.red, m)
	p, err := Build(m, &n.cfg, n.opts, n.msg)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(red.Error(fmt.Errorf("sns: build message: %w", err)))
	}
	out, err := n.client.Publish(ctx, n.input(p))
	if err != nil {
		err = red.Error(classify(ctx, err, red, n.now()))
		n.log.Warn("publish failed", slog.String("route", m.Route), slog.String("key", m.Key), slog.Any("error", err))
		return notify.Receipt{}, err
	}
	id := aws.ToString(out.MessageId)
	n.log.Debug("published", slog.String("route", m.Route), slog.String("key", m.Key), slog.String("message_id", id))
	return notify.Receipt{ID: id, Thread: p.Thread}, nil
}

// input is the PublishInput of p.
func (n *Notifier) input(p Publication) *awssns.PublishInput {
	in := &awssns.PublishInput{
		TopicArn: aws.String(n.cfg.TopicARN),
		Message:  aws.String(p.Message),
	}
	if p.Subject != "" {
		in.Subject = aws.String(p.Subject)
	}
	if len(p.Attributes) > 0 {
		in.MessageAttributes = make(map[string]types.MessageAttributeValue, len(p.Attributes))
		for _, a := range p.Attributes {
			in.MessageAttributes[a.Name] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(a.Value)}
		}
	}
	if p.GroupID != "" {
		in.MessageGroupId = aws.String(p.GroupID)
	}
	if p.DeduplicationID != "" {
		in.MessageDeduplicationId = aws.String(p.DeduplicationID)
	}
	return in
}
