package sns

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The SNS API is the AWS Query protocol
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html,
// https://docs.aws.amazon.com/sns/latest/api/CommonParameters.html): a
// form-encoded POST to "/" with Action=Publish&Version=2010-03-31, map
// parameters as MessageAttributes.entry.N.Name / .Value.DataType /
// .Value.StringValue, signed with Signature Version 4; the answer is XML,
// an ErrorResponse on failure. The AWS SDK for Go v2 serializes it so in
// service/sns serializers.go (awsAwsquery_serializeOpPublish).

const (
	testAccessKey = "AKIAIOSFODNN7EXAMPLE"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testToken     = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789"
	testRegion    = "ap-northeast-1"
)

// publishOK is SNS's answer to a successful Publish.
func publishOK(id string) notifytest.Response {
	return notifytest.Response{
		Status: 200,
		Header: http.Header{"Content-Type": {"text/xml"}},
		Body: `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>` + id + `</MessageId></PublishResult>
  <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
</PublishResponse>`,
	}
}

// snsError is SNS's ErrorResponse.
func snsError(status int, code, message string, header http.Header) notifytest.Response {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	return notifytest.Response{
		Status: status,
		Header: header,
		Body: `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <Error><Type>` + typ + `</Type><Code>` + code + `</Code><Message>` + message + `</Message></Error>
  <RequestId>42d59b56-7407-4c4a-be0f-4c88daeea257</RequestId>
</ErrorResponse>`,
	}
}

// newTestNotifier builds the destination against baseURL with static
// credentials.
func newTestNotifier(t *testing.T, baseURL string, env notify.Env, cfg Config) *Notifier {
	t.Helper()
	cfg.Endpoint = baseURL
	if cfg.TopicARN == "" {
		cfg.TopicARN = standardTopic
	}
	cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken = testAccessKey, testSecretKey, testToken
	n, err := New("sns-test", &cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func buildFor(cfg Config) notifytest.Build {
	return func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, baseURL, env, cfg)
	}
}

func TestPublishContract(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		m    *notify.Message
	}{
		{"standard chatbot", Config{}, samples(t)[0].m},
		{"fifo raw digest", Config{TopicARN: fifoTopic, MessageFormat: FormatRaw}, samples(t)[9].m},
		{"fifo json by finding", Config{TopicARN: fifoTopic, MessageFormat: FormatJSON, MessageGroup: GroupByFinding}, samples(t)[2].m},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, publishOK("5f6e7d8c-1234-5678-9abc-def012345678"))
			env, _ := notifytest.NewEnv(t)
			env.Language = "ja"
			n := newTestNotifier(t, srv.URL, env, tt.cfg)
			rc, err := n.Notify(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Build(tt.m, &n.cfg, n.opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rc.ID != "5f6e7d8c-1234-5678-9abc-def012345678" || rc.Thread != want.Thread {
				t.Errorf("receipt = %+v, want the message ID and thread %s", rc, want.Thread)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			if req.Method != http.MethodPost || req.Path != "/" || req.RawQuery != "" {
				t.Errorf("request %s %s?%s, want POST /", req.Method, req.Path, req.RawQuery)
			}
			if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", ct)
			}
			form, err := url.ParseQuery(string(req.Body))
			if err != nil {
				t.Fatal(err)
			}
			wantForm := url.Values{
				"Action":   {"Publish"},
				"Version":  {"2010-03-31"},
				"TopicArn": {n.cfg.TopicARN},
				"Message":  {want.Message},
			}
			if want.Subject != "" {
				wantForm.Set("Subject", want.Subject)
			}
			if want.GroupID != "" {
				wantForm.Set("MessageGroupId", want.GroupID)
				wantForm.Set("MessageDeduplicationId", want.DeduplicationID)
			}
			for i, a := range want.Attributes { // the SDK sends map entries sorted by name
				prefix := fmt.Sprintf("MessageAttributes.entry.%d.", i+1)
				wantForm.Set(prefix+"Name", a.Name)
				wantForm.Set(prefix+"Value.DataType", "String")
				wantForm.Set(prefix+"Value.StringValue", a.Value)
			}
			if form.Encode() != wantForm.Encode() {
				t.Errorf("form:\n got %s\nwant %s", form.Encode(), wantForm.Encode())
			}
			if strings.Contains(string(req.Body), testSecretKey) {
				t.Error("the secret key was sent")
			}
			checkSigV4(t, req, srv.URL)
		})
	}
}

