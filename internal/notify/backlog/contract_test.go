package backlog

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The contract below is Backlog API v2 as its reference documents it:
//
//   - Authentication: the API key goes in the apiKey query parameter of
//     every request
//     (https://developer.nulab.com/docs/backlog/getting-started/, "You can
//     also pass it as the apiKey query parameter").
//   - Add Issue: POST /api/v2/issues, Content-Type
//     application/x-www-form-urlencoded; projectId, summary, issueTypeId
//     and priorityId are required; categoryId[] and notifiedUserId[] are
//     repeated; custom fields are customField_{id}; the answer is 201 with
//     the issue, whose issueKey is "BLG-1"
//     (https://developer.nulab.com/docs/backlog/api/2/add-issue/).
//   - Add Comment: POST /api/v2/issues/:issueIdOrKey/comments with content
//     (https://developer.nulab.com/docs/backlog/api/2/add-comment/).
//   - Update Issue: PATCH /api/v2/issues/:issueIdOrKey, form-encoded, with
//     statusId, resolutionId and comment
//     (https://developer.nulab.com/docs/backlog/api/2/update-issue/).
//   - Statuses 1 Open … 4 Closed
//     (https://developer.nulab.com/docs/backlog/api/2/get-status-list/);
//     priorities 2 High, 3 Normal, 4 Low
//     (https://developer.nulab.com/docs/backlog/api/2/get-priority-list/).
//   - Errors: {"errors":[{"message","code","moreInfo"}]} with codes 1–13
//     (https://developer.nulab.com/docs/backlog/error-response/).
//   - Rate limit: 429 Too Many Requests; X-RateLimit-Limit,
//     X-RateLimit-Remaining and X-RateLimit-Reset (UTC epoch seconds) on
//     every answer; after a 429 send again one minute later
//     (https://developer.nulab.com/docs/backlog/rate-limit/).

// backlogAPI answers like Backlog: an issue for Add Issue and Update Issue,
// a comment for Add Comment, each with the rate-limit headers.
func backlogAPI(req notifytest.Request) notifytest.Response {
	header := http.Header{
		"Content-Type":          {"application/json;charset=utf-8"},
		"X-Ratelimit-Limit":     {"150"},
		"X-Ratelimit-Remaining": {"142"},
		"X-Ratelimit-Reset":     {strconv.FormatInt(fixedNow().Add(time.Minute).Unix(), 10)},
	}
	switch {
	case req.Method == http.MethodPost && req.Path == "/api/v2/issues":
		header.Set("Location", "https://example.backlog.jp/view/SEC-123")
		return notifytest.Response{Status: http.StatusCreated, Header: header,
			Body: `{"id":1,"projectId":12345,"issueKey":"SEC-123","keyId":123,"summary":"first issue","status":{"id":1,"name":"Open"}}`}
	case req.Method == http.MethodPost && strings.HasSuffix(req.Path, "/comments"):
		return notifytest.Response{Status: http.StatusCreated, Header: header,
			Body: `{"id":6586,"projectId":12345,"issueId":50,"content":"This is a comment","changeLog":null}`}
	case req.Method == http.MethodPatch && strings.HasPrefix(req.Path, "/api/v2/issues/"):
		return notifytest.Response{Status: http.StatusOK, Header: header,
			Body: `{"id":50,"projectId":12345,"issueKey":"SEC-12","status":{"id":4,"name":"Closed"}}`}
	}
	return notifytest.Response{Status: http.StatusNotFound, Header: header,
		Body: `{"errors":[{"message":"No such API.","code":6,"moreInfo":""}]}`}
}

