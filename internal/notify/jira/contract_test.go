package jira

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The contract below is the Jira REST API as Atlassian documents it:
//
//   - Authentication, Jira Cloud: HTTP Basic with the Atlassian account's
//     e-mail address and an API token, "Authorization: Basic
//     base64(email:api_token)"
//     (https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/).
//     Jira Server and Data Center 8.14+: "Authorization: Bearer <personal
//     access token>"
//     (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
//   - Create issue: POST /rest/api/3/issue (Cloud) or /rest/api/2/issue
//     (Server), Content-Type application/json, {"fields": {"project":
//     {"key"}, "issuetype": {"name"|"id"}, "summary", ...}}; the answer is
//     201 {"id", "key", "self"}
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post,
//     https://developer.atlassian.com/server/jira/platform/jira-rest-api-example-create-issue-7897248/).
//     In v3 rich-text fields are Atlassian Document Format
//     (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/):
//     {"type": "doc", "version": 1, "content": [...]}, text nodes at least
//     one character long; in v2 they are wiki markup strings.
//   - Add comment: POST /rest/api/{2|3}/issue/{issueIdOrKey}/comment with
//     {"body": ...}, answered 201 with the comment
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post).
//   - Get transitions: GET /rest/api/{2|3}/issue/{issueIdOrKey}/transitions,
//     {"transitions": [{"id", "name", "to": {"name", "statusCategory":
//     {"key"}}}]}; Transition issue: POST to the same path with
//     {"transition": {"id"}} (and "fields"), answered 204
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post).
//   - Errors: {"errorMessages": [...], "errors": {field: message}}
//     (ErrorCollection in the reference), 400/401/403/404 for requests Jira
//     refuses.
//   - Rate limits (Jira Cloud): 429 with Retry-After (seconds) and
//     X-RateLimit-Reset (ISO 8601, yyyy-MM-ddTHH:mmZ); some 5xx answers carry
//     Retry-After too
//     (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/).

// offeredTransitions is a Get transitions answer of Jira's default
// software workflow.
const offeredTransitions = `{"expand":"transitions","transitions":[
 {"id":"11","name":"To Do","hasScreen":false,"to":{"name":"To Do","id":"10000","statusCategory":{"id":2,"key":"new","name":"To Do"}}},
 {"id":"21","name":"In Progress","hasScreen":false,"to":{"name":"In Progress","id":"3","statusCategory":{"id":4,"key":"indeterminate","name":"In Progress"}}},
 {"id":"31","name":"Done","hasScreen":false,"to":{"name":"Done","id":"10001","statusCategory":{"id":3,"key":"done","name":"Done"}}}]}`

// jiraAPI answers like Jira: created issues and comments, the default
// workflow's transitions, 204 to a transition, the issue's status, and
// Jira's 404 for anything else.
func jiraAPI(status string) func(notifytest.Request) notifytest.Response {
	return func(req notifytest.Request) notifytest.Response {
		header := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
		v, rest, ok := apiPath(req.Path)
		switch {
		case ok && req.Method == http.MethodPost && rest == "issue":
			return notifytest.Response{Status: http.StatusCreated, Header: header,
				Body: fmt.Sprintf(`{"id":"10123","key":"SEC-123","self":"https://example.atlassian.net/rest/api/%s/issue/10123"}`, v)}
		case ok && req.Method == http.MethodPost && strings.HasSuffix(rest, "/comment"):
			return notifytest.Response{Status: http.StatusCreated, Header: header,
				Body: `{"id":"10200","self":"https://example.atlassian.net/rest/api/3/issue/10010/comment/10200","created":"2026-01-02T03:04:05.000+0000"}`}
		case ok && req.Method == http.MethodGet && strings.HasSuffix(rest, "/transitions"):
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: offeredTransitions}
		case ok && req.Method == http.MethodPost && strings.HasSuffix(rest, "/transitions"):
			return notifytest.Response{Status: http.StatusNoContent}
		case ok && req.Method == http.MethodGet && strings.HasPrefix(rest, "issue/") && req.RawQuery == "fields=status":
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: status}
		}
		return notifytest.Response{Status: http.StatusNotFound, Header: header,
			Body: `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`}
	}
}

