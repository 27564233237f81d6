package sqstest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// maxSkew is how far X-Amz-Date may be from the server's clock, as AWS
// allows.
const maxSkew = 15 * time.Minute

// authorization is the parsed Authorization header of a SigV4 request.
type authorization struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=h1;h2, Signature=HEX".
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != "AWS4-HMAC-SHA256" {
		return a, fmt.Errorf("authorization: want AWS4-HMAC-SHA256, got %q", alg)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("authorization: malformed part %q", part)
		}
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return a, fmt.Errorf("authorization: Credential %q is not AKID/DATE/REGION/SERVICE/aws4_request", fields["Credential"])
	}
	a.accessKey, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
	if fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return a, fmt.Errorf("authorization: SignedHeaders and Signature are required")
	}
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.signature = fields["Signature"]
	return a, nil
}

// verify checks r's Signature Version 4 signature against the server's
// credentials the way AWS does: the access key, the credential scope (date,
// region, service "sqs"), the clock skew, and the signature itself,
// recomputed over the headers the request says it signed and its body.
func (s *Server) verify(r *http.Request, body []byte) *Fault {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		f := Fault{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: err.Error()}
		return &f
	}
	if a.accessKey != s.creds.AccessKeyID {
		f := Fault{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
		return &f
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		f := signatureFault("X-Amz-Date is missing or not in ISO 8601 basic format")
		return &f
	}
	if skew := s.now().Sub(at); skew > maxSkew || skew < -maxSkew {
		f := signatureFault("Signature expired: " + at.Format(time.RFC3339) + " is now earlier or later than the server's time by more than 15 minutes.")
		return &f
	}
	if a.date != at.Format("20060102") || a.region != s.region || a.service != "sqs" {
		f := signatureFault(fmt.Sprintf("Credential should be scoped to %s/%s/sqs, not %s/%s/%s", at.Format("20060102"), s.region, a.date, a.region, a.service))
		return &f
	}
	signed := map[string]bool{}
	for _, h := range a.signedHeaders {
		signed[h] = true
	}
	for _, need := range []string{"host", "x-amz-date", "x-amz-target", "content-type"} {
		if !signed[need] {
			f := signatureFault("SignedHeaders lacks " + need)
			return &f
		}
	}
	// Sign the same request again: the headers listed as signed, the host
	// and the body, at the request's time.
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		f := signatureFault(err.Error())
		return &f
	}
	again.Host = r.Host
	if signed["content-length"] {
		again.ContentLength = int64(len(body))
	}
	for _, h := range a.signedHeaders {
		if h == "host" || h == "content-length" {
			continue
		}
		if vs := r.Header.Values(h); len(vs) > 0 {
			again.Header[http.CanonicalHeaderKey(h)] = vs
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), s.creds, again, hex.EncodeToString(sum[:]), "sqs", s.region, at); err != nil {
		f := signatureFault(err.Error())
		return &f
	}
	want, err := parseAuthorization(again.Header.Get("Authorization"))
	if err != nil || subtle.ConstantTimeCompare([]byte(want.signature), []byte(a.signature)) != 1 {
		f := signatureFault("The request signature we calculated does not match the signature you provided.")
		return &f
	}
	return nil
}

// credentials are the ones a Server accepts.
func testCredentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: "AKIASQSTEST000000001", SecretAccessKey: "sqstest/secret/0123456789abcdefghijklmn", Source: "sqstest"}
}
