package archive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const (
	testBucket    = "hubrelay-reports-111111111111"
	testRegion    = "ap-northeast-1"
	testAccessKey = "AKIAIOSFODNN7EXAMPLE"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// fakeS3 is gofakes3 (an in-process S3) behind a handler that records each
// request and checks presigned URLs the way S3 does, which gofakes3 does
// not: it ignores X-Amz-Expires and does not verify signatures. The wrapper
// refuses a presigned GET after X-Amz-Date + X-Amz-Expires by its own
// clock (403 AccessDenied, "Request has expired"), and one whose
// signature differs from what SigV4 computes for the URL with the test
// credentials (403 SignatureDoesNotMatch).
type fakeS3 struct {
	*httptest.Server
	backend *s3mem.Backend
	clock   *clock

	mu       sync.Mutex
	requests []*http.Request
}

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New(), clock: &clock{now: time.Now()}}
	if err := f.backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(f.backend).Server()
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Clone(context.Background()))
		f.mu.Unlock()
		if q := r.URL.Query(); q.Has("X-Amz-Expires") {
			if code, msg := f.checkPresigned(r); code != "" {
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message></Error>", code, msg)
				return
			}
		}
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeS3) checkPresigned(r *http.Request) (code, msg string) {
	q := r.URL.Query()
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return "AuthorizationQueryParametersError", "bad X-Amz-Date"
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 1 || secs > 604800 {
		return "AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800"
	}
	if !f.clock.Now().Before(signed.Add(time.Duration(secs) * time.Second)) {
		return "AccessDenied", "Request has expired"
	}
	// Recompute the signature of the URL without it.
	got := q.Get("X-Amz-Signature")
	unsigned := *r.URL
	uq := r.URL.Query()
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		uq.Del(k)
	}
	unsigned.RawQuery = uq.Encode()
	unsigned.Scheme, unsigned.Host = "http", r.Host
	req, _ := http.NewRequest(r.Method, unsigned.String(), nil)
	want, _, err := v4.NewSigner().PresignHTTP(r.Context(), aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey},
		req, "UNSIGNED-PAYLOAD", "s3", testRegion, signed, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		return "SignatureDoesNotMatch", err.Error()
	}
	wu, _ := url.Parse(want)
	if wu.Query().Get("X-Amz-Signature") != got {
		return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
	}
	return "", ""
}

// lastPut returns the last PUT request the fake received.
func (f *fakeS3) lastPut(t *testing.T) *http.Request {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if f.requests[i].Method == http.MethodPut {
			return f.requests[i]
		}
	}
	t.Fatal("no PUT request")
	return nil
}

func (f *fakeS3) object(t *testing.T, key string) (data []byte, meta map[string]string) {
	t.Helper()
	obj, err := f.backend.GetObject(testBucket, key, nil)
	if err != nil {
		t.Fatalf("object %s: %v", key, err)
	}
	defer obj.Contents.Close()
	data, _ = io.ReadAll(obj.Contents)
	return data, obj.Metadata
}

