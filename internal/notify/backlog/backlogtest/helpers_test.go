package backlogtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// result is one answer as a client sees it.
type result struct {
	status int
	header http.Header
	body   []byte
	// err is set when no answer came (a closed connection).
	err error
}

// call sends method path?apiKey=key&query with form (nil: no body) to s.
func call(t testing.TB, s *Server, method, path, key string, query, form url.Values) result {
	t.Helper()
	q := url.Values{}
	if key != "" {
		q.Set("apiKey", key)
	}
	for k, v := range query {
		q[k] = v
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL()+path+"?"+q.Encode(), body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{err: err}
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// errorMessages decodes Backlog's error body, failing t when the body is
// not one.
func errorMessages(t testing.TB, r result) (codes []int, messages []string) {
	t.Helper()
	var body struct {
		Errors []struct {
			Message  string `json:"message"`
			Code     int    `json:"code"`
			MoreInfo string `json:"moreInfo"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || len(body.Errors) == 0 {
		t.Fatalf("HTTP %d body %s is not Backlog's error format: %v", r.status, r.body, err)
	}
	for _, e := range body.Errors {
		codes = append(codes, e.Code)
		messages = append(messages, e.Message)
	}
	return codes, messages
}

// issueForm is a valid Add Issue form for project with summary.
func issueForm(project, summary string) url.Values {
	return url.Values{
		"projectId": {project}, "summary": {summary}, "issueTypeId": {"2"}, "priorityId": {"3"},
		"description": {"text of " + summary},
	}
}

// decodeIssue reads an issue answer.
func decodeIssue(t testing.TB, r result) issueJSON {
	t.Helper()
	var is issueJSON
	if err := json.Unmarshal(r.body, &is); err != nil {
		t.Fatalf("HTTP %d: %s: %v", r.status, r.body, err)
	}
	return is
}
