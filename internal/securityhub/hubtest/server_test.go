package hubtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go"
)

// signed builds a request to the server signed as the SDK signs, with
// the given credentials and region.
func signed(t testing.TB, s *Server, method, path string, body []byte, creds aws.Credentials, region string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), signingService, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

func ourCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey}
}

// answer is a decoded raw response.
type answer struct {
	status    int
	errorType string
	requestID string
	body      map[string]any
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, errorType: resp.Header.Get("X-Amzn-ErrorType"), requestID: resp.Header.Get("X-Amzn-RequestId")}
	if err := json.Unmarshal(b, &a.body); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, b)
	}
	return a
}

func TestRoutingAndErrorShape(t *testing.T) {
	s := NewTest(t, Options{})
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantCode   string
		wantInMsg  string
		countedAs  string
	}{
		{"unknown path", "GET", "/nothing/here", "", 404, codeUnknownOperation, "GET /nothing/here", ""},
		{"wrong method", "DELETE", "/findings", "", 404, codeUnknownOperation, "DELETE /findings", ""},
		{"unsupported operation", "GET", "/accounts", "", 400, codeUnsupported, "DescribeHub", "DescribeHub"},
		{"unsupported with label", "GET", "/insights/results/arn:aws:securityhub:ap-northeast-1:123456789012:insight/x", "", 400, codeUnsupported, "GetInsightResults", "GetInsightResults"},
		{"bad JSON", "POST", "/findings", "{", 400, codeInvalidInput, "not valid JSON", "GetFindings"},
		{"unknown member", "POST", "/findings", `{"Filter":{}}`, 400, codeInvalidInput, `unknown member "Filter"`, "GetFindings"},
		{"wrong type", "POST", "/findings", `{"MaxResults":"ten"}`, 400, codeInvalidInput, "MaxResults", "GetFindings"},
		{"V2 bad input", "POST", "/findingsv2", `{"MaxResults":0}`, 400, codeValidation, "MaxResults", "GetFindingsV2"},
		{"ok", "POST", "/findings", `{}`, 200, "", "", "GetFindings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Calls(tt.countedAs)
			a := do(t, signed(t, s, tt.method, tt.path, []byte(tt.body), ourCreds(), s.opts.Region))
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%v)", a.status, tt.wantStatus, a.body)
			}
			if a.requestID == "" {
				t.Error("no X-Amzn-RequestId")
			}
			if tt.countedAs != "" && s.Calls(tt.countedAs) != before+1 {
				t.Errorf("Calls(%q) = %d, want %d", tt.countedAs, s.Calls(tt.countedAs), before+1)
			}
			if tt.wantCode == "" {
				return
			}
			if code, _, _ := strings.Cut(a.errorType, ":"); code != tt.wantCode {
				t.Errorf("X-Amzn-ErrorType %q, want %s", a.errorType, tt.wantCode)
			}
			if a.body["Code"] != tt.wantCode {
				t.Errorf("body Code %v, want %s", a.body["Code"], tt.wantCode)
			}
			if msg, _ := a.body["Message"].(string); !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("Message %q does not contain %q", msg, tt.wantInMsg)
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	s := NewTest(t, Options{Region: "eu-west-1"})
	tamper := func(r *http.Request) *http.Request {
		r.Header.Set("Content-Type", "text/plain") // a signed header changed after signing
		return r
	}
	noAuth := func(r *http.Request) *http.Request {
		r.Header.Del("Authorization")
		return r
	}
	wrongService := func(r *http.Request) *http.Request {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/securityhub/", "/s3/", 1))
		return r
	}
	tests := []struct {
		name     string
		creds    aws.Credentials
		region   string
		edit     func(*http.Request) *http.Request
		wantCode string
	}{
		{"signed for the server", ourCreds(), "eu-west-1", nil, ""},
		{"no Authorization", ourCreds(), "eu-west-1", noAuth, codeMissingAuth},
		{"other region", ourCreds(), "us-east-1", nil, codeBadSignature},
		{"other service", ourCreds(), "eu-west-1", wrongService, codeBadSignature},
		{"other access key", aws.Credentials{AccessKeyID: "AKIAOTHER", SecretAccessKey: secretAccessKey}, "eu-west-1", nil, codeUnknownClient},
		{"wrong secret", aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: "wrong"}, "eu-west-1", nil, codeBadSignature},
		{"header changed after signing", ourCreds(), "eu-west-1", tamper, codeBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, s, "POST", "/findings", []byte(`{}`), tt.creds, tt.region)
			if tt.edit != nil {
				req = tt.edit(req)
			}
			a := do(t, req)
			if tt.wantCode == "" {
				if a.status != 200 {
					t.Fatalf("status %d: %v", a.status, a.body)
				}
				return
			}
			if a.status != http.StatusForbidden || a.body["Code"] != tt.wantCode {
				t.Fatalf("got %d %v, want 403 %s", a.status, a.body, tt.wantCode)
			}
			if b, _ := json.Marshal(a.body); bytes.Contains(b, []byte(secretAccessKey)) {
				t.Errorf("the error leaks the secret key: %s", b)
			}
		})
	}

	// A client with credentials of its own is refused, through the SDK.
	cfg := s.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIAELSEWHERE", "not-ours", "")
	c := securityhub.NewFromConfig(cfg, func(o *securityhub.Options) { o.BaseEndpoint = aws.String(s.URL()) })
	_, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != codeUnknownClient {
		t.Fatalf("got %v, want %s", err, codeUnknownClient)
	}
	if strings.Contains(err.Error(), secretAccessKey) || strings.Contains(err.Error(), "not-ours") {
		t.Errorf("the error leaks a secret: %v", err)
	}
}

func TestClientAndConfig(t *testing.T) {
	s := NewTest(t, Options{Region: "us-west-2", AccountID: "999999999999"})
	cfg := s.AWSConfig()
	if cfg.Region != "us-west-2" {
		t.Errorf("Region %q", cfg.Region)
	}
	if cfg.BaseEndpoint != nil {
		t.Errorf("AWSConfig sets BaseEndpoint %q; it is per service", *cfg.BaseEndpoint)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != accessKeyID {
		t.Fatalf("credentials %v %v", creds.AccessKeyID, err)
	}
	o := s.Client().Options()
	if o.BaseEndpoint == nil || *o.BaseEndpoint != s.URL() {
		t.Errorf("BaseEndpoint %v, want %s", o.BaseEndpoint, s.URL())
	}
	for _, code := range []string{codeTooManyRequests, codeThrottling} {
		if !o.Retryer.IsErrorRetryable(&smithy.GenericAPIError{Code: code}) {
			t.Errorf("the client's retryer does not retry %s", code)
		}
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q", s.URL())
	}
}

func TestCloseIsIdempotentAndStops(t *testing.T) {
	s := New(Options{})
	url := s.URL()
	s.Close()
	s.Close()
	resp, err := http.Get(url + "/findings")
	if err == nil {
		resp.Body.Close()
		t.Fatal("the server still answers after Close")
	}
}
