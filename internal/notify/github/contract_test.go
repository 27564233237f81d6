package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The contract below is the GitHub REST API as its reference documents it
// (https://docs.github.com/en/rest, API version 2022-11-28):
//
//   - Every request: "Authorization: Bearer YOUR-TOKEN" (or "token
//     YOUR-TOKEN"), "Accept: application/vnd.github+json" (recommended),
//     "X-GitHub-Api-Version: 2022-11-28", and a User-Agent ("All API
//     requests must include a valid User-Agent header")
//     (https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api,
//     https://docs.github.com/en/rest/about-the-rest-api/api-versions,
//     https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api).
//   - Create an issue: POST /repos/{owner}/{repo}/issues with title
//     (required), body, assignee, milestone, labels, assignees, type;
//     201 with the issue (number, html_url)
//     (https://docs.github.com/en/rest/issues/issues#create-an-issue).
//   - Update an issue: PATCH /repos/{owner}/{repo}/issues/{issue_number};
//     state "open" or "closed", state_reason "completed", "not_planned",
//     "duplicate" or "reopened"; 200 with the issue
//     (https://docs.github.com/en/rest/issues/issues#update-an-issue).
//   - Create an issue comment: POST
//     /repos/{owner}/{repo}/issues/{issue_number}/comments with body
//     (required); 201 with the comment, whose html_url is the issue's page
//     with #issuecomment-{id}
//     (https://docs.github.com/en/rest/issues/comments#create-an-issue-comment).
//   - List repository issues: GET /repos/{owner}/{repo}/issues with state,
//     sort, direction, per_page; pull requests are listed too, with a
//     pull_request key (https://docs.github.com/en/rest/issues/issues#list-repository-issues).
//   - Rate limits: 403 or 429 with x-ratelimit-remaining 0 (wait until
//     x-ratelimit-reset, UTC epoch seconds), or a secondary rate limit
//     message (wait Retry-After seconds, else until x-ratelimit-reset,
//     else at least a minute)
//     (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
//   - Validation: 422 "Validation Failed"; body is at most 65536
//     characters, title 256.

const (
	testOwner = "example-org"
	testRepo  = "security-findings"
)

// fakeGitHub answers like GitHub's REST API and checks every request
// against the documented contract; a request that breaks it gets the 4xx
// GitHub would answer and fails the test.
type fakeGitHub struct {
	t      *testing.T
	srv    *notifytest.Server
	prefix string // "" for api.github.com, "/api/v3" for GitHub Enterprise Server
	list   string // the JSON of List repository issues
}

func newFakeGitHub(t *testing.T, prefix string) *fakeGitHub {
	f := &fakeGitHub{t: t, prefix: prefix, list: "[]"}
	f.srv = notifytest.NewServerFunc(t, f.answer)
	return f
}

// base is the base_url a destination is configured with.
func (f *fakeGitHub) base() string { return f.srv.URL + f.prefix + "/" }

func (f *fakeGitHub) issueJSON(number int, state, reason string) string {
	html := fmt.Sprintf("https://github.com/%s/%s/issues/%d", testOwner, testRepo, number)
	reasonJSON := "null"
	if reason != "" {
		reasonJSON = strconv.Quote(reason)
	}
	return fmt.Sprintf(`{"id":%d,"node_id":"I_kwDOexample","number":%d,"state":%q,"state_reason":%s,"title":"t","html_url":%q,"url":"%s/repos/%s/%s/issues/%d"}`,
		1000+number, number, state, reasonJSON, html, f.srv.URL, testOwner, testRepo, number)
}

