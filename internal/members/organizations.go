package members

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go/logging"
)

// organizationsRegion is where the Organizations endpoint signs (the
// service is global; its endpoint is in us-east-1 in the aws partition).
const organizationsRegion = "us-east-1"

// accountsPage is the MaxResults of each ListAccounts call, the API's
// largest.
const accountsPage = 20

// OrgAccount is an account of the AWS organization.
type OrgAccount struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name,omitempty"`
	// Status is ACTIVE, SUSPENDED or PENDING_CLOSURE (the account's State
	// when the API gives no Status).
	Status string `json:"status"`
}

// OrganizationsOptions configure NewOrganizations. The zero value uses
// the SDK's default credentials and the us-east-1 endpoint.
type OrganizationsOptions struct {
	// Region is the region requests are signed for; default us-east-1,
	// where the global Organizations endpoint is.
	Region string
	// Endpoint overrides the endpoint (BaseEndpoint), e.g. for tests.
	Endpoint string
	// HTTPClient sends the requests; nil means the SDK's default.
	HTTPClient aws.HTTPClient
	// Credentials, when set, replace the SDK's default credential chain.
	Credentials aws.CredentialsProvider
	// Log receives the SDK's warnings; nil discards them.
	Log *slog.Logger
}

// Organizations lists the accounts of the AWS organization, for the
// members cross-check. It needs organizations:ListAccounts, callable from
// the management account or a delegated administrator. Safe for
// concurrent use.
type Organizations struct {
	api *organizations.Client
}

// NewOrganizations builds an Organizations client from the SDK's default
// configuration and opt. It makes no request. Called once at start-up by
// the command that wires hubrelay.
func NewOrganizations(ctx context.Context, opt OrganizationsOptions) (*Organizations, error) {
	region := opt.Region
	if region == "" {
		region = organizationsRegion
	}
	loads := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(region),
		awsconfig.WithRetryer(func() aws.Retryer {
			// ListAccounts is limited to a few calls a second; a large
			// organization's paging may be throttled, so retry longer
			// than the SDK's 3 attempts.
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 10 })
		}),
	}
	if opt.HTTPClient != nil {
		loads = append(loads, awsconfig.WithHTTPClient(opt.HTTPClient))
	}
	if opt.Credentials != nil {
		loads = append(loads, awsconfig.WithCredentialsProvider(opt.Credentials))
	}
	if opt.Log != nil {
		loads = append(loads, awsconfig.WithLogger(sdkLogger{opt.Log}))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("organizations: load AWS config: %w", err)
	}
	api := organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
		}
	})
	return &Organizations{api: api}, nil
}

// ListAccounts returns every account of the organization, all pages (20
// a call), in the order the API returns them.
func (o *Organizations) ListAccounts(ctx context.Context) ([]OrgAccount, error) {
	p := organizations.NewListAccountsPaginator(o.api, &organizations.ListAccountsInput{MaxResults: aws.Int32(accountsPage)})
	var out []OrgAccount
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations: list accounts: %w", err)
		}
		for _, a := range page.Accounts {
			status := string(a.Status)
			if status == "" {
				status = string(a.State)
			}
			out = append(out, OrgAccount{AccountID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Status: status})
		}
	}
	return out, nil
}

// sdkLogger passes the SDK's log lines to slog: warnings at Warn, the rest
// at Debug.
type sdkLogger struct{ log *slog.Logger }

// Logf writes one SDK log line.
func (l sdkLogger) Logf(class logging.Classification, format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	if class == logging.Warn {
		l.log.Warn("aws sdk", slog.String("message", msg))
		return
	}
	l.log.Debug("aws sdk", slog.String("message", msg))
}
