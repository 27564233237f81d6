package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The search a retry makes before creating, as Atlassian documents it:
//
//   - Jira Cloud: Search for issues using JQL (enhanced search), POST
//     /rest/api/3/search/jql with {"jql", "fields", "maxResults"}, answered
//     {"issues": [{"id", "key", "fields": {...}}], "nextPageToken"?}
//     (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post).
//     The older GET/POST /rest/api/3/search was removed from Jira Cloud in
//     2025 and answers 410 Gone.
//   - Jira Server and Data Center: GET /rest/api/2/search?jql=…&fields=…&maxResults=…,
//     answered {"startAt", "maxResults", "total", "issues": [...]}
//     (https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/search-search).
//   - JQL: labels = "x" matches issues carrying the label x; string values
//     in double quotes, with \" and \\ escapes.

// searchAPI answers like Jira: the search endpoints of both versions with
// the issues given, Create issue as jiraAPI, and 410 for the removed v3
// search.
func searchAPI(found []map[string]any) func(notifytest.Request) notifytest.Response {
	return func(req notifytest.Request) notifytest.Response {
		header := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
		switch {
		case req.Path == "/rest/api/3/search" || req.Path == "/rest/api/2/search/jql":
			return notifytest.Response{Status: http.StatusGone, Header: header,
				Body: `{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."],"errors":{}}`}
		case req.Method == http.MethodPost && req.Path == "/rest/api/3/search/jql":
			data, _ := json.Marshal(map[string]any{"issues": found, "isLast": true})
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: string(data)}
		case req.Method == http.MethodGet && req.Path == "/rest/api/2/search":
			data, _ := json.Marshal(map[string]any{"startAt": 0, "maxResults": 10, "total": len(found), "issues": found})
			return notifytest.Response{Status: http.StatusOK, Header: header, Body: string(data)}
		}
		return jiraAPI(statusToDo)(req)
	}
}

// foundIssue is one issue of a search answer.
func foundIssue(id, key string, labels ...string) map[string]any {
	return map[string]any{"id": id, "key": key, "self": "https://example.atlassian.net/rest/api/3/issue/" + id,
		"fields": map[string]any{"labels": labels}}
}