func (f *fakeGitHub) answer(req notifytest.Request) notifytest.Response {
	t := f.t
	header := http.Header{
		"Content-Type":          {"application/json; charset=utf-8"},
		"X-Ratelimit-Limit":     {"5000"},
		"X-Ratelimit-Remaining": {"4999"},
		"X-Ratelimit-Reset":     {strconv.FormatInt(fixedNow().Add(time.Hour).Unix(), 10)},
		"X-Github-Media-Type":   {"github.v3; format=json"},
	}
	fail := func(status int, format string, args ...any) notifytest.Response {
		t.Errorf("%s %s: "+format, append([]any{req.Method, req.Path}, args...)...)
		return notifytest.Response{Status: status, Header: header, Body: fmt.Sprintf(`{"message":%q}`, fmt.Sprintf(format, args...))}
	}
	auth := req.Header.Get("Authorization")
	if auth != "Bearer "+testToken && auth != "token "+testToken {
		return fail(http.StatusUnauthorized, "Authorization %q; want Bearer <token>", auth)
	}
	if !strings.Contains(req.Header.Get("Accept"), "application/vnd.github+json") {
		return fail(http.StatusBadRequest, "Accept %q; want application/vnd.github+json", req.Header.Get("Accept"))
	}
	if v := req.Header.Get("X-Github-Api-Version"); v != "2022-11-28" {
		return fail(http.StatusBadRequest, "X-GitHub-Api-Version %q; want 2022-11-28", v)
	}
	if req.Header.Get("User-Agent") == "" {
		return fail(http.StatusForbidden, "no User-Agent")
	}
	issues := f.prefix + "/repos/" + testOwner + "/" + testRepo + "/issues"
	rest, ok := strings.CutPrefix(req.Path, issues)
	if !ok {
		return fail(http.StatusNotFound, "not an issues path of %s/%s", testOwner, testRepo)
	}
	switch {
	case req.Method == http.MethodGet && rest == "":
		q, _ := url.ParseQuery(req.RawQuery)
		if q.Get("state") != "all" || q.Get("sort") != "created" || q.Get("direction") != "desc" || q.Get("per_page") == "" {
			return fail(http.StatusBadRequest, "list query %q; want state=all&sort=created&direction=desc&per_page=N", req.RawQuery)
		}
		return notifytest.Response{Status: http.StatusOK, Header: header, Body: f.list}
	case req.Method == http.MethodPost && rest == "":
		body := f.decode(req, map[string]bool{"title": true, "body": true, "assignee": true, "milestone": true, "labels": true, "assignees": true, "type": true})
		title, _ := body["title"].(string)
		text, _ := body["body"].(string)
		switch {
		case title == "":
			return fail(http.StatusUnprocessableEntity, "title is required")
		case utf8.RuneCountInString(title) > MaxTitle:
			return fail(http.StatusUnprocessableEntity, "title is too long (maximum is 256 characters)")
		case utf8.RuneCountInString(text) > MaxBody:
			return fail(http.StatusUnprocessableEntity, "body is too long (maximum is 65536 characters)")
		}
		f.checkStrings(body, "labels")
		f.checkStrings(body, "assignees")
		header.Set("Location", fmt.Sprintf("%s/repos/%s/%s/issues/12", f.srv.URL, testOwner, testRepo))
		return notifytest.Response{Status: http.StatusCreated, Header: header, Body: f.issueJSON(12, "open", "")}
	case req.Method == http.MethodPatch && rest == "/12":
		body := f.decode(req, map[string]bool{"title": true, "body": true, "assignee": true, "state": true, "state_reason": true, "milestone": true, "labels": true, "assignees": true, "type": true})
		state, _ := body["state"].(string)
		reason, _ := body["state_reason"].(string)
		if state != "open" && state != "closed" {
			return fail(http.StatusUnprocessableEntity, "state %q is not open or closed", state)
		}
		if !slices.Contains([]string{"completed", "not_planned", "duplicate", "reopened"}, reason) {
			return fail(http.StatusUnprocessableEntity, "state_reason %q is not one GitHub documents", reason)
		}
		return notifytest.Response{Status: http.StatusOK, Header: header, Body: f.issueJSON(12, state, reason)}
	case req.Method == http.MethodPost && rest == "/12/comments":
		body := f.decode(req, map[string]bool{"body": true})
		text, _ := body["body"].(string)
		if text == "" || utf8.RuneCountInString(text) > MaxBody {
			return fail(http.StatusUnprocessableEntity, "comment body is empty or too long")
		}
		return notifytest.Response{Status: http.StatusCreated, Header: header, Body: fmt.Sprintf(
			`{"id":1081119451,"node_id":"IC_kwDOexample","body":"…","html_url":"https://github.com/%s/%s/issues/12#issuecomment-1081119451","issue_url":"%s/repos/%s/%s/issues/12"}`,
			testOwner, testRepo, f.srv.URL, testOwner, testRepo)}
	}
	return notifytest.Response{Status: http.StatusNotFound, Header: header,
		Body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
}

// decode reads a JSON request body, failing the test on anything the
// endpoint does not document.
func (f *fakeGitHub) decode(req notifytest.Request, documented map[string]bool) map[string]any {
	f.t.Helper()
	if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.t.Errorf("%s %s: Content-Type %q, want application/json", req.Method, req.Path, ct)
	}
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(req.Body))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		f.t.Errorf("%s %s: body is not a JSON object: %v", req.Method, req.Path, err)
	}
	for key := range body {
		if !documented[key] {
			f.t.Errorf("%s %s: parameter %q is not documented", req.Method, req.Path, key)
		}
	}
	return body
}

