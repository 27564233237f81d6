package securityhub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go/logging"
)

// Retry defaults: throttled calls are retried up to DefaultMaxAttempts
// attempts in all (the SDK's own default is 3), backing off up to
// DefaultMaxBackoff between attempts.
const (
	DefaultMaxAttempts = 10
	DefaultMaxBackoff  = 20 * time.Second
)

// Options configure New. The zero value uses the SDK's defaults for the
// region, the endpoint and the credentials.
type Options struct {
	// Region is the Security Hub home (aggregation) region; empty means the
	// SDK's default region (AWS_REGION, the shared config file).
	Region string
	// Endpoint overrides the Security Hub endpoint (BaseEndpoint), e.g. for
	// tests. Empty keeps the SDK's resolution, which also honours
	// AWS_ENDPOINT_URL_SECURITYHUB and AWS_ENDPOINT_URL.
	Endpoint string
	// HTTPClient sends the requests; nil means the SDK's default client.
	HTTPClient aws.HTTPClient
	// Credentials, when set, replace the SDK's default credential chain.
	Credentials aws.CredentialsProvider
	// Log receives the SDK's warnings and this package's own lines. Nil
	// discards them. Nothing logged carries credentials.
	Log *slog.Logger
	// MaxAttempts bounds the attempts of one call, the first included;
	// default DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff bounds the wait between two attempts; default
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Limits replaces the client-side rate limits of the operation families
	// it names (see DefaultLimits); the others keep their defaults.
	Limits map[string]Limit
	// Clock is the time the rate limits are kept in; nil means
	// SystemClock. When set, the retry back-off of throttled calls is
	// slept on it too, so a virtual clock (hubtest.Clock) runs a
	// rate-limited workload without waiting in real time. Pollers of the
	// client read it unless given a clock of their own.
	Clock Clock
}

// Client is a Security Hub API client shared by the Updater, the Poller,
// Actions and ListMembers. It is safe for concurrent use; its rate limits
// hold across every goroutine using it.
type Client struct {
	api    *securityhub.Client
	region string
	log    *slog.Logger
	limits *limiter
	clock  Clock
}

// New builds a Client from the SDK's default configuration
// (config.LoadDefaultConfig) and opt. It fails when no region is
// configured. It makes no request: bad credentials show on the first call.
// Called once at start-up by the command that wires hubrelay.
func New(ctx context.Context, opt Options) (*Client, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = DefaultMaxBackoff
	}
	clock := opt.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	limits, err := newLimiter(opt.Limits, clock)
	if err != nil {
		return nil, fmt.Errorf("securityhub: %w", err)
	}
	loads := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithLogger(sdkLogger{log}),
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = opt.MaxAttempts
				o.MaxBackoff = opt.MaxBackoff
				// The SDK's retry quota (500 tokens, 5 per retry) runs
				// dry after about 100 retries in a row and then fails
				// calls without trying; under sustained throttling that
				// would turn a slow batch into a failed one. The
				// client-side limiter below keeps the call rate down
				// instead.
				o.RateLimiter = ratelimit.None
				if opt.Clock != nil {
					o.Backoff = clockBackoff{clock: opt.Clock, delay: retry.NewExponentialJitterBackoff(opt.MaxBackoff)}
				}
			})
		}),
	}
	if opt.Region != "" {
		loads = append(loads, awsconfig.WithRegion(opt.Region))
	}
	if opt.HTTPClient != nil {
		loads = append(loads, awsconfig.WithHTTPClient(opt.HTTPClient))
	}
	if opt.Credentials != nil {
		loads = append(loads, awsconfig.WithCredentialsProvider(opt.Credentials))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("securityhub: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("securityhub: no AWS region: set securityhub.region in the config, or AWS_REGION")
	}
	api := securityhub.NewFromConfig(cfg, func(o *securityhub.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
		}
		o.APIOptions = append(o.APIOptions, limits.middleware)
		o.HTTPClient = plainBodies{next: o.HTTPClient}
	})
	return &Client{api: api, region: cfg.Region, log: log, limits: limits, clock: clock}, nil
}

// Region returns the region the client calls: the Security Hub home
// region whose findings (and, with cross-Region aggregation, the linked
// regions' findings) it reads and updates.
func (c *Client) Region() string { return c.region }

// Clock returns the client's clock: Options.Clock, or SystemClock.
func (c *Client) Clock() Clock { return c.clock }

// API returns the underlying SDK client, with the retryer and rate limits
// of c, for calls this package does not wrap.
func (c *Client) API() *securityhub.Client { return c.api }

// sdkLogger passes the SDK's log lines (warnings about the configuration;
// request logging is off) to slog.
type sdkLogger struct{ log *slog.Logger }

// Logf writes one SDK log line: warnings at Warn, the rest at Debug.
func (l sdkLogger) Logf(class logging.Classification, format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	if class == logging.Warn {
		l.log.Warn("aws sdk", slog.String("message", msg))
		return
	}
	l.log.Debug("aws sdk", slog.String("message", msg))
}
