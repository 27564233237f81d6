package sns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// The Publish error codes this package decides on whatever the HTTP status
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors
// and https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
var (
	// transientCodes are worth retrying: SNS or KMS is busy or failed.
	transientCodes = map[string]bool{
		"Throttled": true, "Throttling": true, "ThrottlingException": true,
		"KMSThrottling": true, "InternalError": true, "InternalFailure": true,
		"ServiceUnavailable": true, "RequestTimeout": true,
	}
	// permanentCodes will fail again until someone changes the topic, the
	// policy or the settings.
	permanentCodes = map[string]bool{
		"InvalidParameter": true, "ParameterValueInvalid": true, "InvalidParameterValue": true,
		"ValidationError": true, "ValidationException": true,
		"AuthorizationError": true, "InvalidClientTokenId": true, "SignatureDoesNotMatch": true,
		"AccessDenied": true, "AccessDeniedException": true, "MissingAuthenticationToken": true,
		"NotFound": true, "EndpointDisabled": true, "InvalidSecurity": true,
		"KMSAccessDenied": true, "KMSDisabled": true, "KMSInvalidState": true,
		"KMSNotFound": true, "KMSOptInRequired": true, "PlatformApplicationDisabled": true,
	}
)

// classify decides whether a failed Publish may be retried.
//
// When SNS answered, the HTTP status and Retry-After header are read by
// notify.CheckResponse, the one place that classifies HTTP answers (408,
// 429 and 5xx retryable, after Retry-After; other statuses permanent).
// The error code then overrides the status where SNS documents it:
// Throttled, KMSThrottling, InternalError and the AWS SDK's throttling and
// transient codes are retryable; InvalidParameter, AuthorizationError,
// NotFound, the KMS configuration errors and the like are permanent. A 2xx
// answer that cannot be read is permanent: SNS may have accepted the
// message, and a retry could publish it twice.
//
// Without an answer (the SDK then reports status 0), a cancelled or
// expired ctx and connection failures are retryable; certificate
// verification failures are permanent.
func classify(ctx context.Context, err error, red *notify.Redactor, now time.Time) error {
	wrapped := fmt.Errorf("sns: publish: %w", err)
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.Response != nil && respErr.Response.Response != nil && respErr.HTTPStatusCode() > 0 {
		retryable, after := statusVerdict(respErr.Response.Response, red, now)
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			switch code := apiErr.ErrorCode(); {
			case transientCodes[code] || sdkTransient(code):
				retryable = true
			case permanentCodes[code]:
				retryable = false
			}
		}
		if retryable {
			return notify.Retry(wrapped, after)
		}
		return notify.Permanent(wrapped)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return notify.Retry(fmt.Errorf("%w: %w", ctxErr, wrapped), 0)
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verification) {
		return notify.Permanent(wrapped)
	}
	var deserialize *smithy.DeserializationError
	if errors.As(err, &deserialize) {
		return notify.Permanent(wrapped)
	}
	// Anything else (the connection failed, credentials could not be
	// fetched from the instance role yet) happened before SNS took the
	// message; a later attempt may succeed.
	return notify.Retry(wrapped, 0)
}

// statusVerdict classifies an HTTP answer through notify.CheckResponse.
// The SDK has already read the body; only the status and headers count.
func statusVerdict(resp *http.Response, red *notify.Redactor, now time.Time) (bool, time.Duration) {
	answer := *resp
	answer.Body = http.NoBody
	verdict := notify.CheckResponse(&answer, red, now)
	if verdict == nil {
		return false, 0 // a 2xx answer the SDK could not read
	}
	return notify.ShouldRetry(verdict)
}

// sdkTransient reports the codes the AWS SDK itself retries.
func sdkTransient(code string) bool {
	_, throttle := retry.DefaultThrottleErrorCodes[code]
	_, transient := retry.DefaultRetryableErrorCodes[code]
	return throttle || transient
}
