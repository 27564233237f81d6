package jira

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
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
	if summary == "" || strings.ContainsAny(summary, "\r\n") || render.UTF16Len(summary) > MaxSummary {
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
			"labels":            []any{"security-hub", "aws_findings", notify.Marker("delivery-new")},
			"components":        []any{map[string]any{"name": "Cloud Security"}},
			"customfield_10010": "hubrelay",
			"customfield_10020": map[string]any{"value": "Production"},
		}},
		{"data center v2", newServerNotifier, 2, bearerAuth, map[string]any{
			"issuetype": map[string]any{"id": "10004"},
			"priority":  map[string]any{"name": "Major"},
			"labels":    []any{"security-hub", notify.Marker("delivery-new")},
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