// apiPath splits /rest/api/{v}/rest into v and rest.
func apiPath(path string) (version, rest string, ok bool) {
	tail, found := strings.CutPrefix(path, "/rest/api/")
	if !found {
		return "", "", false
	}
	version, rest, ok = strings.Cut(tail, "/")
	return version, rest, ok && (version == "2" || version == "3")
}

const statusToDo = `{"id":"10010","key":"SEC-12","fields":{"status":{"name":"To Do","statusCategory":{"key":"new"}}}}`

// newTestNotifier builds the Cloud destination against a server at base.
func newTestNotifier(t *testing.T, base string, env notify.Env) notify.Notifier {
	t.Helper()
	n, err := New("jira-sec", testConfig(base), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// newServerNotifier builds the Data Center destination against base.
func newServerNotifier(t *testing.T, base string, env notify.Env) notify.Notifier {
	t.Helper()
	n, err := New("jira-dc", serverConfig(base), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkCall asserts what every Jira call must carry and returns its decoded
// JSON body (nil when it has none).
func checkCall(t *testing.T, got notifytest.Request, method, path, auth string) map[string]any {
	t.Helper()
	if got.Method != method || got.Path != path {
		t.Errorf("request %s %s, want %s %s", got.Method, got.Path, method, path)
	}
	if a := got.Header.Get("Authorization"); a != auth {
		t.Errorf("Authorization %q, want %q", a, auth)
	}
	if accept := got.Header.Get("Accept"); accept != "application/json" {
		t.Errorf("Accept %q, want application/json", accept)
	}
	if len(got.Body) == 0 {
		if method == http.MethodPost {
			t.Errorf("%s %s has no body", method, path)
		}
		return nil
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, got.Body)
	}
	for _, secret := range []string{testAPIToken, testPAT} {
		if strings.Contains(string(got.Body), secret) {
			t.Error("a token is in the body")
		}
	}
	return body
}

// checkIssueBody asserts the fields Create issue requires, and a valid
// rich text for the version.
func checkIssueBody(t *testing.T, body map[string]any, version int) map[string]any {
	t.Helper()
	fields, ok := body["fields"].(map[string]any)
	if !ok {
		t.Fatalf("no fields object: %v", body)
	}
	project, _ := fields["project"].(map[string]any)
	if project["key"] != "SEC" {
		t.Errorf("fields.project = %v, want {key: SEC}", fields["project"])
	}
	issueType, _ := fields["issuetype"].(map[string]any)
	if name, id := issueType["name"], issueType["id"]; (name == nil) == (id == nil) {
		t.Errorf("fields.issuetype = %v, want a name or an id", fields["issuetype"])
	}
	summary, _ := fields["summary"].(string)
	if summary == "" || strings.ContainsAny(summary, "\r\n") || utf16Len(summary) > MaxSummary {
		t.Errorf("fields.summary %q must be one line of 1 to %d characters", summary, MaxSummary)
	}
	checkRichText(t, "fields.description", fields["description"], version)
	return fields
}

// checkRichText asserts a description or comment body: an ADF document for
// v3, a string for v2.
func checkRichText(t *testing.T, where string, text any, version int) {
	t.Helper()
	if version == 2 {
		if s, ok := text.(string); !ok || s == "" {
			t.Errorf("%s = %v, want wiki markup text", where, text)
		}
		return
	}
	for _, e := range checkADF(text) {
		t.Errorf("%s: invalid ADF: %s", where, e)
	}
}

var (
	basicAuth  = "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+":"+testAPIToken))
	bearerAuth = "Bearer " + testPAT
)

func TestContractCreateIssue(t *testing.T) {
	tests := []struct {
		name    string
		build   func(*testing.T, string, notify.Env) notify.Notifier
		version int
		auth    string
		want    map[string]any // fields beyond the required ones
	}{
		{"cloud v3", newTestNotifier, 3, basicAuth, map[string]any{
			"priority":          map[string]any{"name": "High"}, // HIGH → High
			"labels":            []any{"security-hub", "aws_findings"},
			"components":        []any{map[string]any{"name": "Cloud Security"}},
			"customfield_10010": "hubrelay",
			"customfield_10020": map[string]any{"value": "Production"},
		}},
		{"data center v2", newServerNotifier, 2, bearerAuth, map[string]any{
			"issuetype": map[string]any{"id": "10004"},
			"priority":  map[string]any{"name": "Major"},
			"labels":    []any{"security-hub"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, jiraAPI(statusToDo))
			env, logs := notifytest.NewEnv(t)
			rc, err := tt.build(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, "new-ec2.8"))
			if err != nil {
				t.Fatal(err)
			}
			if want := (notify.Receipt{ID: "SEC-123", URL: srv.URL + "/browse/SEC-123"}); rc != want {
				t.Errorf("receipt %+v, want %+v", rc, want)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			body := checkCall(t, reqs[0], http.MethodPost, fmt.Sprintf("/rest/api/%d/issue", tt.version), tt.auth)
			fields := checkIssueBody(t, body, tt.version)
			for key, want := range tt.want {
				if got := fields[key]; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("fields.%s = %v, want %v", key, got, want)
				}
			}
			if s := fields["summary"].(string); !strings.Contains(s, "EC2.8") {
				t.Errorf("summary %q does not name the finding", s)
			}
			if !strings.Contains(string(reqs[0].Body), "https://docs.aws.amazon.com/console/securityhub/EC2.8/remediation") {
				t.Error("the description lacks the recommendation link")
			}
			if !strings.Contains(logs.String(), `"issue_key":"SEC-123"`) {
				t.Errorf("the new issue is not logged: %s", logs.String())
			}
		})
	}
}

func TestContractFollowUps(t *testing.T) {
	comment := func(v int) string { return fmt.Sprintf("/rest/api/%d/issue/SEC-12/comment", v) }
	transitions := func(v int) string { return fmt.Sprintf("/rest/api/%d/issue/SEC-12/transitions", v) }
	type call struct {
		method, path string
		check        func(*testing.T, map[string]any)
	}
	transitionTo := func(id string, resolution bool) func(*testing.T, map[string]any) {
		return func(t *testing.T, body map[string]any) {
			tr, _ := body["transition"].(map[string]any)
			if tr["id"] != id {
				t.Errorf("transition %v, want id %s", body["transition"], id)
			}
			fields, _ := body["fields"].(map[string]any)
			if got := fmt.Sprint(fields["resolution"]); resolution != (got == "map[name:Done]") {
				t.Errorf("fields %v: resolution sent = %v, want %v", body["fields"], got == "map[name:Done]", resolution)
			}
		}
	}
	commentBody := func(version int) func(*testing.T, map[string]any) {
		return func(t *testing.T, body map[string]any) { checkRichText(t, "body", body["body"], version) }
	}
	tests := []struct {
		sample  string
		version int
		status  string
		calls   []call
		receipt string
	}{
		{"reminder", 3, statusToDo, []call{{"POST", comment(3), commentBody(3)}}, "SEC-12"},
		{"digest-comment", 3, statusToDo, []call{{"POST", comment(3), commentBody(3)}}, "SEC-12"},
		{"resolved", 3, statusToDo, []call{
			{"GET", transitions(3), nil},
			{"POST", transitions(3), transitionTo("31", true)},
			{"POST", comment(3), commentBody(3)},
		}, "SEC-12"},
		{"reopened", 3, statusToDo, []call{
			{"GET", transitions(3), nil},
			{"POST", transitions(3), transitionTo("11", false)},
			{"POST", comment(3), commentBody(3)},
		}, "SEC-12"},
		{"reopened-without-issue", 3, statusToDo, []call{{"POST", "/rest/api/3/issue", nil}}, "SEC-123"},
		{"digest", 3, statusToDo, []call{{"POST", "/rest/api/3/issue", func(t *testing.T, body map[string]any) {
			fields := checkIssueBody(t, body, 3)
			if p := fmt.Sprint(fields["priority"]); p != "map[name:Highest]" {
				t.Errorf("digest priority %s, want its most severe finding's (CRITICAL → Highest)", p)
			}
		}}}, "SEC-123"},
		{"reminder", 2, statusToDo, []call{{"POST", comment(2), commentBody(2)}}, "SEC-12"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("v%d %s", tt.version, tt.sample), func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, jiraAPI(tt.status))
			env, _ := notifytest.NewEnv(t)
			build, auth := newTestNotifier, basicAuth
			if tt.version == 2 {
				build, auth = newServerNotifier, bearerAuth
			}
			rc, err := build(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if want := (notify.Receipt{ID: tt.receipt, URL: srv.URL + "/browse/" + tt.receipt}); rc != want {
				t.Errorf("receipt %+v, want %+v", rc, want)
			}
			reqs := srv.Requests()
			if len(reqs) != len(tt.calls) {
				t.Fatalf("%d requests, want %d: %v", len(reqs), len(tt.calls), reqs)
			}
			for i, c := range tt.calls {
				body := checkCall(t, reqs[i], c.method, c.path, auth)
				if c.check != nil {
					c.check(t, body)
				}
			}
		})
	}
}

// TestContractTransitionNotOffered covers an issue closed (or reopened) by
// hand before the finding changed: the transition is not offered, the
// issue is already where it would lead, so only the comment is added. An
// issue elsewhere is a permanent error naming what the workflow offers.
func TestContractTransitionNotOffered(t *testing.T) {
	onlyInProgress := `{"transitions":[{"id":"21","name":"In Progress","to":{"name":"In Progress","statusCategory":{"key":"indeterminate"}}}]}`
	done := `{"fields":{"status":{"name":"Closed","statusCategory":{"key":"done"}}}}`
	open := `{"fields":{"status":{"name":"Open","statusCategory":{"key":"new"}}}}`
	tests := []struct {
		sample   string
		status   string
		wantErr  string
		requests int
	}{
		{"resolved", done, "", 3},
		{"reopened", open, "", 3},
		{"resolved", open, `offers no transition "Done"; offered: "In Progress" (→ "In Progress")`, 2},
		{"reopened", done, `offers no transition "To Do"`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.sample+" "+tt.status, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, func(req notifytest.Request) notifytest.Response {
				if req.Method == http.MethodGet && strings.HasSuffix(req.Path, "/transitions") {
					return notifytest.Response{Body: onlyInProgress}
				}
				return jiraAPI(tt.status)(req)
			})
			env, _ := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, tt.sample))
			if rc.ID != "SEC-12" {
				t.Errorf("receipt %+v does not name the issue", rc)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" {
				notifytest.CheckError(t, err, false, 0)
				if err != nil && !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantErr)
				}
			}
			reqs := srv.Requests()
			if len(reqs) != tt.requests {
				t.Fatalf("%d requests, want %d", len(reqs), tt.requests)
			}
			checkCall(t, reqs[1], http.MethodGet, "/rest/api/3/issue/SEC-12", basicAuth)
			if reqs[1].RawQuery != "fields=status" {
				t.Errorf("status query %q, want fields=status", reqs[1].RawQuery)
			}
			if tt.requests == 3 {
				checkCall(t, reqs[2], http.MethodPost, "/rest/api/3/issue/SEC-12/comment", basicAuth)
			}
		})
	}
}

