package backlog

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// transportFunc answers HTTP requests in process.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzLookupAnswer feeds arbitrary Get Issue List and Get Comment List
// answers to a retry and checks that Notify never fails on them in a way
// other than a permanent error, writes nothing after an error, and returns
// an earlier issue or comment only when the answer really holds one
// carrying the delivery's marker.
//
//	go test -run=^$ -fuzz=FuzzLookupAnswer -fuzztime=60s ./internal/notify/backlog
func FuzzLookupAnswer(f *testing.F) {
	marker := notify.Marker("delivery-new")
	reminder := notify.Marker("delivery-reminder")
	for _, seed := range []struct {
		answer  string
		comment bool
	}{
		{`[]`, false},
		{`[{"id":5,"projectId":12345,"issueKey":"SEC-5","description":"x\n\nhubrelay: ` + marker + `"}]`, false},
		{`[{"id":5,"projectId":99,"issueKey":"SEC-5","description":"hubrelay: ` + marker + `"}]`, false},
		{`[{"id":5,"issueKey":null,"description":null}]`, false},
		{`null`, false},
		{`{"errors":[]}`, false},
		{`[{"id":88,"content":"hubrelay: ` + reminder + `"},{"id":90,"content":null}]`, true},
		{`[{"id":"88","content":7}]`, true},
		{"\xff[", true},
	} {
		f.Add(seed.answer, seed.comment)
	}
	base := samples(f)
	var create, comment *notify.Message
	for _, s := range base {
		switch s.name {
		case "new-ec2.8":
			create = s.msg
		case "reminder":
			comment = s.msg
		}
	}
	f.Fuzz(func(t *testing.T, answer string, onComment bool) {
		m := *create
		if onComment {
			m = *comment
		}
		m.Attempt = 2
		var writes atomic.Int32
		env, _ := notifytest.NewEnv(t)
		env.HTTPClient = &http.Client{Transport: transportFunc(func(r *http.Request) (*http.Response, error) {
			body := answer
			status := http.StatusOK
			if r.Method != http.MethodGet {
				writes.Add(1)
				status = http.StatusCreated
				body = `{"id":6586,"issueKey":"SEC-123"}`
			}
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})}
		n, err := New("backlog-system-a", testConfig("https://example.backlog.jp"), env)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := n.Notify(context.Background(), &m)
		if err != nil {
			if retry, _ := notify.ShouldRetry(err); retry || writes.Load() != 0 {
				t.Fatalf("a bad lookup answer gave %v (retry %v) after %d writes", err, retry, writes.Load())
			}
			return
		}
		if writes.Load() == 1 {
			return // nothing found: created or commented
		}
		// Found without writing: the answer must hold it.
		want := notify.Marker(m.Key)
		if onComment {
			var comments []commentAnswer
			if json.Unmarshal([]byte(answer), &comments) != nil || rc.ID != "SEC-12" {
				t.Fatalf("receipt %+v from answer %q", rc, answer)
			}
			for _, c := range comments {
				if notify.HasMarker(c.Content, want) {
					return
				}
			}
			t.Fatalf("receipt %+v without a marked comment in %q", rc, answer)
		}
		var issues []listedIssue
		if json.Unmarshal([]byte(answer), &issues) != nil {
			t.Fatalf("receipt %+v from answer %q", rc, answer)
		}
		for _, is := range issues {
			if is.IssueKey == rc.ID && issueKeyPattern.MatchString(is.IssueKey) && notify.HasMarker(is.Description, want) &&
				(is.ProjectID == 0 || is.ProjectID == 12345) {
				return
			}
		}
		t.Fatalf("receipt %+v names no marked issue of the project in %q", rc, answer)
	})
}
