package jira

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// searchResults is how many issues a retry's search asks for. A marker
// label belongs to one delivery, so more than one hit is already a
// duplicate made by hand or by an older version.
const searchResults = 10

// SearchRequest is the body of Search for issues using JQL (enhanced
// search), POST /rest/api/3/search/jql, the Jira Cloud endpoint that
// replaced GET /rest/api/3/search.
type SearchRequest struct {
	JQL        string   `json:"jql"`
	Fields     []string `json:"fields"`
	MaxResults int      `json:"maxResults"`
}

// searchAnswer is the part of a search answer the destination reads; v3's
// enhanced search and v2's GET /rest/api/2/search both list "issues".
type searchAnswer struct {
	Issues []searchedIssue `json:"issues"`
}

// searchedIssue is one issue of a search answer, with the labels asked for.
type searchedIssue struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Fields struct {
		Labels []string `json:"labels"`
	} `json:"fields"`
}

// MarkerJQL is the JQL that finds the issues of project carrying the
// delivery marker label: project = "SEC" AND labels = "hubrelay-…".
func MarkerJQL(project, marker string) string {
	return "project = " + jqlString(project) + " AND labels = " + jqlString(marker)
}

// jqlString quotes s as a JQL string literal.
func jqlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// SearchPath is the path (and, for v2, the query) of the search for the
// issue carrying r.Marker: POST /rest/api/3/search/jql (body
// SearchBody) for Jira Cloud, GET /rest/api/2/search?jql=…&fields=labels&maxResults=10
// for Server and Data Center.
func (r Request) SearchPath(project string) string {
	if r.APIVersion == 3 {
		return "/rest/api/3/search/jql"
	}
	q := url.Values{
		"jql":        {MarkerJQL(project, r.Marker)},
		"fields":     {"labels"},
		"maxResults": {strconv.Itoa(searchResults)},
	}
	return fmt.Sprintf("/rest/api/%d/search?%s", r.APIVersion, q.Encode())
}

// SearchBody is the body of the v3 search for the issue carrying
// r.Marker; nil for v2, which searches with GET.
func (r Request) SearchBody(project string) *SearchRequest {
	if r.APIVersion != 3 {
		return nil
	}
	return &SearchRequest{JQL: MarkerJQL(project, r.Marker), Fields: []string{"labels"}, MaxResults: searchResults}
}

// findIssue returns the key of the issue of the project that carries the
// delivery's marker label, "" when there is none. Jira Cloud's search is
// eventually consistent: an issue created seconds ago may not be found
// yet.
func (n *Notifier) findIssue(ctx context.Context, req Request) (string, error) {
	method := http.MethodGet
	var body any
	if b := req.SearchBody(n.project); b != nil {
		method, body = http.MethodPost, b
	}
	var found searchAnswer
	if err := n.api.call(ctx, method, req.SearchPath(n.project), body, &found); err != nil {
		return "", err
	}
	for _, is := range found.Issues {
		if issueKeyPattern.MatchString(is.Key) && slices.Contains(is.Fields.Labels, req.Marker) {
			return is.Key, nil
		}
	}
	return "", nil
}