// TestContractPartialFailure checks that a failure after the issue is known
// returns its receipt with the classified error, so a retry continues from
// it.
func TestContractPartialFailure(t *testing.T) {
	srv := notifytest.NewServerFunc(t, func(req notifytest.Request) notifytest.Response {
		if strings.HasSuffix(req.Path, "/comment") {
			return notifytest.Response{Status: 503, Header: http.Header{"Retry-After": {"12"}}}
		}
		return jiraAPI(statusToDo)(req)
	})
	env, _ := notifytest.NewEnv(t)
	rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, "resolved"))
	notifytest.CheckError(t, err, true, 12*time.Second)
	if rc.ID != "SEC-12" || !strings.HasSuffix(rc.URL, "/browse/SEC-12") {
		t.Errorf("receipt %+v, want the issue SEC-12", rc)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "jira: add comment on SEC-12: ") {
		t.Errorf("error %q does not say what failed", err)
	}
}

func TestContractResolvedWithoutIssueSendsNothing(t *testing.T) {
	srv := notifytest.NewServerFunc(t, jiraAPI(statusToDo))
	env, logs := notifytest.NewEnv(t)
	rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, "resolved-without-issue"))
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

// TestContractFailures covers Jira's own failure answers: the error explains
// them and is classified by notify.
func TestContractFailures(t *testing.T) {
	reset := notifytest.Now().Add(95 * time.Second).UTC().Format("2006-01-02T15:04Z")
	tests := []struct {
		name       string
		resp       notifytest.Response
		retryable  bool
		retryAfter time.Duration
		wantText   string
	}{
		{"400 field errors", notifytest.Response{Status: 400,
			Body: `{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue.","priority":"Field 'priority' cannot be set. It is not on the appropriate screen, or unknown."}}`},
			false, 0, "priority: Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.; summary: You must specify a summary of the issue."},
		{"400 error messages", notifytest.Response{Status: 400,
			Body: `{"errorMessages":["We can't create this issue for you right now, it could be due to unsupported content you've entered into one or more of the issue fields."],"errors":{}}`},
			false, 0, "We can't create this issue for you right now"},
		{"401 unauthorized", notifytest.Response{Status: 401, Body: "Client must be authenticated to access this resource."},
			false, 0, "HTTP 401 Unauthorized: Client must be authenticated to access this resource."},
		{"403 forbidden", notifytest.Response{Status: 403,
			Body: `{"errorMessages":["You do not have permission to create issues in this project."],"errors":{}}`},
			false, 0, "You do not have permission to create issues in this project."},
		{"404 not found", notifytest.Response{Status: 404,
			Body: `{"errorMessages":["No project could be found with key 'SEC'."],"errors":{}}`},
			false, 0, "HTTP 404 Not Found: No project could be found with key 'SEC'."},
		{"429 with Retry-After", notifytest.Response{Status: 429,
			Header: http.Header{"Retry-After": {"7"}, "X-Ratelimit-Limit": {"100"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}},
			true, 7 * time.Second, "HTTP 429"},
		{"429 with only X-RateLimit-Reset", notifytest.Response{Status: 429,
			Header: http.Header{"X-Ratelimit-Reset": {reset}}},
			true, 55 * time.Second, "HTTP 429"}, // the reset is written to the minute: 03:05 is 55s after 03:04:05
		{"429 without any header", notifytest.Response{Status: 429}, true, 0, "HTTP 429"},
		{"500 internal error", notifytest.Response{Status: 500,
			Body: `{"errorMessages":["Internal server error"],"errors":{}}`},
			true, 0, "Internal server error"},
		{"503 with Retry-After", notifytest.Response{Status: 503, Header: http.Header{"Retry-After": {"30"}}, Body: "<html>maintenance</html>"},
			true, 30 * time.Second, "<html>maintenance</html>"},
		{"201 without key", notifytest.Response{Status: 201, Body: `{"id":"10123"}`},
			false, 0, "names no issue key"},
		{"201 not JSON", notifytest.Response{Status: 201, Body: `<html>`},
			false, 0, "decode response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, tt.resp)
			env, logs := notifytest.NewEnv(t)
			_, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, "new-ec2.8"))
			notifytest.CheckError(t, err, tt.retryable, tt.retryAfter)
			if err == nil {
				return
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if !strings.HasPrefix(err.Error(), "jira: create issue: ") {
				t.Errorf("error %q does not say what failed", err)
			}
			if strings.Contains(err.Error()+logs.String(), testAPIToken) {
				t.Error("the API token leaked")
			}
		})
	}
}