// newTestNotifier builds the destination against a server at base.
func newTestNotifier(t *testing.T, base string, env notify.Env) notify.Notifier {
	t.Helper()
	n, err := New("backlog-system-a", testConfig(base), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkRequest asserts what every Backlog call must carry and returns its
// form.
func checkRequest(t *testing.T, got notifytest.Request, method, path string) url.Values {
	t.Helper()
	if got.Method != method || got.Path != path {
		t.Errorf("request %s %s, want %s %s", got.Method, got.Path, method, path)
	}
	query, err := url.ParseQuery(got.RawQuery)
	if err != nil {
		t.Fatalf("query %q: %v", got.RawQuery, err)
	}
	if len(query) != 1 || query.Get("apiKey") != testAPIKey {
		t.Errorf("query %q: want exactly the apiKey parameter", got.RawQuery)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q, want application/x-www-form-urlencoded", ct)
	}
	if auth := got.Header.Get("Authorization"); auth != "" {
		t.Errorf("Authorization header %q sent; Backlog API keys go in the query", auth)
	}
	if strings.Contains(string(got.Body), testAPIKey) {
		t.Error("the API key is in the body")
	}
	form, err := url.ParseQuery(string(got.Body))
	if err != nil {
		t.Fatalf("body is not form-encoded: %v", err)
	}
	return form
}

func TestContractAddIssue(t *testing.T) {
	srv := notifytest.NewServerFunc(t, backlogAPI)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, srv.URL, env)
	m := samples(t)[0].msg // a new HIGH control finding
	rc, err := n.Notify(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if want := (notify.Receipt{ID: "SEC-123", URL: srv.URL + "/view/SEC-123"}); rc != want {
		t.Errorf("receipt %+v, want %+v", rc, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	form := checkRequest(t, reqs[0], http.MethodPost, "/api/v2/issues")
	want := map[string][]string{
		"projectId":        {"12345"},
		"issueTypeId":      {"67890"},
		"priorityId":       {"2"}, // HIGH → 2 (High)
		"parentIssueId":    {"111"},
		"categoryId[]":     {"21", "22"},
		"notifiedUserId[]": {"31"},
		"customField_41":   {"Security Hub"},
		"customField_42":   {"5", "6"},
	}
	for key, values := range want {
		if !slices.Equal(form[key], values) {
			t.Errorf("%s = %q, want %q", key, form[key], values)
		}
	}
	for _, required := range []string{"projectId", "summary", "issueTypeId", "priorityId"} {
		if form.Get(required) == "" {
			t.Errorf("required parameter %s is missing", required)
		}
	}
	if s := form.Get("summary"); !strings.Contains(s, "EC2.8") {
		t.Errorf("summary %q does not name the finding", s)
	}
	if d := form.Get("description"); !strings.Contains(d, "https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation") {
		t.Errorf("description lacks the recommendation link:\n%s", d)
	}
	for key := range form {
		if !documentedAddIssueParam(key) {
			t.Errorf("parameter %q is not one Add Issue documents (Backlog answers 400 to unknown ones)", key)
		}
	}
}

// documentedAddIssueParam reports whether Add Issue documents key.
func documentedAddIssueParam(key string) bool {
	switch key {
	case "projectId", "summary", "parentIssueId", "description", "startDate", "dueDate",
		"estimatedHours", "actualHours", "issueTypeId", "categoryId[]", "versionId[]",
		"milestoneId[]", "priorityId", "assigneeId", "notifiedUserId[]", "attachmentId[]":
		return true
	}
	return strings.HasPrefix(key, "customField_")
}

func TestContractFollowUps(t *testing.T) {
	tests := []struct {
		sample      string
		method      string
		path        string
		wantForm    map[string]string // parameter → value ("*": any non-empty)
		wantReceipt notify.Receipt
	}{
		{"reminder", http.MethodPost, "/api/v2/issues/SEC-12/comments",
			map[string]string{"content": "*", "notifiedUserId[]": "31"},
			notify.Receipt{ID: "SEC-12", URL: "/view/SEC-12#comment-6586"}},
		{"digest-comment", http.MethodPost, "/api/v2/issues/SEC-12/comments",
			map[string]string{"content": "*", "notifiedUserId[]": "31"},
			notify.Receipt{ID: "SEC-12", URL: "/view/SEC-12#comment-6586"}},
		{"resolved", http.MethodPatch, "/api/v2/issues/SEC-12",
			map[string]string{"statusId": "4", "comment": "*"},
			notify.Receipt{ID: "SEC-12", URL: "/view/SEC-12"}},
		{"reopened", http.MethodPatch, "/api/v2/issues/SEC-12",
			map[string]string{"statusId": "1", "comment": "*"},
			notify.Receipt{ID: "SEC-12", URL: "/view/SEC-12"}},
		{"reopened-without-issue", http.MethodPost, "/api/v2/issues",
			map[string]string{"projectId": "12345", "priorityId": "2", "summary": "*", "description": "*"},
			notify.Receipt{ID: "SEC-123", URL: "/view/SEC-123"}},
		{"digest", http.MethodPost, "/api/v2/issues",
			map[string]string{"projectId": "12345", "priorityId": "2", "summary": "*", "description": "*"},
			notify.Receipt{ID: "SEC-123", URL: "/view/SEC-123"}},
	}
	all := map[string]*notify.Message{}
	for _, s := range samples(t) {
		all[s.name] = s.msg
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, backlogAPI)
			env, _ := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), all[tt.sample])
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantReceipt
			want.URL = srv.URL + want.URL
			if rc != want {
				t.Errorf("receipt %+v, want %+v", rc, want)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			form := checkRequest(t, reqs[0], tt.method, tt.path)
			for key, value := range tt.wantForm {
				got := form.Get(key)
				if (value == "*" && got == "") || (value != "*" && got != value) {
					t.Errorf("%s = %q, want %q", key, got, value)
				}
			}
		})
	}
}