// checkSearch asserts the search request of version for marker.
func checkSearch(t *testing.T, got notifytest.Request, version int, auth, marker string) {
	t.Helper()
	wantJQL := `project = "SEC" AND labels = "` + marker + `"`
	if version == 3 {
		body := checkCall(t, got, http.MethodPost, "/rest/api/3/search/jql", auth)
		if body["jql"] != wantJQL || fmt.Sprint(body["fields"]) != "[labels]" || body["maxResults"] != float64(10) || len(body) != 3 {
			t.Errorf("search body %v, want jql %q, fields [labels], maxResults 10", body, wantJQL)
		}
		return
	}
	checkCall(t, got, http.MethodGet, "/rest/api/2/search", auth)
	q, err := url.ParseQuery(got.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("jql") != wantJQL || q.Get("fields") != "labels" || q.Get("maxResults") != "10" || len(q) != 3 {
		t.Errorf("search query %v, want jql %q, fields labels, maxResults 10", q, wantJQL)
	}
}

func TestContractRetrySearchesBeforeCreating(t *testing.T) {
	m := *sampleNamed(t, "new-ec2.8")
	marker := notify.Marker(m.Key)
	versions := []struct {
		name    string
		build   func(*testing.T, string, notify.Env) notify.Notifier
		version int
		auth    string
	}{
		{"cloud v3", newTestNotifier, 3, basicAuth},
		{"data center v2", newServerNotifier, 2, bearerAuth},
	}
	tests := []struct {
		name      string
		attempt   int
		found     []map[string]any
		wantCalls int // 1: the search or the create alone; 2: both
		wantKey   string
	}{
		{"first attempt creates without searching", 1, nil, 1, "SEC-123"},
		{"unknown attempt creates without searching", 0, nil, 1, "SEC-123"},
		{"retry finds the issue", 2, []map[string]any{foundIssue("10077", "SEC-77", "security-hub", marker)}, 1, "SEC-77"},
		{"retry creates when nothing carries the label", 2, nil, 2, "SEC-123"},
		{"retry ignores issues without the exact label", 5, []map[string]any{
			foundIssue("10078", "SEC-78", marker+"0"),
			foundIssue("10079", "not a key", marker),
		}, 2, "SEC-123"},
	}
	for _, v := range versions {
		for _, tt := range tests {
			t.Run(v.name+"/"+tt.name, func(t *testing.T) {
				srv := notifytest.NewServerFunc(t, searchAPI(tt.found))
				env, logs := notifytest.NewEnv(t)
				msg := m
				msg.Attempt = tt.attempt
				rc, err := v.build(t, srv.URL, env).Notify(context.Background(), &msg)
				if err != nil {
					t.Fatal(err)
				}
				if want := (notify.Receipt{ID: tt.wantKey, URL: srv.URL + "/browse/" + tt.wantKey}); rc != want {
					t.Errorf("receipt %+v, want %+v", rc, want)
				}
				reqs := srv.Requests()
				if len(reqs) != tt.wantCalls {
					t.Fatalf("%d requests, want %d", len(reqs), tt.wantCalls)
				}
				if tt.attempt > 1 {
					checkSearch(t, reqs[0], v.version, v.auth, marker)
				}
				last := reqs[len(reqs)-1]
				if tt.wantKey == "SEC-123" {
					fields := checkIssueBody(t, checkCall(t, last, http.MethodPost, fmt.Sprintf("/rest/api/%d/issue", v.version), v.auth), v.version)
					labels, _ := fields["labels"].([]any)
					if !slices.Contains(labels, any(marker)) {
						t.Errorf("labels %v lack the marker %s", labels, marker)
					}
				} else if !strings.Contains(logs.String(), "already created by an earlier attempt") {
					t.Errorf("finding the issue is not logged: %s", logs)
				}
			})
		}
	}
}

// TestContractRetrySearchFails: a failed search is classified like any
// request and nothing is created after it.
func TestContractRetrySearchFails(t *testing.T) {
	for _, tt := range []struct {
		name      string
		resp      notifytest.Response
		retryable bool
		after     time.Duration
	}{
		{"503", notifytest.Response{Status: 503, Body: "<html>unavailable</html>"}, true, 0},
		{"429", notifytest.Response{Status: 429, Header: http.Header{"Retry-After": {"9"}}}, true, 9 * time.Second},
		{"400 bad JQL", notifytest.Response{Status: 400, Body: `{"errorMessages":["Error in the JQL Query"],"errors":{}}`}, false, 0},
		{"not a search answer", notifytest.Response{Status: 200, Body: `[]`}, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := *sampleNamed(t, "new-ec2.8")
			m.Attempt = 2
			srv := notifytest.NewServer(t, tt.resp)
			env, logs := notifytest.NewEnv(t)
			_, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), &m)
			notifytest.CheckError(t, err, tt.retryable, tt.after)
			if !strings.Contains(err.Error(), "look for the issue of an earlier attempt") {
				t.Errorf("error %q does not say the search failed", err)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want the search only", n)
			}
			if notify.NewRedactor(testAPIToken, basicCredentials(testConfig(""))).Leaks(err.Error() + logs.String()) {
				t.Error("a secret leaked")
			}
		})
	}
}

func TestMarkerJQL(t *testing.T) {
	for _, tt := range []struct{ project, marker, want string }{
		{"SEC", "hubrelay-0123456789abcdef", `project = "SEC" AND labels = "hubrelay-0123456789abcdef"`},
		{`A"B\C`, "m", `project = "A\"B\\C" AND labels = "m"`},
	} {
		if got := MarkerJQL(tt.project, tt.marker); got != tt.want {
			t.Errorf("MarkerJQL(%q, %q) = %s, want %s", tt.project, tt.marker, got, tt.want)
		}
	}
}

// TestContractRetryNoSecretLeak runs notify's leak check on a retry, whose
// first request is the search.
func TestContractRetryNoSecretLeak(t *testing.T) {
	m := *sampleNamed(t, "new-ec2.8")
	m.Attempt = 2
	notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, base, env)
	}, &m, testAPIToken, basicCredentials(testConfig("")))
}
