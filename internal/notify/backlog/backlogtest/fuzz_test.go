package backlogtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzServe sends arbitrary requests (method, path, query, body, content
// type) to the server's handler and checks that it always answers with
// one of the statuses it documents and JSON: Backlog's error format for a
// failure, and for an issue it added, a stored issue Backlog would accept.
//
//	go test -run=^$ -fuzz=FuzzServe -fuzztime=60s ./internal/notify/backlog/backlogtest
func FuzzServe(f *testing.F) {
	valid := issueForm("1", "seed").Encode()
	for _, seed := range []struct {
		method       uint8
		path, query  string
		body         string
		formEncoding bool
	}{
		{0, "/api/v2/issues", "keyword=hubrelay-0123456789abcdef&projectId[]=1&sort=created&order=desc&count=20", "", false},
		{1, "/api/v2/issues", "", valid, true},
		{1, "/api/v2/issues", "", "projectId=1&summary=%F0%9F%98%80&issueTypeId=2&priorityId=3&customField_4=a&customField_4=b", true},
		{1, "/api/v2/issues", "", "summary=" + strings.Repeat("x", 300), true},
		{1, "/api/v2/issues", "", `{"summary":"json"}`, false},
		{2, "/api/v2/issues/PROJ-1", "", "statusId=4&resolutionId=0&comment=done", true},
		{1, "/api/v2/issues/PROJ-1/comments", "", "content=hello&notifiedUserId[]=3", true},
		{0, "/api/v2/issues/PROJ-1/comments", "order=asc&count=0&minId=x", "", false},
		{0, "/api/v2/issues/%zz", "count=-1", "", false},
		{3, "/api/v2/issues/1001", "", "", false},
		{1, "/api/v2/issues", "", "summary=a&summary=b&%zz", true},
	} {
		f.Add(seed.method, seed.path, seed.query, seed.body, seed.formEncoding)
	}
	s := New(f, Options{APIKey: key})
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete}
	statuses := map[int]bool{200: true, 201: true, 400: true, 404: true, 405: true, 413: true}
	f.Fuzz(func(t *testing.T, method uint8, path, rawQuery, body string, formEncoding bool) {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			q = url.Values{}
		}
		q.Set("apiKey", key)
		req := (&http.Request{
			Method: methods[int(method)%len(methods)],
			URL:    &url.URL{Path: path, RawQuery: q.Encode()},
			Header: http.Header{},
			Body:   io.NopCloser(strings.NewReader(body)),
		}).WithContext(context.Background())
		if formEncoding {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		before := len(s.Issues())
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if !statuses[w.Code] {
			t.Fatalf("%s %s: HTTP %d %s", req.Method, path, w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: HTTP %d body is not JSON: %q", req.Method, path, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e struct {
				Errors []struct {
					Message string `json:"message"`
					Code    int    `json:"code"`
				} `json:"errors"`
			}
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || len(e.Errors) == 0 || e.Errors[0].Message == "" || e.Errors[0].Code == 0 {
				t.Fatalf("HTTP %d body %q is not Backlog's error format", w.Code, w.Body)
			}
		}
		issues := s.Issues()
		switch {
		case w.Code == http.StatusCreated && req.Method == http.MethodPost && strings.TrimSuffix(path, "/") == "/api/v2/issues":
			if len(issues) != before+1 {
				t.Fatalf("201 but %d issues, want %d", len(issues), before+1)
			}
			is := issues[len(issues)-1]
			if strings.TrimSpace(is.Summary) == "" || utf16Len(is.Summary) > maxSummary || !utf8.ValidString(is.Summary) ||
				!utf8.ValidString(is.Description) || is.IssueTypeID <= 0 || priorityNames[is.PriorityID] == "" {
				t.Fatalf("stored an issue Backlog would refuse: %+v", is)
			}
		case len(issues) != before:
			t.Fatalf("HTTP %d to %s %s added an issue", w.Code, req.Method, path)
		}
	})
}