func TestContractResolvedWithoutIssueSendsNothing(t *testing.T) {
	srv := notifytest.NewServerFunc(t, backlogAPI)
	env, logs := notifytest.NewEnv(t)
	var m *notify.Message
	for _, s := range samples(t) {
		if s.name == "resolved-without-issue" {
			m = s.msg
		}
	}
	rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), m)
	if err != nil || !rc.IsZero() {
		t.Fatalf("got %+v, %v; want an empty receipt and no error", rc, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
	if !strings.Contains(logs.String(), "nothing to do") {
		t.Errorf("the skip is not logged: %s", logs.String())
	}
}

// TestContractFailures covers Backlog's own failure answers: the error
// explains them and is classified by notify.
func TestContractFailures(t *testing.T) {
	reset := fixedNow().Add(42 * time.Second).Unix()
	tests := []struct {
		name       string
		resp       notifytest.Response
		retryable  bool
		retryAfter time.Duration
		wantText   string
	}{
		{"400 invalid request", notifytest.Response{Status: 400,
			Body: `{"errors":[{"message":"The Subject must be no shorter than 1 and no longer than 255.","code":7,"moreInfo":""}]}`},
			false, 0, "InvalidRequestError (code 7): The Subject must be no shorter than 1 and no longer than 255."},
		{"401 authentication", notifytest.Response{Status: 401,
			Body: `{"errors":[{"message":"Authentication failure.","code":11,"moreInfo":""}]}`},
			false, 0, "AuthenticationError (code 11): Authentication failure."},
		{"403 unauthorized operation", notifytest.Response{Status: 403,
			Body: `{"errors":[{"message":"You do not have permission.","code":5,"moreInfo":"https://example.invalid/more"}]}`},
			false, 0, "UnauthorizedOperationError (code 5): You do not have permission. (https://example.invalid/more)"},
		{"404 no project", notifytest.Response{Status: 404,
			Body: `{"errors":[{"message":"No project.","code":6,"moreInfo":""}]}`},
			false, 0, "NoResourceError (code 6): No project."},
		{"429 with X-RateLimit-Reset", notifytest.Response{Status: 429,
			Header: http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(reset, 10)}, "X-Ratelimit-Remaining": {"0"}},
			Body:   `{"errors":[{"message":"Rate limit exceeded.","code":13,"moreInfo":""}]}`},
			true, 42 * time.Second, "TooManyRequestsError (code 13)"},
		{"429 with Retry-After and X-RateLimit-Reset", notifytest.Response{Status: 429,
			Header: http.Header{"Retry-After": {"5"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset, 10)}}},
			true, 5 * time.Second, "HTTP 429"},
		{"429 with a reset in the past", notifytest.Response{Status: 429,
			Header: http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(fixedNow().Add(-time.Hour).Unix(), 10)}}},
			true, 0, "HTTP 429"},
		{"429 without any header", notifytest.Response{Status: 429},
			true, DefaultRateLimitWait, "HTTP 429"},
		{"500 internal error", notifytest.Response{Status: 500,
			Body: `{"errors":[{"message":"Internal error.","code":1,"moreInfo":""}]}`},
			true, 0, "InternalError (code 1): Internal error."},
		{"503 not JSON", notifytest.Response{Status: 503, Body: "<html>maintenance</html>"},
			true, 0, "<html>maintenance</html>"},
		{"201 without issueKey", notifytest.Response{Status: 201, Body: `{"id":1}`},
			false, 0, "names no issueKey"},
		{"201 not JSON", notifytest.Response{Status: 201, Body: `<html>`},
			false, 0, "not the JSON Backlog documents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, tt.resp)
			env, logs := notifytest.NewEnv(t)
			_, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), samples(t)[0].msg)
			notifytest.CheckError(t, err, tt.retryable, tt.retryAfter)
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "backlog: create issue: ") {
				t.Errorf("error %q does not say what failed", err)
			}
			if strings.Contains(err.Error()+logs.String(), testAPIKey) {
				t.Error("the API key leaked")
			}
		})
	}
}