// TestContractRetry runs notify's standard failure table against every
// kind of delivery, for both API versions.
func TestContractRetry(t *testing.T) {
	reset := notifytest.Now().Add(2 * time.Minute).UTC().Format("2006-01-02T15:04Z")
	cases := append(notifytest.RetryCases(),
		notifytest.RetryCase{
			Name:      "429 with X-RateLimit-Reset only",
			Response:  notifytest.Response{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {reset}}},
			Retryable: true, RetryAfter: 115 * time.Second,
		},
		notifytest.RetryCase{
			Name:      "429 with a malformed X-RateLimit-Reset",
			Response:  notifytest.Response{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"soon"}}},
			Retryable: true,
		},
		notifytest.RetryCase{
			Name:     "400 Jira error collection",
			Response: notifytest.Response{Status: 400, Body: `{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}}`},
		},
	)
	for _, version := range []int{3, 2} {
		build := newTestNotifier
		if version == 2 {
			build = newServerNotifier
		}
		for _, s := range samples(t) {
			if !contractSample(version, s.name) {
				continue
			}
			t.Run(fmt.Sprintf("v%d %s", version, s.name), func(t *testing.T) {
				notifytest.CheckRetry(t, build, s.msg, cases...)
			})
		}
	}
}

// contractSample picks the samples the shared retry and secret-leak checks
// run on: every kind of call sequence (create, comment, transition, and
// their digest and test forms) for v3, one of each call sequence for v2.
// resolved-without-issue sends nothing, so it cannot fail.
func contractSample(version int, name string) bool {
	switch name {
	case "new-ec2.8", "reminder", "resolved":
		return true
	case "reopened", "reopened-without-issue", "test", "digest", "digest-comment":
		return version == 3
	}
	return false
}