// checkStrings checks that key, when present, is an array of strings.
func (f *fakeGitHub) checkStrings(body map[string]any, key string) {
	v, ok := body[key]
	if !ok {
		return
	}
	list, ok := v.([]any)
	if !ok {
		f.t.Errorf("%s is %T, want an array of strings", key, v)
		return
	}
	for _, item := range list {
		if _, ok := item.(string); !ok {
			f.t.Errorf("%s holds %T, want strings", key, item)
		}
	}
}

// newTestNotifier builds the destination against the API at base.
func newTestNotifier(t *testing.T, base string, env notify.Env) *Notifier {
	t.Helper()
	n, err := New("github-security", testConfig(base), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// call is a request the fake received, for comparing sequences.
type call struct{ method, path string }

func calls(reqs []notifytest.Request) []call {
	out := make([]call, len(reqs))
	for i, r := range reqs {
		out[i] = call{r.Method, r.Path}
	}
	return out
}

func TestContractCreateIssue(t *testing.T) {
	for _, prefix := range []string{"", "/api/v3"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			api := newFakeGitHub(t, prefix)
			env, _ := notifytest.NewEnv(t)
			n := newTestNotifier(t, api.base(), env)
			rc, err := n.Notify(context.Background(), sampleNamed(t, "new-rds1"))
			if err != nil {
				t.Fatal(err)
			}
			if want := (notify.Receipt{ID: "12", URL: "https://github.com/example-org/security-findings/issues/12"}); rc != want {
				t.Errorf("receipt %+v, want %+v", rc, want)
			}
			reqs := api.srv.Requests()
			issues := prefix + "/repos/example-org/security-findings/issues"
			if want := []call{{"GET", issues}, {"POST", issues}}; !slices.Equal(calls(reqs), want) {
				t.Fatalf("requests %v, want %v", calls(reqs), want)
			}
			var sent struct {
				Title     string   `json:"title"`
				Body      string   `json:"body"`
				Labels    []string `json:"labels"`
				Assignees []string `json:"assignees"`
			}
			if err := json.Unmarshal(reqs[1].Body, &sent); err != nil {
				t.Fatal(err)
			}
			if sent.Title != "[Critical] RDS.1 RDS snapshot should be private" {
				t.Errorf("title %q", sent.Title)
			}
			if !slices.Equal(sent.Labels, []string{"severity:critical", "security-hub", "triage"}) {
				t.Errorf("labels %q", sent.Labels)
			}
			if !slices.Equal(sent.Assignees, []string{"octocat"}) {
				t.Errorf("assignees %q", sent.Assignees)
			}
			for _, want := range []string{"https://docs.aws.amazon.com/console/securityhub/RDS.1/remediation", Marker("delivery-rds1")} {
				if !strings.Contains(sent.Body, want) {
					t.Errorf("body lacks %q:\n%s", want, sent.Body)
				}
			}
		})
	}
}

