package hubtest

import (
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// newHTTPClient returns the HTTP client of AWSConfig: the SDK's default
// transport behind plainBodyTransport.
func newHTTPClient() *http.Client {
	return &http.Client{Transport: plainBodyTransport{base: awshttp.NewBuildableClient().GetTransport()}}
}

// plainBodyTransport works around a race between the SDK and net/http that
// a server on the loopback interface wins often: net/http writes the
// request body straight to the connection, and after the body it reads once
// more to check that there is no extra data. The SDK closes the request
// body as soon as the response headers arrive; its closed body then answers
// WriteTo with io.EOF, which net/http takes as a failed write and closes the
// connection while the SDK is still reading the response ("use of closed
// network connection", retried by the SDK but counted twice by the
// server). Hiding WriteTo makes the late check read io.EOF, the normal end.
type plainBodyTransport struct {
	base http.RoundTripper
}

// RoundTrip sends r with its body wrapped; r itself is not modified.
func (t plainBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	cp := r.Clone(r.Context())
	cp.Body = plainBody{r.Body}
	return t.base.RoundTrip(cp)
}

// plainBody exposes only Read and Close of a request body.
type plainBody struct {
	io.ReadCloser
}
