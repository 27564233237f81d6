package backlog

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The lookups a retry makes, as Backlog API v2 documents them:
//
//   - Get Issue List: GET /api/v2/issues with projectId[], keyword (searched
//     in the summary and the description), sort (created), order (asc or
//     desc, default desc) and count (1–100, default 20); the answer is a
//     JSON array of issues (https://developer.nulab.com/docs/backlog/api/2/get-issue-list/).
//   - Get Comment List: GET /api/v2/issues/:issueIdOrKey/comments with
//     minId, maxId, count (1–100, default 20) and order (asc or desc,
//     default desc); the answer is a JSON array of comments, whose content
//     is null for a comment that only records changes
//     (https://developer.nulab.com/docs/backlog/api/2/get-comment-list/).

// listedIssueJSON is one issue of a Get Issue List answer.
func listedIssueJSON(id, project int, key, description string) map[string]any {
	return map[string]any{
		"id": id, "projectId": project, "issueKey": key, "keyId": id, "summary": "s",
		"description": description, "status": map[string]any{"id": 1, "name": "Open"},
	}
}

// lookupAPI answers like Backlog: GET lists answer with issues or
// comments, writes like backlogAPI.
func lookupAPI(issues, comments []map[string]any) func(notifytest.Request) notifytest.Response {
	return func(req notifytest.Request) notifytest.Response {
		header := http.Header{"Content-Type": {"application/json;charset=utf-8"}}
		switch {
		case req.Method == http.MethodGet && req.Path == "/api/v2/issues":
			data, _ := json.Marshal(issues)
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: string(data)}
		case req.Method == http.MethodGet && strings.HasSuffix(req.Path, "/comments"):
			data, _ := json.Marshal(comments)
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: string(data)}
		}
		return backlogAPI(req)
	}
}

// checkLookup asserts what a lookup sends: GET with the key and exactly
// the query wanted, no body.
func checkLookup(t *testing.T, got notifytest.Request, path string, want url.Values) {
	t.Helper()
	if got.Method != http.MethodGet || got.Path != path {
		t.Fatalf("request %s %s, want GET %s", got.Method, got.Path, path)
	}
	query, err := url.ParseQuery(got.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	if query.Get("apiKey") != testAPIKey {
		t.Error("the lookup does not carry the apiKey parameter")
	}
	query.Del("apiKey")
	if fmt.Sprint(query) != fmt.Sprint(want) {
		t.Errorf("query %v, want %v", query, want)
	}
	if len(got.Body) != 0 || got.Header.Get("Content-Type") != "" {
		t.Errorf("the lookup has a body (%q) or a Content-Type (%q)", got.Body, got.Header.Get("Content-Type"))
	}
}

func TestContractRetryLooksForTheIssue(t *testing.T) {
	m := *samples(t)[0].msg // a new finding
	marker := notify.Marker(m.Key)
	carrying := "earlier text\n\nhubrelay: " + marker
	wantQuery := url.Values{"projectId[]": {"12345"}, "keyword": {marker}, "sort": {"created"}, "order": {"desc"}, "count": {"20"}}
	tests := []struct {
		name        string
		attempt     int
		issues      []map[string]any
		wantCalls   []string
		wantReceipt string // issue key
	}{
		{"first attempt creates", 1, nil, []string{"POST /api/v2/issues"}, "SEC-123"},
		{"unknown attempt creates", 0, nil, []string{"POST /api/v2/issues"}, "SEC-123"},
		{"retry finds the issue", 2, []map[string]any{
			listedIssueJSON(7, 12345, "SEC-7", "other\n\nhubrelay: "+notify.Marker("another delivery")),
			listedIssueJSON(5, 12345, "SEC-5", carrying),
		}, []string{"GET /api/v2/issues"}, "SEC-5"},
		{"retry creates when no issue carries the marker", 3, []map[string]any{
			listedIssueJSON(7, 12345, "SEC-7", "hubrelay: "+marker+"0"),   // one digit too many
			listedIssueJSON(6, 99999, "OTHER-6", carrying),                // another project
			listedIssueJSON(5, 12345, "not a key", carrying),              // no usable key
			listedIssueJSON(4, 12345, "SEC-4", strings.ToUpper(carrying)), // not the marker
		}, []string{"GET /api/v2/issues", "POST /api/v2/issues"}, "SEC-123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, lookupAPI(tt.issues, nil))
			env, logs := notifytest.NewEnv(t)
			msg := m
			msg.Attempt = tt.attempt
			rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), &msg)
			if err != nil {
				t.Fatal(err)
			}
			if rc.ID != tt.wantReceipt || rc.URL != srv.URL+"/view/"+tt.wantReceipt {
				t.Errorf("receipt %+v, want %s", rc, tt.wantReceipt)
			}
			reqs := srv.Requests()
			var calls []string
			for _, r := range reqs {
				calls = append(calls, r.Method+" "+r.Path)
			}
			if !slices.Equal(calls, tt.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tt.wantCalls)
			}
			if tt.attempt > 1 {
				checkLookup(t, reqs[0], "/api/v2/issues", wantQuery)
			}
			if last := reqs[len(reqs)-1]; last.Method == http.MethodPost {
				form := checkRequest(t, last, http.MethodPost, "/api/v2/issues")
				if d := form.Get("description"); !strings.HasSuffix(d, "\n\nhubrelay: "+marker) {
					t.Errorf("the description does not end with the marker line:\n%s", d)
				}
			}
			if len(calls) == 1 && tt.attempt > 1 && !strings.Contains(logs.String(), "already created by an earlier attempt") {
				t.Errorf("finding the issue is not logged: %s", logs)
			}
		})
	}
}

