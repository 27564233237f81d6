package orgtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signingService is the service name in the credential scope of
// Organizations requests.
const signingService = "organizations"

// sigV4 is a parsed Signature Version 4 Authorization header.
type sigV4 struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX".
func parseAuthorization(h string) (sigV4, bool) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigV4{}, false
	}
	var sig sigV4
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return sigV4{}, false
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return sigV4{}, false
			}
			sig.accessKey, sig.date, sig.region, sig.service = f[0], f[1], f[2], f[3]
			haveCred = true
		case "SignedHeaders":
			sig.signedHeaders = strings.Split(v, ";")
			haveSigned = true
		case "Signature":
			sig.signature = v
			haveSig = true
		}
	}
	return sig, haveCred && haveSigned && haveSig
}

// checkAuth verifies the request's Signature Version 4 signature: scoped
// to the server's region and the organizations service, made with the
// server's credentials over the headers it names and the body. It signs a
// copy of the request again with the SDK's signer and compares. Clock skew
// is not checked. Messages never contain the secret key.
func (s *Server) checkAuth(r *http.Request, body []byte) *apiError {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return errorf(http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	sig, ok := parseAuthorization(authz)
	if !ok {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "the Authorization header is not a Signature Version 4 (AWS4-HMAC-SHA256) header")
	}
	if sig.accessKey != s.opts.AccessKeyID {
		return errorf(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	if sig.service != signingService {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "Credential should be scoped to correct service: '%s'.", signingService)
	}
	if sig.region != s.opts.Region {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "Credential should be scoped to a valid region, not '%s'.", sig.region)
	}
	signedAt, err := time.Parse(amzDateLayout, r.Header.Get("X-Amz-Date"))
	if err != nil || signedAt.Format("20060102") != sig.date {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "the X-Amz-Date header is missing or does not match the credential scope's date")
	}
	creds := aws.Credentials{AccessKeyID: s.opts.AccessKeyID, SecretAccessKey: s.opts.SecretAccessKey}
	want, err := resign(r, body, sig.signedHeaders, creds, s.opts.Region, signedAt)
	if err != nil {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "the request cannot be signed again to check it: %v", err)
	}
	if !hmac.Equal([]byte(want), []byte(sig.signature)) {
		return errorf(http.StatusBadRequest, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

// resign signs a copy of r holding only the headers the client signed and
// returns the signature.
func resign(r *http.Request, body []byte, signedHeaders []string, creds aws.Credentials, region string, at time.Time) (string, error) {
	cp := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Host:   r.Host,
		Header: make(http.Header),
	}
	for _, name := range signedHeaders {
		switch name {
		case "host":
		case "content-length":
			cp.ContentLength = r.ContentLength
		default:
			if v, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
				cp.Header[http.CanonicalHeaderKey(name)] = v
			}
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, cp, hex.EncodeToString(sum[:]), signingService, region, at); err != nil {
		return "", err
	}
	got, ok := parseAuthorization(cp.Header.Get("Authorization"))
	if !ok {
		return "", errors.New("the signer produced no Signature Version 4 header")
	}
	return got.signature, nil
}