func TestContractFollowUps(t *testing.T) {
	issues := "/repos/example-org/security-findings/issues"
	issueURL := "https://github.com/example-org/security-findings/issues/12"
	tests := []struct {
		sample  string
		want    []call
		state   string // the PATCH body, when one is sent
		receipt notify.Receipt
	}{
		{"reminder", []call{{"POST", issues + "/12/comments"}}, "", notify.Receipt{ID: "12", URL: issueURL}},
		{"digest-comment", []call{{"POST", issues + "/12/comments"}}, "", notify.Receipt{ID: "12", URL: issueURL}},
		{"resolved", []call{{"PATCH", issues + "/12"}, {"POST", issues + "/12/comments"}},
			`{"state":"closed","state_reason":"completed"}`, notify.Receipt{ID: "12", URL: issueURL}},
		{"reopened", []call{{"PATCH", issues + "/12"}, {"POST", issues + "/12/comments"}},
			`{"state":"open","state_reason":"reopened"}`, notify.Receipt{ID: "12", URL: issueURL}},
		{"resolved-without-issue", nil, "", notify.Receipt{}},
		{"reopened-without-issue", []call{{"GET", issues}, {"POST", issues}}, "", notify.Receipt{ID: "12", URL: issueURL}},
		{"digest", []call{{"GET", issues}, {"POST", issues}}, "", notify.Receipt{ID: "12", URL: issueURL}},
		{"test", []call{{"GET", issues}, {"POST", issues}}, "", notify.Receipt{ID: "12", URL: issueURL}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			api := newFakeGitHub(t, "")
			env, logs := notifytest.NewEnv(t)
			n := newTestNotifier(t, api.base(), env)
			rc, err := n.Notify(context.Background(), sampleNamed(t, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if rc != tt.receipt {
				t.Errorf("receipt %+v, want %+v", rc, tt.receipt)
			}
			reqs := api.srv.Requests()
			if !slices.Equal(calls(reqs), tt.want) {
				t.Fatalf("requests %v, want %v", calls(reqs), tt.want)
			}
			if tt.state != "" && strings.TrimSpace(string(reqs[0].Body)) != tt.state {
				t.Errorf("PATCH body %s, want %s", reqs[0].Body, tt.state)
			}
			if tt.want == nil && !strings.Contains(logs.String(), "no issue to close") {
				t.Errorf("skipping the resolved finding is not logged:\n%s", logs)
			}
		})
	}
}

// TestContractRetryFindsIssueOfInterruptedAttempt: the first attempt timed
// out after GitHub created the issue; the retry finds it by its marker and
// creates no second one. The search runs on every attempt, so also when
// the queue says the delivery was tried before (Attempt > 1) and when it
// does not know (0).
func TestContractRetryFindsIssueOfInterruptedAttempt(t *testing.T) {
	for _, attempt := range []int{0, 1, 2, 7} {
		t.Run(fmt.Sprintf("attempt %d", attempt), func(t *testing.T) {
			api := newFakeGitHub(t, "")
			m := *sampleNamed(t, "new-rds1")
			m.Attempt = attempt
			if !strings.Contains(Marker(m.Key), notify.Marker(m.Key)) {
				t.Fatalf("Marker(%q) = %q does not carry notify.Marker", m.Key, Marker(m.Key))
			}
			marked, _ := json.Marshal(map[string]any{
				"number": 41, "html_url": "https://github.com/example-org/security-findings/issues/41", "state": "open",
				"body": "## earlier text\n\n" + Marker(m.Key),
			})
			pull, _ := json.Marshal(map[string]any{
				"number": 42, "html_url": "https://github.com/example-org/security-findings/pull/42", "state": "open",
				"body": Marker(m.Key), "pull_request": map[string]any{"url": "https://api.github.com/repos/example-org/security-findings/pulls/42"},
			})
			other, _ := json.Marshal(map[string]any{"number": 40, "html_url": "https://github.com/x", "body": Marker("another-delivery")})
			api.list = "[" + string(pull) + "," + string(marked) + "," + string(other) + "]"
			env, _ := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, api.base(), env).Notify(context.Background(), &m)
			if err != nil {
				t.Fatal(err)
			}
			if want := (notify.Receipt{ID: "41", URL: "https://github.com/example-org/security-findings/issues/41"}); rc != want {
				t.Errorf("receipt %+v, want %+v (the marked issue, not the pull request)", rc, want)
			}
			if got := calls(api.srv.Requests()); len(got) != 1 || got[0].method != "GET" {
				t.Errorf("requests %v; want only the list", got)
			}
		})
	}
}

