package email

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// sesMessageID is what the contract server answers as SES's MessageId.
const sesMessageID = "010601937f0a1b2c-3d4e5f60-7a8b-4c9d-8e0f-123456789abc-000000"

// sesAccepted is SendEmail's success answer.
var sesAccepted = notifytest.Response{
	Status: 200,
	Header: http.Header{"Content-Type": {"application/json"}, "X-Amzn-Requestid": {"5f2c0d3e-0000-4000-8000-000000000001"}},
	Body:   `{"MessageId":"` + sesMessageID + `"}`,
}

// buildSES builds an SES destination sending to baseURL with static
// credentials, for the notifytest contract checks.
func buildSES(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
	return newNotifier(t, testSESConfig(baseURL), env)
}

// sendEmailRequest is the SES v2 SendEmail request body as the API
// reference documents it
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html):
// POST /v2/email/outbound-emails with a JSON body whose Content holds
// Simple, Raw or Template content; Raw.Data is the base64 of the MIME
// message.
type sendEmailRequest struct {
	FromEmailAddress     string
	ConfigurationSetName string
	Destination          struct {
		ToAddresses, CcAddresses, BccAddresses []string
	}
	Content struct {
		Raw *struct {
			Data string
		}
		Simple   json.RawMessage
		Template json.RawMessage
	}
}

// authorizationPattern is a Signature Version 4 Authorization header for
// SES in ap-northeast-1
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
var authorizationPattern = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + testAccessKeyID +
	`/\d{8}/ap-northeast-1/ses/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`)