func TestContractRetryLooksForTheComment(t *testing.T) {
	all := map[string]*notify.Message{}
	for _, s := range samples(t) {
		all[s.name] = s.msg
	}
	tests := []struct {
		sample    string
		found     bool
		wantCalls []string
		wantURL   string
	}{
		{"reminder", true, []string{"GET /api/v2/issues/SEC-12/comments"}, "/view/SEC-12#comment-88"},
		{"reminder", false, []string{"GET /api/v2/issues/SEC-12/comments", "POST /api/v2/issues/SEC-12/comments"}, "/view/SEC-12#comment-6586"},
		{"digest-comment", true, []string{"GET /api/v2/issues/SEC-12/comments"}, "/view/SEC-12#comment-88"},
		{"resolved", true, []string{"GET /api/v2/issues/SEC-12/comments"}, "/view/SEC-12"},
		{"resolved", false, []string{"GET /api/v2/issues/SEC-12/comments", "PATCH /api/v2/issues/SEC-12"}, "/view/SEC-12"},
		{"reopened", true, []string{"GET /api/v2/issues/SEC-12/comments"}, "/view/SEC-12"},
		{"reopened", false, []string{"GET /api/v2/issues/SEC-12/comments", "PATCH /api/v2/issues/SEC-12"}, "/view/SEC-12"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s found=%v", tt.sample, tt.found), func(t *testing.T) {
			m := *all[tt.sample]
			m.Attempt = 2
			marker := notify.Marker(m.Key)
			comments := []map[string]any{
				{"id": 90, "content": nil, "changeLog": []any{map[string]any{"field": "status"}}},
				{"id": 89, "content": "someone else's comment\n\nhubrelay: " + notify.Marker("other")},
			}
			if tt.found {
				comments = append(comments, map[string]any{"id": 88, "content": "text\n\nhubrelay: " + marker})
			}
			srv := notifytest.NewServerFunc(t, lookupAPI(nil, comments))
			env, _ := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), &m)
			if err != nil {
				t.Fatal(err)
			}
			if want := (notify.Receipt{ID: "SEC-12", URL: srv.URL + tt.wantURL}); rc != want {
				t.Errorf("receipt %+v, want %+v", rc, want)
			}
			reqs := srv.Requests()
			var calls []string
			for _, r := range reqs {
				calls = append(calls, r.Method+" "+r.Path)
			}
			if !slices.Equal(calls, tt.wantCalls) {
				t.Fatalf("calls %v, want %v", calls, tt.wantCalls)
			}
			checkLookup(t, reqs[0], "/api/v2/issues/SEC-12/comments", url.Values{"order": {"desc"}, "count": {"20"}})
			if len(reqs) == 2 {
				form, _ := url.ParseQuery(string(reqs[1].Body))
				text := form.Get("content") + form.Get("comment")
				if !strings.HasSuffix(text, "\n\nhubrelay: "+marker) {
					t.Errorf("the comment does not end with the marker line:\n%s", text)
				}
			}
		})
	}
}

// TestContractRetryLookupFails: a lookup that fails is classified like
// any request, and nothing is written after it.
func TestContractRetryLookupFails(t *testing.T) {
	for _, sample := range []string{"new-ec2.8", "reminder", "resolved"} {
		for _, tt := range []struct {
			resp      notifytest.Response
			retryable bool
		}{
			{notifytest.Response{Status: 503, Body: "<html>maintenance</html>"}, true},
			{notifytest.Response{Status: 404, Body: `{"errors":[{"message":"No issue.","code":6,"moreInfo":""}]}`}, false},
			{notifytest.Response{Status: 200, Body: `{"not":"a list"}`}, false},
		} {
			t.Run(fmt.Sprintf("%s %d", sample, tt.resp.Status), func(t *testing.T) {
				var m notify.Message
				for _, s := range samples(t) {
					if s.name == sample {
						m = *s.msg
					}
				}
				m.Attempt = 4
				srv := notifytest.NewServer(t, tt.resp)
				env, logs := notifytest.NewEnv(t)
				_, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), &m)
				notifytest.CheckError(t, err, tt.retryable, 0)
				if !strings.Contains(err.Error(), "look for the") {
					t.Errorf("error %q does not say the lookup failed", err)
				}
				if n := len(srv.Requests()); n != 1 {
					t.Errorf("%d requests, want the lookup only", n)
				}
				if strings.Contains(err.Error()+logs.String(), testAPIKey) {
					t.Error("the API key leaked")
				}
			})
		}
	}
}

// TestContractRetryNoSecretLeak runs notify's leak check on retries, whose
// first request is a lookup.
func TestContractRetryNoSecretLeak(t *testing.T) {
	for _, s := range samples(t) {
		if s.name == "resolved-without-issue" {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			m := *s.msg
			m.Attempt = 2
			notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
				return newTestNotifier(t, base, env)
			}, &m, testAPIKey)
		})
	}
}
