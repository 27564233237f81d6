package securityhub

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// plainBodies sends requests through next with each request body hidden
// behind a plain io.ReadCloser.
//
// The SDK closes a request's body as soon as the response arrives
// (smithy-go wraps it in a "safe" reader whose WriteTo, once closed,
// fails with io.EOF). net/http, after writing a body of known length,
// reads it once more to make sure nothing is left; when the answer came
// first and the body was closed meanwhile, that read goes through WriteTo,
// gets io.EOF as an error, and the transport closes the connection under
// the response being read: "read response body: use of closed network
// connection" (aws/aws-sdk-go-v2#2737; the SDK retries it, which costs a
// backoff and a rate-limit token). It happens to large responses read
// side by side, as Findings does. Through a plain Read the closed body
// just ends, as it should.
type plainBodies struct {
	next aws.HTTPClient
}

// Do implements aws.HTTPClient.
func (p plainBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = plainBody{req.Body}
	}
	return p.next.Do(req)
}

// plainBody is a request body without the WriteTo of the one it wraps.
type plainBody struct {
	io.ReadCloser
}