// TestContractRetryCreatesWhenNoIssueCarriesTheMarker: a retry whose
// earlier attempt failed before GitHub acted finds no marked issue and
// creates one, whose body ends with the delivery's marker.
func TestContractRetryCreatesWhenNoIssueCarriesTheMarker(t *testing.T) {
	api := newFakeGitHub(t, "")
	m := *sampleNamed(t, "new-rds1")
	m.Attempt = 3
	other, _ := json.Marshal(map[string]any{"number": 40, "html_url": "https://github.com/x", "body": Marker("another-delivery")})
	api.list = "[" + string(other) + "]"
	env, _ := notifytest.NewEnv(t)
	if _, err := newTestNotifier(t, api.base(), env).Notify(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	reqs := api.srv.Requests()
	if got := calls(reqs); len(got) != 2 || got[0].method != "GET" || got[1].method != "POST" {
		t.Fatalf("requests %v; want the list, then the create", got)
	}
	var body struct{ Body string }
	if err := json.Unmarshal(reqs[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(body.Body, Marker(m.Key)) || !notify.HasMarker(body.Body, notify.Marker(m.Key)) {
		t.Errorf("the body does not end with the marker %s", Marker(m.Key))
	}
}

// TestContractIssueGone: the issue of Previous was deleted; a reminder
// opens a new issue, a resolved finding needs nothing.
func TestContractIssueGone(t *testing.T) {
	issues := "/repos/example-org/security-findings/issues"
	for _, tt := range []struct {
		sample  string
		status  int
		want    []call
		receipt notify.Receipt
	}{
		{"reminder", http.StatusNotFound, []call{{"POST", issues + "/12/comments"}, {"GET", issues}, {"POST", issues}},
			notify.Receipt{ID: "12", URL: "https://github.com/example-org/security-findings/issues/12"}},
		{"reopened", http.StatusGone, []call{{"PATCH", issues + "/12"}, {"GET", issues}, {"POST", issues}},
			notify.Receipt{ID: "12", URL: "https://github.com/example-org/security-findings/issues/12"}},
		{"resolved", http.StatusGone, []call{{"PATCH", issues + "/12"}}, notify.Receipt{}},
	} {
		t.Run(tt.sample, func(t *testing.T) {
			api := newFakeGitHub(t, "")
			var answered atomic.Bool
			srv := notifytest.NewServerFunc(t, func(req notifytest.Request) notifytest.Response {
				if !answered.Swap(true) {
					return notifytest.Response{Status: tt.status, Body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment"}`}
				}
				return api.answer(req)
			})
			api.srv = srv
			env, _ := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, srv.URL+"/", env).Notify(context.Background(), sampleNamed(t, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if rc != tt.receipt {
				t.Errorf("receipt %+v, want %+v", rc, tt.receipt)
			}
			if got := calls(srv.Requests()); !slices.Equal(got, tt.want) {
				t.Errorf("requests %v, want %v", got, tt.want)
			}
		})
	}
}

// TestContractResolvedIssueNotFound: a 404 may mean the token cannot see
// the repository, so closing fails instead of being skipped.
func TestContractResolvedIssueNotFound(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: http.StatusNotFound, Body: `{"message":"Not Found"}`})
	env, _ := notifytest.NewEnv(t)
	_, err := newTestNotifier(t, srv.URL+"/", env).Notify(context.Background(), sampleNamed(t, "resolved"))
	notifytest.CheckError(t, err, false, 0)
	if got := calls(srv.Requests()); len(got) != 1 {
		t.Errorf("requests %v; want the one PATCH", got)
	}
}

// TestContractCommentFailsAfterClose: the issue was closed but the
// comment failed; the error comes with the issue's receipt.
func TestContractCommentFailsAfterClose(t *testing.T) {
	api := newFakeGitHub(t, "")
	srv := notifytest.NewServerFunc(t, func(req notifytest.Request) notifytest.Response {
		if strings.HasSuffix(req.Path, "/comments") {
			return notifytest.Response{Status: http.StatusBadGateway, Body: "bad gateway"}
		}
		return api.answer(req)
	})
	api.srv = srv
	env, _ := notifytest.NewEnv(t)
	rc, err := newTestNotifier(t, srv.URL+"/", env).Notify(context.Background(), sampleNamed(t, "resolved"))
	notifytest.CheckError(t, err, true, 0)
	if rc.ID != "12" {
		t.Errorf("receipt %+v; want the closed issue's", rc)
	}
}

// retryCases are notifytest's standard failures with GitHub's documented
// waits, and GitHub's own rate-limit answers.
func retryCases() []notifytest.RetryCase {
	var cases []notifytest.RetryCase
	for _, c := range notifytest.RetryCases() {
		switch c.Name {
		case "429 without retry-after", "429 retry-after malformed":
			// GitHub: "Otherwise, wait for at least one minute before retrying."
			c.RetryAfter = DefaultRateLimitWait
		}
		cases = append(cases, c)
	}
	reset := strconv.FormatInt(fixedNow().Add(125*time.Second).Unix(), 10)
	primary := http.Header{"X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Used": {"5000"}, "X-Ratelimit-Reset": {reset}}
	primaryBody := `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`
	secondaryBody := `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	return append(cases,
		notifytest.RetryCase{Name: "403 primary rate limit", Response: notifytest.Response{Status: 403, Header: primary, Body: primaryBody},
			Retryable: true, RetryAfter: 125 * time.Second},
		notifytest.RetryCase{Name: "429 primary rate limit", Response: notifytest.Response{Status: 429, Header: primary, Body: primaryBody},
			Retryable: true, RetryAfter: 125 * time.Second},
		notifytest.RetryCase{Name: "403 primary rate limit without reset", Response: notifytest.Response{Status: 403,
			Header: http.Header{"X-Ratelimit-Remaining": {"0"}}, Body: primaryBody}, Retryable: true, RetryAfter: DefaultRateLimitWait},
		notifytest.RetryCase{Name: "403 secondary rate limit with retry-after", Response: notifytest.Response{Status: 403,
			Header: http.Header{"Retry-After": {"42"}}, Body: secondaryBody}, Retryable: true, RetryAfter: 42 * time.Second},
		notifytest.RetryCase{Name: "403 secondary rate limit with remaining 0", Response: notifytest.Response{Status: 403,
			Header: primary, Body: secondaryBody}, Retryable: true, RetryAfter: 125 * time.Second},
		notifytest.RetryCase{Name: "403 secondary rate limit without headers", Response: notifytest.Response{Status: 403, Body: secondaryBody},
			Retryable: true, RetryAfter: DefaultRateLimitWait},
		notifytest.RetryCase{Name: "403 secondary rate limit named only in the message", Response: notifytest.Response{Status: 403,
			Body: `{"message":"You have triggered an abuse detection mechanism and have been temporarily blocked from content creation (secondary rate limit)."}`},
			Retryable: true, RetryAfter: DefaultRateLimitWait},
		notifytest.RetryCase{Name: "403 not allowed", Response: notifytest.Response{Status: 403,
			Body: `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"403"}`}},
		notifytest.RetryCase{Name: "410 issues disabled", Response: notifytest.Response{Status: 410,
			Body: `{"message":"Issues are disabled for this repo","documentation_url":"https://docs.github.com/v3/issues/"}`}},
		notifytest.RetryCase{Name: "422 validation failed", Response: notifytest.Response{Status: 422,
			Body: `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","field":"body","message":"body is too long (maximum is 65536 characters)"}]}`}},
		notifytest.RetryCase{Name: "301 moved permanently", Response: notifytest.Response{Status: 301,
			Header: http.Header{"Location": {"/repositories/42/issues"}}, Body: `{"message":"Moved Permanently"}`}},
		notifytest.RetryCase{Name: "2xx that does not decode", Response: notifytest.Response{Status: 200, Body: "<html>login</html>"}},
	)
}

func TestCheckRetry(t *testing.T) {
	build := func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, base+"/", env)
	}
	for _, s := range []string{"new-rds1", "reminder", "resolved"} {
		t.Run(s, func(t *testing.T) {
			cases := retryCases()
			if s == "resolved" {
				// 410 Gone means the issue was deleted: nothing is left
				// to close (TestContractIssueGone).
				cases = slices.DeleteFunc(cases, func(c notifytest.RetryCase) bool { return c.Response.Status == http.StatusGone })
			}
			notifytest.CheckRetry(t, build, sampleNamed(t, s), cases...)
		})
	}
}

