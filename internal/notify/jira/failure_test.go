package jira

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

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
	m := notifytest.Message(t) // INFORMATIONAL control finding
	if _, err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	body := checkCall(t, srv.Requests()[0], http.MethodPost, "/rest/api/2/issue", bearerAuth) // 127.0.0.1 is not Jira Cloud
	fields := checkIssueBody(t, body, 2)
	for key, want := range map[string]string{
		"issuetype":         "map[id:10004]",
		"priority":          "map[name:Trivial]",
		"labels":            "[security_hub aws " + notify.Marker(m.Key) + "]",
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
