package hubtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

type recordTransport struct{ got *http.Request }

func (t *recordTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.got = r
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func TestPlainBodyTransportHidesWriteTo(t *testing.T) {
	tests := []struct {
		name string
		body io.Reader
	}{
		{"bytes reader (has WriteTo)", bytes.NewReader([]byte(`{}`))},
		{"no body", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", "http://127.0.0.1/findings", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			orig := req.Body
			rec := &recordTransport{}
			resp, err := plainBodyTransport{base: rec}.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if req.Body != orig {
				t.Error("RoundTrip modified the caller's request")
			}
			if rec.got.Body == nil || rec.got.Body == http.NoBody {
				if tt.body != nil {
					t.Fatal("the body was dropped")
				}
				return
			}
			if _, ok := rec.got.Body.(io.WriterTo); ok {
				t.Error("the body sent still implements io.WriterTo")
			}
			b, err := io.ReadAll(rec.got.Body)
			if err != nil || string(b) != `{}` {
				t.Errorf("body %q %v", b, err)
			}
		})
	}
}

// Before plainBodyTransport, nearly every run of these requests without
// retries failed once with "use of closed network connection".
func TestNoSpuriousConnectionErrors(t *testing.T) {
	s, _ := seededServer(t, Options{})
	c := retryingClient(s, NewClock(testNow), 1)
	for i := range 200 {
		p := securityhub.NewGetFindingsPaginator(c, &securityhub.GetFindingsInput{MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			if _, err := p.NextPage(context.Background()); err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
		}
	}
	if got, want := s.Calls("GetFindings"), 200*4; got != want {
		t.Errorf("Calls = %d, want %d", got, want)
	}
}
