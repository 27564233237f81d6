package sqssource

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// NewClient returns an SQS client with the AWS SDK's default credential
// chain (environment, shared files, web identity, container or instance
// role). region, when not empty, overrides the SDK's default region;
// endpoint, when not empty, is called instead of the region's SQS endpoint
// (a VPC endpoint name, an emulator). The program calls it once while
// wiring; the client is safe for concurrent use.
func NewClient(ctx context.Context, region, endpoint string) (*sqs.Client, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqs: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("sqs: no region: set sources.sqs.region or AWS_REGION")
	}
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}