// checkSigV4 recomputes the request's Signature Version 4 with the test
// credentials and compares it with what was sent.
func checkSigV4(t *testing.T, req notifytest.Request, baseURL string) {
	t.Helper()
	auth := req.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/") ||
		!strings.Contains(auth, "/"+testRegion+"/sns/aws4_request") {
		t.Fatalf("Authorization %q is not a SigV4 signature for sns in %s", auth, testRegion)
	}
	if req.Header.Get("X-Amz-Security-Token") != testToken {
		t.Error("the session token was not sent")
	}
	signedAt, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("X-Amz-Date: %v", err)
	}
	_, signed, _ := strings.Cut(auth, "SignedHeaders=")
	signed, _, _ = strings.Cut(signed, ",")
	u, _ := url.Parse(baseURL + req.Path)
	again, _ := http.NewRequest(req.Method, u.String(), bytes.NewReader(req.Body))
	again.ContentLength = int64(len(req.Body))
	for _, h := range strings.Split(signed, ";") {
		if h != "host" && h != "content-length" {
			again.Header.Set(h, req.Header.Get(h))
		}
	}
	sum := sha256.Sum256(req.Body)
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey, SessionToken: testToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), "sns", testRegion, signedAt); err != nil {
		t.Fatal(err)
	}
	if got := again.Header.Get("Authorization"); got != auth {
		t.Errorf("signature does not verify:\n sent %s\n want %s", auth, got)
	}
}

// snsRetryCases are SNS's documented failures, on top of the standard
// table: what its error codes mean whatever the status they come with.
func snsRetryCases() []notifytest.RetryCase {
	return []notifytest.RetryCase{
		{Name: "Throttled 429 with Retry-After", Response: snsError(429, "Throttled", "Rate exceeded", http.Header{"Retry-After": {"7"}}), Retryable: true, RetryAfter: 7 * time.Second},
		{Name: "Throttled 400", Response: snsError(400, "Throttled", "Rate exceeded", nil), Retryable: true},
		{Name: "KMSThrottling 400", Response: snsError(400, "KMSThrottling", "KMS is busy", nil), Retryable: true},
		{Name: "InternalError 500", Response: snsError(500, "InternalError", "internal", nil), Retryable: true},
		{Name: "ServiceUnavailable 503 with Retry-After", Response: snsError(503, "ServiceUnavailable", "try later", http.Header{"Retry-After": {"30"}}), Retryable: true, RetryAfter: 30 * time.Second},
		{Name: "InvalidParameter 400", Response: snsError(400, "InvalidParameter", "Invalid parameter: Subject", nil)},
		{Name: "InvalidParameter with a 5xx status", Response: snsError(500, "InvalidParameter", "Invalid parameter: Message too long", nil)},
		{Name: "AuthorizationError 403", Response: snsError(403, "AuthorizationError", "User is not authorized to perform: SNS:Publish", nil)},
		{Name: "NotFound 404", Response: snsError(404, "NotFound", "Topic does not exist", nil)},
		{Name: "KMSDisabled 400", Response: snsError(400, "KMSDisabled", "key disabled", nil)},
		{Name: "InvalidClientTokenId 403", Response: snsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.", nil)},
		{Name: "2xx that is not a PublishResponse", Response: notifytest.Response{Status: 200, Body: "<html>proxy login</html>"}},
	}
}

func TestRetryClassification(t *testing.T) {
	m := samples(t)[0].m
	t.Run("standard", func(t *testing.T) { notifytest.CheckRetry(t, buildFor(Config{}), m) })
	t.Run("sns", func(t *testing.T) { notifytest.CheckRetry(t, buildFor(Config{}), m, snsRetryCases()...) })
}

func TestNoSecretLeak(t *testing.T) {
	for _, format := range []string{FormatChatbot, FormatRaw} {
		t.Run(format, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, buildFor(Config{MessageFormat: format}), samples(t)[0].m,
				testSecretKey, testToken, testAccessKey)
		})
	}
}

func TestNotifyRefusesWhatCannotBePublished(t *testing.T) {
	srv := notifytest.NewServer(t, publishOK("x"))
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, srv.URL, env, Config{MessageFormat: FormatRaw})
	m := samples(t)[1].m
	f := *m.Finding
	f.Raw = []byte(`{"SchemaVersion":"2018-10-08","Description":"` + strings.Repeat("x", MaxMessageBytes) + `"}`)
	tooBig := *m
	tooBig.Finding = &f
	tests := []struct {
		name string
		ctx  context.Context
		m    *notify.Message
	}{
		{"invalid message", context.Background(), &notify.Message{Kind: notify.KindNew}},
		{"raw event over 256 KiB", context.Background(), &tooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := n.Notify(tt.ctx, tt.m)
			notifytest.CheckError(t, err, false, 0)
			if !strings.HasPrefix(err.Error(), "sns: ") {
				t.Errorf("error %q does not name the destination type", err)
			}
		})
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests sent for messages that cannot be published", len(srv.Requests()))
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := n.Notify(cancelled, samples(t)[0].m)
	notifytest.CheckError(t, err, true, 0)
}

// TestNotifyConcurrent shares one Notifier between goroutines (run with
// -race).
func TestNotifyConcurrent(t *testing.T) {
	srv := notifytest.NewServer(t, publishOK("id"))
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, srv.URL, env, Config{TopicARN: fifoTopic})
	all := samples(t)
	errs := make(chan error, len(all)*4)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for _, s := range all {
				_, err := n.Notify(context.Background(), s.m)
				errs <- err
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(srv.Requests()); got != len(all)*4 {
		t.Errorf("%d requests, want %d", got, len(all)*4)
	}
}
