package email

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

// classifySES decides whether a failed SendEmail call may be retried.
//
// When SES answered, the HTTP status and Retry-After header are read by
// notify.CheckResponse, the one place that classifies HTTP answers (408,
// 429 and 5xx retryable, after Retry-After; other statuses permanent).
// An error code the AWS SDK counts as throttling or transient
// (retry.DefaultThrottleErrorCodes and retry.DefaultRetryableErrorCodes:
// TooManyRequestsException, Throttling, LimitExceededException,
// RequestTimeout, ...) is retryable whatever its status: SES answers
// "sending quota exceeded" with one of them. A 2xx answer that cannot be
// read is permanent: SES may have accepted the mail, and a retry could
// send it twice.
//
// Without an answer, a cancelled or expired ctx and connection failures
// are retryable; certificate verification failures are permanent.
func classifySES(ctx context.Context, err error, red *notify.Redactor, now time.Time) error {
	wrapped := fmt.Errorf("email: ses: send: %w", err)
	var (
		respErr *smithyhttp.ResponseError
		sendErr *smithyhttp.RequestSendError
	)
	// The SDK wraps transport failures in a ResponseError too, with no
	// answer (status 0) behind it.
	if !errors.As(err, &sendErr) && errors.As(err, &respErr) && respErr.Response != nil &&
		respErr.Response.Response != nil && respErr.Response.StatusCode > 0 {
		retryable, after := statusVerdict(respErr.Response.Response, red, now)
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && transientCode(apiErr.ErrorCode()) {
			retryable = true
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
	if sendErr != nil {
		return notify.Retry(wrapped, 0)
	}
	var deserialize *smithy.DeserializationError
	if errors.As(err, &deserialize) {
		return notify.Permanent(wrapped)
	}
	// Anything else (signing, credentials that could not be fetched from
	// the instance role) happened before SES saw the request; a later
	// attempt may succeed.
	return notify.Retry(wrapped, 0)
}

// statusVerdict classifies an HTTP answer through notify.CheckResponse.
// The SDK has already read the body; only the status and headers count.
func statusVerdict(resp *http.Response, red *notify.Redactor, now time.Time) (bool, time.Duration) {
	answer := *resp
	answer.Body = http.NoBody
	verdict := notify.CheckResponse(&answer, red, now)
	if verdict == nil {
		// A 2xx answer the SDK could not read.
		return false, 0
	}
	return notify.ShouldRetry(verdict)
}

// transientCode reports the error codes the AWS SDK retries.
func transientCode(code string) bool {
	_, throttle := retry.DefaultThrottleErrorCodes[code]
	_, transient := retry.DefaultRetryableErrorCodes[code]
	return throttle || transient
}