func newTestS3(t *testing.T, fake *fakeS3, edit func(*S3Options)) *S3 {
	t.Helper()
	opt := S3Options{
		Bucket:      testBucket,
		Prefix:      "reports/",
		Region:      testRegion,
		Endpoint:    fake.URL,
		PathStyle:   true,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
	}
	if edit != nil {
		edit(&opt)
	}
	s, err := NewS3(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Put stores the report at reports/{project}/{date}.xlsx, encrypted with
// SSE-S3, with the Excel MIME type and a download name; the presigned link
// fetches the bytes with a plain GET, as a browser would.
func TestS3PutAndLink(t *testing.T) {
	fake := newFakeS3(t)
	s := newTestS3(t, fake, nil)
	ctx := context.Background()
	data := bytes.Repeat([]byte("report bytes "), 1000)
	if err := s.Put(ctx, testKey, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	put := fake.lastPut(t)
	if got := put.Header.Get("X-Amz-Server-Side-Encryption"); got != "AES256" {
		t.Errorf("SSE header %q, want AES256", got)
	}
	if got := put.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"); got != "" {
		t.Errorf("KMS key header %q with SSE-S3", got)
	}
	if !strings.HasPrefix(put.URL.Path, "/"+testBucket+"/reports/") {
		t.Errorf("PUT path %q is not path-style", put.URL.Path)
	}
	stored, meta := fake.object(t, testKey)
	if !bytes.Equal(stored, data) {
		t.Fatalf("stored %d bytes, want %d", len(stored), len(data))
	}
	if meta["Content-Type"] != contentTypes["xlsx"] {
		t.Errorf("stored Content-Type %q", meta["Content-Type"])
	}
	if _, p, err := mime.ParseMediaType(meta["Content-Disposition"]); err != nil || p["filename"] != "基幹システム-security-report-2026-11-23.xlsx" {
		t.Errorf("stored Content-Disposition %q", meta["Content-Disposition"])
	}

	link, err := s.Link(ctx, testKey, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	u := mustParse(t, link)
	q := u.Query()
	if q.Get("X-Amz-Expires") != "604800" || q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || q.Get("X-Amz-Signature") == "" {
		t.Errorf("link query %v", q)
	}
	if !strings.Contains(q.Get("X-Amz-Credential"), "/"+testRegion+"/s3/aws4_request") {
		t.Errorf("credential scope %q", q.Get("X-Amz-Credential"))
	}
	if strings.Contains(link, testSecretKey) || strings.Contains(link, url.QueryEscape(testSecretKey)) {
		t.Fatal("link contains the secret access key")
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET link: %d, %d bytes", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("Content-Type"); got != contentTypes["xlsx"] {
		t.Errorf("download Content-Type %q", got)
	}
}

// A presigned link stops working after its expiry; a link whose key was
// changed does not verify. (The refusals come from the wrapper in fakeS3:
// gofakes3 itself checks neither.)
func TestS3LinkExpiresAndCannotBeRetargeted(t *testing.T) {
	fake := newFakeS3(t)
	s := newTestS3(t, fake, nil)
	ctx := context.Background()
	for _, k := range []string{testKey, "reports/other/2026-11-23.xlsx"} {
		if err := s.Put(ctx, k, strings.NewReader(k), int64(len(k))); err != nil {
			t.Fatal(err)
		}
	}
	link, err := s.Link(ctx, testKey, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := fetch(link); code != 200 || body != testKey {
		t.Fatalf("fresh link: %d %q", code, body)
	}
	other := strings.Replace(link, "/reports/%E5%9F%BA%E5%B9%B9%E3%82%B7%E3%82%B9%E3%83%86%E3%83%A0/", "/reports/other/", 1)
	if other == link {
		t.Fatalf("test did not change the key of %s", link)
	}
	if code, body := fetch(other); code != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Errorf("retargeted link: %d %s", code, body)
	}
	fake.clock.Advance(time.Hour + time.Second)
	if code, body := fetch(link); code != 403 || !strings.Contains(body, "Request has expired") {
		t.Errorf("expired link: %d %s", code, body)
	}
}

func TestS3SSEKMSAndPrefix(t *testing.T) {
	fake := newFakeS3(t)
	s := newTestS3(t, fake, func(o *S3Options) {
		o.SSE = SSEKMS
		o.KMSKeyID = "alias/hubrelay-reports"
		o.Prefix = "hubrelay/2026"
	})
	ctx := context.Background()
	if err := s.Put(ctx, "reports/system-a/2026-11-23.csv", strings.NewReader("a,b\r\n"), 5); err != nil {
		t.Fatal(err)
	}
	put := fake.lastPut(t)
	if got := put.Header.Get("X-Amz-Server-Side-Encryption"); got != "aws:kms" {
		t.Errorf("SSE header %q", got)
	}
	if got := put.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"); got != "alias/hubrelay-reports" {
		t.Errorf("KMS key header %q", got)
	}
	data, meta := fake.object(t, "hubrelay/2026/system-a/2026-11-23.csv")
	if string(data) != "a,b\r\n" || meta["Content-Type"] != "text/csv; charset=utf-8" {
		t.Errorf("object %q %v", data, meta)
	}
	if s.ObjectKey("reports/p/x.csv") != "hubrelay/2026/p/x.csv" {
		t.Errorf("ObjectKey %q", s.ObjectKey("reports/p/x.csv"))
	}
}

func TestS3RefusesBadInput(t *testing.T) {
	fake := newFakeS3(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(*S3Options)
		want string
	}{
		{"no bucket", func(o *S3Options) { o.Bucket = "" }, "no bucket (bucket)"},
		{"unknown SSE", func(o *S3Options) { o.SSE = "aws:fsx" }, `sse "aws:fsx": want AES256 or aws:kms`},
		{"KMS key with SSE-S3", func(o *S3Options) { o.KMSKeyID = "k" }, "kms_key_id is set but sse is AES256"},
		{"prefix with ..", func(o *S3Options) { o.Prefix = "a/../b/" }, `segment ".."`},
		{"prefix with leading slash", func(o *S3Options) { o.Prefix = "/reports/" }, "starts with '/'"},
	} {
		opt := S3Options{Bucket: testBucket, Region: testRegion, Endpoint: fake.URL, PathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, "")}
		tc.edit(&opt)
		if _, err := NewS3(ctx, opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	s := newTestS3(t, fake, nil)
	for _, d := range []time.Duration{0, -time.Hour, MaxPresignExpiry + time.Second, 1500 * time.Millisecond} {
		if _, err := s.Link(ctx, testKey, d); err == nil {
			t.Errorf("Link with expiry %v succeeded", d)
		}
	}
	if _, err := s.Link(ctx, testKey, MaxPresignExpiry); err != nil {
		t.Errorf("Link for exactly 7 days: %v", err)
	}
	// A reader that cannot rewind is read into memory first, over plain
	// HTTP too (where the SDK must hash the body); its size is checked.
	if err := s.Put(ctx, testKey, iotest.OneByteReader(strings.NewReader("streamed")), -1); err != nil {
		t.Errorf("unseekable reader: %v", err)
	} else if data, _ := fake.object(t, testKey); string(data) != "streamed" {
		t.Errorf("unseekable reader stored %q", data)
	}
	if err := s.Put(ctx, testKey, iotest.OneByteReader(strings.NewReader("streamed")), 3); err == nil || !strings.Contains(err.Error(), "got 8 bytes, want 3") {
		t.Errorf("unseekable reader of the wrong size: %v", err)
	}
	if err := s.Put(ctx, "reports/../x.xlsx", strings.NewReader("x"), 1); err == nil {
		t.Error("Put with a traversal key succeeded")
	}
	// A missing bucket: the error names it and carries no credentials.
	missing := newTestS3(t, fake, func(o *S3Options) { o.Bucket = "no-such-bucket" })
	err := missing.Put(ctx, testKey, strings.NewReader("x"), 1)
	if err == nil || !strings.Contains(err.Error(), "s3://no-such-bucket/") {
		t.Fatalf("missing bucket: %v", err)
	}
	if strings.Contains(err.Error(), testSecretKey) {
		t.Errorf("error shows the secret key: %v", err)
	}
}
