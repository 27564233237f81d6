package jira

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// FuzzSearchAnswer feeds arbitrary search answers to a retry, on both API
// versions, and checks that Notify fails on them only permanently and
// before creating anything, and returns an existing issue only when the
// answer holds one labelled with the delivery's marker.
//
//	go test -run=^$ -fuzz=FuzzSearchAnswer -fuzztime=60s ./internal/notify/jira
func FuzzSearchAnswer(f *testing.F) {
	marker := notify.Marker("delivery-new")
	for _, seed := range []string{
		`{"issues":[]}`,
		`{"issues":[{"id":"10077","key":"SEC-77","fields":{"labels":["security-hub","` + marker + `"]}}],"isLast":true}`,
		`{"startAt":0,"maxResults":10,"total":1,"issues":[{"id":"1","key":"SEC-1","fields":{"labels":["` + marker + `0"]}}]}`,
		`{"issues":[{"key":null,"fields":{"labels":null}}]}`,
		`{"issues":{}}`,
		`[]`,
		`null`,
		"\xff{",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	m := *sampleNamed(f, "new-ec2.8")
	m.Attempt = 3
	f.Fuzz(func(t *testing.T, answer string, dataCenter bool) {
		var creates atomic.Int32
		env, _ := notifytest.NewEnv(t)
		env.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			body, status := answer, http.StatusOK
			if strings.HasSuffix(r.URL.Path, "/issue") {
				creates.Add(1)
				body, status = `{"id":"10123","key":"SEC-123"}`, http.StatusCreated
			}
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})}
		cfg := testConfig("https://example.atlassian.net")
		if dataCenter {
			cfg = serverConfig("https://jira.example.com")
		}
		n, err := New("jira-sec", cfg, env)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := n.Notify(context.Background(), &m)
		switch {
		case err != nil:
			if retry, _ := notify.ShouldRetry(err); retry || creates.Load() != 0 {
				t.Fatalf("a bad search answer gave %v (retry %v) after %d creates", err, retry, creates.Load())
			}
		case creates.Load() == 1:
			if rc.ID != "SEC-123" {
				t.Fatalf("created, but the receipt is %+v", rc)
			}
		default:
			var found searchAnswer
			if json.Unmarshal([]byte(answer), &found) != nil {
				t.Fatalf("receipt %+v from answer %q", rc, answer)
			}
			ok := slices.ContainsFunc(found.Issues, func(is searchedIssue) bool {
				return is.Key == rc.ID && issueKeyPattern.MatchString(is.Key) && slices.Contains(is.Fields.Labels, marker)
			})
			if !ok {
				t.Fatalf("receipt %+v names no issue labelled %s in %q", rc, marker, answer)
			}
		}
	})
}