func TestCheckNoSecretLeak(t *testing.T) {
	build := func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, base+"/", env)
	}
	for _, s := range []string{"new-rds1", "reminder"} {
		t.Run(s, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, build, sampleNamed(t, s), testToken)
		})
	}
}

// TestTokenStaysOnTheAPIHost: a redirect to another host is not followed,
// so the other host never sees the request or the token.
func TestTokenStaysOnTheAPIHost(t *testing.T) {
	elsewhere := notifytest.NewServer(t, notifytest.Response{Status: 201, Body: `{"number":99}`})
	api := notifytest.NewServer(t, notifytest.Response{Status: http.StatusTemporaryRedirect,
		Header: http.Header{"Location": {elsewhere.URL + "/repos/example-org/security-findings/issues"}}})
	env, _ := notifytest.NewEnv(t)
	_, err := newTestNotifier(t, api.URL+"/", env).Notify(context.Background(), sampleNamed(t, "reminder"))
	notifytest.CheckError(t, err, false, 0)
	if n := len(elsewhere.Requests()); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
	if !strings.Contains(err.Error(), "redirect") {
		t.Errorf("error %q does not say GitHub redirected", err)
	}
}

// TestSameHostRedirectKeepsMethod: GitHub answers 307 for a transferred
// repository; the request is repeated there with its method and token.
func TestSameHostRedirectKeepsMethod(t *testing.T) {
	api := newFakeGitHub(t, "")
	srv := notifytest.NewServerFunc(t, func(req notifytest.Request) notifytest.Response {
		if strings.HasPrefix(req.Path, "/repositories/") {
			req.Path = "/repos/example-org/security-findings/issues/12/comments"
			return api.answer(req)
		}
		return notifytest.Response{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {"/repositories/42/issues/12/comments"}}}
	})
	api.srv = srv
	env, _ := notifytest.NewEnv(t)
	rc, err := newTestNotifier(t, srv.URL+"/", env).Notify(context.Background(), sampleNamed(t, "reminder"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPost || len(reqs[1].Body) == 0 {
		t.Fatalf("redirected request %v; want the POST repeated with its body", calls(reqs))
	}
	if rc.ID != "12" {
		t.Errorf("receipt %+v", rc)
	}
}

func TestNotifyRejectsBadPrevious(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	srv := notifytest.NewServer(t)
	m := *sampleNamed(t, "reminder")
	m.Previous = &notify.Receipt{ID: "SEC-12"}
	_, err := newTestNotifier(t, srv.URL+"/", env).Notify(context.Background(), &m)
	notifytest.CheckError(t, err, false, 0)
	if !strings.Contains(err.Error(), `"SEC-12" is not a GitHub issue number`) {
		t.Errorf("error %q", err)
	}
	if len(srv.Requests()) != 0 {
		t.Error("a request was sent")
	}
}

// TestNotifyConcurrent: one Notifier serves many deliveries at once.
func TestNotifyConcurrent(t *testing.T) {
	api := newFakeGitHub(t, "")
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, api.base(), env)
	var wg sync.WaitGroup
	for _, name := range []string{"new-rds1", "reminder", "resolved", "reopened", "digest"} {
		m := sampleNamed(t, name)
		for range 8 {
			wg.Go(func() {
				if _, err := n.Notify(context.Background(), m); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}
