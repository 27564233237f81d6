package securityhub

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// recordingClient answers every request and keeps the body it was sent.
type recordingClient struct{ body io.ReadCloser }

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	c.body = req.Body
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}"))}, nil
}

// closeRecorder is a body with WriteTo, as the SDK's are.
type closeRecorder struct {
	*bytes.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestPlainBodiesHideWriteTo(t *testing.T) {
	inner := &recordingClient{}
	body := &closeRecorder{Reader: bytes.NewReader([]byte(`{"MaxResults":100}`))}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/findings", body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (plainBodies{next: inner}).Do(req); err != nil {
		t.Fatal(err)
	}
	if _, ok := inner.body.(io.WriterTo); ok {
		t.Fatalf("the body sent (%T) still has WriteTo", inner.body)
	}
	got, err := io.ReadAll(inner.body)
	if err != nil || string(got) != `{"MaxResults":100}` {
		t.Fatalf("body read %q, %v", got, err)
	}
	if err := inner.body.Close(); err != nil || !body.closed {
		t.Fatalf("closing the body sent did not close the original (%v)", err)
	}

	// No body stays no body.
	req, _ = http.NewRequest(http.MethodGet, "http://127.0.0.1/members", nil)
	if _, err := (plainBodies{next: inner}).Do(req); err != nil || inner.body != nil {
		t.Fatalf("a request without a body got %T (%v)", inner.body, err)
	}
}
