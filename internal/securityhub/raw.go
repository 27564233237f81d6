package securityhub

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// maxPageBody bounds a GetFindings response body: 100 findings of at most
// 240 KB each, with room to spare.
const maxPageBody = 64 << 20

// rawBody keeps the body of a call's last successful HTTP response, as the
// service sent it, while the SDK still deserializes it. The Poller decodes
// findings from it so that Finding.Raw is exactly the ASFF the API
// returned, fields the SDK's types do not know included. One rawBody
// serves one call at a time.
type rawBody struct {
	body []byte
}

// option installs the capture in one call's stack:
// api.GetFindings(ctx, in, rb.option).
func (r *rawBody) option(o *securityhub.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		mw := middleware.DeserializeMiddlewareFunc("HubrelayRawBody", r.handle)
		if _, ok := stack.Deserialize.Get("OperationDeserializer"); ok {
			// Inside the deserializer: the body is read here first.
			return stack.Deserialize.Insert(mw, "OperationDeserializer", middleware.After)
		}
		return stack.Deserialize.Add(mw, middleware.After)
	})
}

func (r *rawBody) handle(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp == nil || resp.Body == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, md, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxPageBody+1))
	resp.Body.Close()
	if rerr != nil {
		return out, md, fmt.Errorf("read response body: %w", rerr)
	}
	if len(body) > maxPageBody {
		return out, md, fmt.Errorf("response body over %d MiB", maxPageBody>>20)
	}
	r.body = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return out, md, nil
}