// TestSESContract sends a mail through the real AWS SDK to a contract
// server and checks the request the way the SES API reference documents
// it: method, path, Signature Version 4 authorization with the session
// token, the JSON body with raw content and the envelope, and the
// receipt taken from the answer.
func TestSESContract(t *testing.T) {
	srv := notifytest.NewServer(t, sesAccepted)
	env, _ := notifytest.NewEnv(t)
	rc, err := buildSES(t, srv.URL, env).Notify(t.Context(), samples(t)[0].msg)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Method != http.MethodPost || req.Path != "/v2/email/outbound-emails" {
		t.Errorf("request %s %s, want POST /v2/email/outbound-emails", req.Method, req.Path)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if auth := req.Header.Get("Authorization"); !authorizationPattern.MatchString(auth) {
		t.Errorf("Authorization %q is not a SigV4 header for ses in ap-northeast-1", auth)
	}
	if !strings.Contains(req.Header.Get("Authorization"), "x-amz-security-token") {
		t.Errorf("the session token is not signed: %q", req.Header.Get("Authorization"))
	}
	if tok := req.Header.Get("X-Amz-Security-Token"); tok != testSessionToken {
		t.Errorf("X-Amz-Security-Token %q, want the session token", tok)
	}
	if _, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date")); err != nil {
		t.Errorf("X-Amz-Date %q: %v", req.Header.Get("X-Amz-Date"), err)
	}

	var body sendEmailRequest
	dec := json.NewDecoder(strings.NewReader(string(req.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("body %s: %v", req.Body, err)
	}
	if body.FromEmailAddress != "alerts@example.com" || body.ConfigurationSetName != "hubrelay-alerts" {
		t.Errorf("FromEmailAddress %q ConfigurationSetName %q", body.FromEmailAddress, body.ConfigurationSetName)
	}
	d := body.Destination
	if !slices.Equal(d.ToAddresses, []string{"security@example.com", "oncall@example.com"}) ||
		!slices.Equal(d.CcAddresses, []string{"infosec@example.co.jp"}) ||
		!slices.Equal(d.BccAddresses, []string{"audit@example.com"}) {
		t.Errorf("Destination %+v", d)
	}
	if body.Content.Raw == nil || body.Content.Simple != nil || body.Content.Template != nil {
		t.Fatalf("Content must be Raw only: %s", req.Body)
	}
	raw, err := base64.StdEncoding.DecodeString(body.Content.Raw.Data)
	if err != nil {
		t.Fatalf("Raw.Data is not base64: %v", err)
	}
	p := parseMail(t, raw)
	own := p.header.Get("Message-ID")
	if p.header.Get("References") != own || p.header.Get("Bcc") != "" {
		t.Errorf("References %q (want the own Message-ID %q), Bcc %q", p.header.Get("References"), own, p.header.Get("Bcc"))
	}
	if !strings.HasPrefix(p.subject, "[Security Hub][Medium] ") {
		t.Errorf("Subject %q", p.subject)
	}
	if rc.ID != sesMessageID || rc.Thread != own {
		t.Errorf("receipt %+v, want ID %s and Thread %s", rc, sesMessageID, own)
	}
}

// TestSESThread checks that a reply after an SES delivery refers to the
// Message-ID the first mail listed in References.
func TestSESThread(t *testing.T) {
	srv := notifytest.NewServer(t, sesAccepted)
	env, _ := notifytest.NewEnv(t)
	n := buildSES(t, srv.URL, env)
	first := &notify.Message{Kind: notify.KindNew, Route: "r", Key: "episode-1", Finding: fixture(t, fxEC28).Finding}
	rc, err := n.Notify(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	reply := &notify.Message{Kind: notify.KindResolved, Route: "r", Key: "episode-1", Finding: fixture(t, fxEC28).Finding, Previous: &rc}
	if _, err := n.Notify(t.Context(), reply); err != nil {
		t.Fatal(err)
	}
	var body sendEmailRequest
	if err := json.Unmarshal(srv.Requests()[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(body.Content.Raw.Data)
	p := parseMail(t, raw)
	if p.header.Get("In-Reply-To") != rc.Thread || p.header.Get("References") != rc.Thread {
		t.Errorf("reply In-Reply-To %q References %q, want %q", p.header.Get("In-Reply-To"), p.header.Get("References"), rc.Thread)
	}
	if !strings.HasPrefix(p.subject, "Re: ") {
		t.Errorf("reply subject %q", p.subject)
	}
}

// TestSESRetry runs notify's standard failure table against SES, and the
// answers SES documents for SendEmail: TooManyRequestsException (429),
// sending quota and rate errors, and refusals that no retry can change.
func TestSESRetry(t *testing.T) {
	apiError := func(status int, code, msg string, header http.Header) notifytest.Response {
		h := http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {code}}
		for k, v := range header {
			h[k] = v
		}
		return notifytest.Response{Status: status, Header: h, Body: `{"message":"` + msg + `"}`}
	}
	cases := append(notifytest.RetryCases(),
		notifytest.RetryCase{Name: "429 TooManyRequestsException", Response: apiError(429, "TooManyRequestsException", "Too many requests", nil), Retryable: true},
		notifytest.RetryCase{Name: "429 TooManyRequestsException retry-after", Response: apiError(429, "TooManyRequestsException", "Too many requests", http.Header{"Retry-After": {"3"}}), Retryable: true, RetryAfter: 3 * time.Second},
		notifytest.RetryCase{Name: "400 Throttling maximum sending rate", Response: apiError(400, "Throttling", "Maximum sending rate exceeded.", nil), Retryable: true},
		notifytest.RetryCase{Name: "400 LimitExceededException daily quota", Response: apiError(400, "LimitExceededException", "Daily message quota exceeded.", nil), Retryable: true},
		notifytest.RetryCase{Name: "400 MessageRejected", Response: apiError(400, "MessageRejected", "Email address is not verified.", nil)},
		notifytest.RetryCase{Name: "400 MailFromDomainNotVerifiedException", Response: apiError(400, "MailFromDomainNotVerifiedException", "not verified", nil)},
		notifytest.RetryCase{Name: "400 AccountSuspendedException", Response: apiError(400, "AccountSuspendedException", "suspended", nil)},
		notifytest.RetryCase{Name: "200 unreadable answer", Response: notifytest.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"MessageId":`}},
	)
	notifytest.CheckRetry(t, buildSES, notifytest.Message(t), cases...)
}

// TestSESNoSecretLeak runs the shared secret-leak check: the secret
// access key and the session token never show in errors or logs.
func TestSESNoSecretLeak(t *testing.T) {
	notifytest.CheckNoSecretLeak(t, buildSES, notifytest.Message(t), testSecretAccessKey, testSessionToken)
}

// TestSESErrorNamesTheRefusal checks that a refused mail's error says why.
func TestSESErrorNamesTheRefusal(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{
		Status: 400,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {"MessageRejected"}},
		Body:   `{"message":"Email address is not verified. The following identities failed the check in region AP-NORTHEAST-1: alerts@example.com"}`,
	})
	env, _ := notifytest.NewEnv(t)
	_, err := buildSES(t, srv.URL, env).Notify(t.Context(), samples(t)[0].msg)
	notifytest.CheckError(t, err, false, 0)
	for _, want := range []string{"email: ses: send", "MessageRejected", "Email address is not verified"} {
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