func TestContractNoSecretLeak(t *testing.T) {
	for _, version := range []int{3, 2} {
		build, secrets := newTestNotifier, []string{testAPIToken}
		if version == 2 {
			build, secrets = newServerNotifier, []string{testPAT}
		}
		for _, s := range samples(t) {
			if !contractSample(version, s.name) {
				continue
			}
			t.Run(fmt.Sprintf("v%d %s", version, s.name), func(t *testing.T) {
				notifytest.CheckNoSecretLeak(t, build, s.msg, secrets...)
			})
		}
	}
}

// TestContractNoCredentialLeak also hunts for the whole Basic credential
// (base64 of e-mail and token), which an echoed Authorization header shows.
func TestContractNoCredentialLeak(t *testing.T) {
	credential := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testAPIToken))
	notifytest.CheckNoSecretLeak(t, newTestNotifier, sampleNamed(t, "new-ec2.8"), testAPIToken, credential)
}

func TestContractCancelledContext(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Hang: true})
	env, _ := notifytest.NewEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := newTestNotifier(t, srv.URL, env).Notify(ctx, sampleNamed(t, "new-ec2.8"))
	notifytest.CheckError(t, err, true, 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap the context's error", err)
	}
}

// TestContractRegistry builds the destination the way the program does,
// from settings through notify.Typed, with the API version picked from the
// host and the priority map, custom fields and numeric issue type read from
// the file.
func TestContractRegistry(t *testing.T) {
	srv := notifytest.NewServerFunc(t, jiraAPI(statusToDo))
	r := notify.NewRegistry()
	r.Register("jira", notify.Typed(New))
	settings := notifytest.Settings(fmt.Sprintf(`{
		"url": %q, "personal_access_token": %q, "project_key": "SEC", "issue_type": 10004,
		"priority": {"informational": "Trivial"}, "labels": ["security hub", "aws"],
		"custom_fields": {"customfield_10300": [{"name": "AWS"}]},
		"language": "ja"
	}`, srv.URL, testPAT))
	if err := r.Check("jira", settings); err != nil {
		t.Fatal(err)
	}
	env, _ := notifytest.NewEnv(t)
	n, err := r.New("jira", "jira-dc", settings, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Notify(context.Background(), notifytest.Message(t)); err != nil { // INFORMATIONAL control finding
		t.Fatal(err)
	}
	body := checkCall(t, srv.Requests()[0], http.MethodPost, "/rest/api/2/issue", bearerAuth) // 127.0.0.1 is not Jira Cloud
	fields := checkIssueBody(t, body, 2)
	for key, want := range map[string]string{
		"issuetype":         "map[id:10004]",
		"priority":          "map[name:Trivial]",
		"labels":            "[security_hub aws]",
		"customfield_10300": "[map[name:AWS]]",
	} {
		if got := fmt.Sprint(fields[key]); got != want {
			t.Errorf("fields.%s = %s, want %s", key, got, want)
		}
	}
	if d, _ := fields["description"].(string); !strings.Contains(d, "AWS Security Hubで以下が検出されました。") {
		t.Errorf("description is not Japanese:\n%s", d)
	}
}

func TestResetWait(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"2026-01-02T03:06Z", 115 * time.Second, true},
		{"2026-01-02T12:06+09:00", 115 * time.Second, true},
		{"2026-01-02T03:04:06.2Z", 2 * time.Second, true}, // rounded up
		{"2026-01-02T03:04Z", 0, true},                    // already passed
		{"2700-01-01T00:00Z", notify.MaxRetryAfter, true}, // capped, not overflowed
		{"1767323045", 0, false},
		{"", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, ok := resetWait(tt.value, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("resetWait(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestExplainJiraError(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"errorMessages":["a","  "],"errors":{"z":"last","b":"first"}}`, "a; b: first; z: last"},
		{`{"errorMessages":[],"errors":{}}`, ""},
		{`{"message":"other API"}`, ""},
		{`<html>`, ""},
		{`{"errorMessages":["x"],"errors":{"f":3}}`, ""}, // not Jira's shape
	}
	for _, tt := range tests {
		if got := explainJiraError([]byte(tt.body)); got != tt.want {
			t.Errorf("explainJiraError(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
	// A body over the limit passes through whole.
	long := `{"errorMessages":["` + strings.Repeat("x", maxErrorBody) + `"]}`
	data, err := io.ReadAll(explainErrorBody(io.NopCloser(strings.NewReader(long))))
	if err != nil || string(data) != long {
		t.Errorf("a body over the limit is not passed through (%d bytes, %v)", len(data), err)
	}
}

// TestContractConcurrent delivers every sample from many goroutines at once
// through one Notifier, as the queue does; run with -race.
func TestContractConcurrent(t *testing.T) {
	srv := notifytest.NewServerFunc(t, jiraAPI(statusToDo))
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, srv.URL, env)
	var wg sync.WaitGroup
	for range 8 {
		for _, s := range samples(t) {
			wg.Go(func() {
				if _, err := n.Notify(context.Background(), s.msg); err != nil {
					t.Errorf("%s: %v", s.name, err)
				}
			})
		}
	}
	wg.Wait()
	for _, req := range srv.Requests() {
		if req.Method == http.MethodPost {
			var body map[string]any
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Errorf("%s: body is not JSON: %v", req.Path, err)
			}
		}
	}
}