// TestContractRetry runs notify's standard failure table, with the one
// difference Backlog documents: a 429 that gives no wait means one minute.
func TestContractRetry(t *testing.T) {
	var cases []notifytest.RetryCase
	for _, c := range notifytest.RetryCases() {
		if c.Response.Status == http.StatusTooManyRequests && c.Response.Header.Get("Retry-After") == "" {
			c.RetryAfter = DefaultRateLimitWait
		}
		cases = append(cases, c)
	}
	reset := notifytest.Now().Add(17 * time.Second).Unix()
	cases = append(cases,
		notifytest.RetryCase{
			Name:      "429 with X-RateLimit-Reset",
			Response:  notifytest.Response{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(reset, 10)}}},
			Retryable: true, RetryAfter: 17 * time.Second,
		},
		notifytest.RetryCase{
			Name:      "429 with a malformed X-RateLimit-Reset",
			Response:  notifytest.Response{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"soon"}}},
			Retryable: true, RetryAfter: DefaultRateLimitWait,
		},
		notifytest.RetryCase{
			Name:     "400 Backlog error",
			Response: notifytest.Response{Status: 400, Body: `{"errors":[{"message":"Invalid.","code":7,"moreInfo":""}]}`},
		},
	)
	for _, s := range samples(t) {
		if s.name == "resolved-without-issue" {
			continue // sends nothing
		}
		t.Run(s.name, func(t *testing.T) {
			notifytest.CheckRetry(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
				return newTestNotifier(t, base, env)
			}, s.msg, cases...)
		})
	}
}

func TestContractNoSecretLeak(t *testing.T) {
	for _, s := range samples(t) {
		if s.name == "resolved-without-issue" {
			continue // sends nothing, so it cannot fail
		}
		t.Run(s.name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
				return newTestNotifier(t, base, env)
			}, s.msg, testAPIKey)
		})
	}
}

func TestContractCancelledContext(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Hang: true})
	env, _ := notifytest.NewEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := newTestNotifier(t, srv.URL, env).Notify(ctx, samples(t)[0].msg)
	notifytest.CheckError(t, err, true, 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap the context's error", err)
	}
}

// TestContractRegistry builds the destination the way the program does,
// from YAML-like settings through notify.Typed.
func TestContractRegistry(t *testing.T) {
	srv := notifytest.NewServerFunc(t, backlogAPI)
	r := notify.NewRegistry()
	r.Register("backlog", notify.Typed(New))
	settings := notifytest.Settings(fmt.Sprintf(`{
		"space": %q, "api_key": %q, "project_id": 12345, "issue_type_id": 67890,
		"priorities": {"INFORMATIONAL": 3}, "custom_fields": {"41": "Security Hub", "42": [5, 6]},
		"language": "ja", "text_format": "markdown"
	}`, srv.URL, testAPIKey))
	if err := r.Check("backlog", settings); err != nil {
		t.Fatal(err)
	}
	env, _ := notifytest.NewEnv(t)
	n, err := r.New("backlog", "backlog-system-a", settings, env)
	if err != nil {
		t.Fatal(err)
	}
	m := notifytest.Message(t) // INFORMATIONAL control finding
	if _, err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	form := checkRequest(t, srv.Requests()[0], http.MethodPost, "/api/v2/issues")
	if got := form.Get("priorityId"); got != "3" {
		t.Errorf("priorityId %q, want 3 from the priorities setting", got)
	}
	if got := form["customField_42"]; !slices.Equal(got, []string{"5", "6"}) {
		t.Errorf("customField_42 = %q, want [5 6]", got)
	}
	if d := form.Get("description"); !strings.HasPrefix(d, "AWS Security Hubで以下が検出されました。") {
		t.Errorf("description is not Japanese:\n%s", d)
	}
}

// TestContractConcurrent shares one Notifier between goroutines, as the
// queue does; run with -race.
func TestContractConcurrent(t *testing.T) {
	srv := notifytest.NewServerFunc(t, backlogAPI)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, srv.URL, env)
	msgs := samples(t)
	errs := make(chan error, len(msgs)*4)
	for range 4 {
		for _, s := range msgs {
			go func() {
				_, err := n.Notify(context.Background(), s.msg)
				errs <- err
			}()
		}
	}
	for range len(msgs) * 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
