package backlogtest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

const key = "test-key-0123456789"

func TestAuthentication(t *testing.T) {
	s := New(t, Options{APIKey: key})
	for _, tt := range []struct {
		name, key string
		want      int
	}{
		{"no key", "", http.StatusUnauthorized},
		{"wrong key", "other", http.StatusUnauthorized},
		{"right key", key, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, http.MethodGet, "/api/v2/issues", tt.key, nil, nil)
			if r.status != tt.want {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == http.StatusUnauthorized {
				codes, _ := errorMessages(t, r)
				if !slices.Equal(codes, []int{codeAuthentication}) {
					t.Errorf("codes %v, want [11] (AuthenticationError)", codes)
				}
			}
		})
	}
	if s.Writes() != 0 {
		t.Errorf("Writes = %d after reads only", s.Writes())
	}
}

func TestAddIssue(t *testing.T) {
	s := New(t, Options{APIKey: key, ProjectID: 12345, ProjectKey: "SEC"})
	valid := issueForm("12345", "first")
	with := func(edit func(url.Values)) url.Values {
		f := url.Values{}
		for k, v := range valid {
			f[k] = slices.Clone(v)
		}
		edit(f)
		return f
	}
	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantErrors []string // each must appear in one message
	}{
		{"valid", valid, http.StatusCreated, nil},
		{"every documented field", with(func(f url.Values) {
			f["categoryId[]"] = []string{"21", "22"}
			f["notifiedUserId[]"] = []string{"31"}
			f.Set("parentIssueId", "1001")
			f.Set("assigneeId", "7")
			f.Set("startDate", "2026-01-02")
			f.Set("dueDate", "2026-02-03")
			f.Set("estimatedHours", "1.5")
			f["customField_41"] = []string{"Security Hub"}
			f["customField_42"] = []string{"5", "6"}
		}), http.StatusCreated, nil},
		{"nothing", url.Values{}, http.StatusBadRequest, []string{"projectId: is required", "The Subject must be", "issueTypeId: is required", "priorityId: is required"}},
		{"summary too long", with(func(f url.Values) { f.Set("summary", strings.Repeat("😀", 128)) }), http.StatusBadRequest, []string{"no longer than 255"}},
		{"summary blank", with(func(f url.Values) { f.Set("summary", "  ") }), http.StatusBadRequest, []string{"The Subject must be"}},
		{"description too long", with(func(f url.Values) { f.Set("description", strings.Repeat("a", 100_001)) }), http.StatusBadRequest, []string{"Description must be no longer than 100,000"}},
		{"priority out of range", with(func(f url.Values) { f.Set("priorityId", "7") }), http.StatusBadRequest, []string{`priorityId: "7" is not one of [2 3 4]`}},
		{"ID not a number", with(func(f url.Values) { f.Set("issueTypeId", "Bug") }), http.StatusBadRequest, []string{`issueTypeId: "Bug" is not a positive ID`}},
		{"bad list item", with(func(f url.Values) { f["categoryId[]"] = []string{"1", "x"} }), http.StatusBadRequest, []string{`categoryId[1]: "x"`}},
		{"unknown parameter", with(func(f url.Values) { f.Set("statusId", "1") }), http.StatusBadRequest, []string{"statusId: is not a parameter of this API"}},
		{"repeated single parameter", with(func(f url.Values) { f.Add("summary", "again") }), http.StatusBadRequest, []string{"summary: is given 2 times"}},
		{"bad date", with(func(f url.Values) { f.Set("dueDate", "02/03/2026") }), http.StatusBadRequest, []string{`dueDate: "02/03/2026" is not a date`}},
		{"other project", with(func(f url.Values) { f.Set("projectId", "999") }), http.StatusNotFound, []string{"No project."}},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, http.MethodPost, "/api/v2/issues", key, nil, tt.form)
			if r.status != tt.wantStatus {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus == http.StatusCreated {
				created++
				is := decodeIssue(t, r)
				if want := "SEC-" + strconv.Itoa(created); is.IssueKey != want || is.KeyID != created || is.ProjectID != 12345 {
					t.Errorf("issue %s (keyId %d, project %d), want %s", is.IssueKey, is.KeyID, is.ProjectID, want)
				}
				if is.Summary != tt.form.Get("summary") || is.Status.ID != 1 || is.Priority.ID != 3 {
					t.Errorf("answer %+v does not hold what was sent", is)
				}
				return
			}
			codes, messages := errorMessages(t, r)
			for _, c := range codes {
				if c != codeInvalidRequest && c != codeNoResource {
					t.Errorf("code %d, want 7 (InvalidRequestError) or 6 (NoResourceError)", c)
				}
			}
			for _, want := range tt.wantErrors {
				if !slices.ContainsFunc(messages, func(m string) bool { return strings.Contains(m, want) }) {
					t.Errorf("no error says %q: %q", want, messages)
				}
			}
		})
	}
	issues := s.Issues()
	if len(issues) != 2 {
		t.Fatalf("%d issues, want the 2 valid ones", len(issues))
	}
	full := issues[1]
	if !slices.Equal(full.CategoryIDs, []int{21, 22}) || full.ParentIssueID != 1001 || full.AssigneeID != 7 ||
		!slices.Equal(full.CustomFields["customField_42"], []string{"5", "6"}) || full.EstimatedHours != "1.5" {
		t.Errorf("stored issue %+v lost fields", full)
	}
	if st := s.Stats(); st.Writes != len(tests) || st.Applied != 2 || st.Rejected != len(tests)-2 {
		t.Errorf("stats %+v", st)
	}
}

func TestAddIssueNeedsAFormBody(t *testing.T) {
	s := New(t, Options{APIKey: key})
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/api/v2/issues?apiKey="+key, strings.NewReader(`{"summary":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("HTTP %d for a JSON body, want 400", resp.StatusCode)
	}
}

func TestRoutes(t *testing.T) {
	s := New(t, Options{APIKey: key})
	call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "x"))
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/api/v2/issues", http.StatusOK},
		{http.MethodGet, "/api/v2/issues/PROJ-1", http.StatusOK},
		{http.MethodGet, "/api/v2/issues/1001", http.StatusOK},
		{http.MethodGet, "/api/v2/issues/PROJ-2", http.StatusNotFound},
		{http.MethodGet, "/api/v2/issues/PROJ-1/comments", http.StatusOK},
		{http.MethodGet, "/api/v2/issues/PROJ-9/comments", http.StatusNotFound},
		{http.MethodGet, "/api/v2/projects", http.StatusNotFound},
		{http.MethodGet, "/api/v2/issuesX", http.StatusNotFound},
		{http.MethodGet, "/api/v2/issues/PROJ-1/attachments", http.StatusNotFound},
		{http.MethodDelete, "/api/v2/issues/PROJ-1", http.StatusMethodNotAllowed},
		{http.MethodPut, "/api/v2/issues", http.StatusMethodNotAllowed},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, s, tt.method, tt.path, key, nil, nil)
			if r.status != tt.want {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tt.want, r.body)
			}
			if r.status >= 400 {
				errorMessages(t, r)
			}
			if r.header.Get("X-RateLimit-Limit") == "" || r.header.Get("X-RateLimit-Reset") == "" {
				t.Error("no X-RateLimit-* headers")
			}
		})
	}
}

func TestListIssues(t *testing.T) {
	s := New(t, Options{APIKey: key, ProjectID: 7})
	a, b := notify.Marker("a"), notify.Marker("b")
	for i, text := range []string{"first\n\nhubrelay: " + a, "second\n\nhubrelay: " + b, "third, no marker", "fourth\n\nhubrelay: " + a} {
		f := issueForm("7", fmt.Sprintf("issue %d", i+1))
		f.Set("description", text)
		if r := call(t, s, http.MethodPost, "/api/v2/issues", key, nil, f); r.status != http.StatusCreated {
			t.Fatalf("add: HTTP %d %s", r.status, r.body)
		}
	}
	// Commenting on issue 1 makes it the most recently updated.
	call(t, s, http.MethodPost, "/api/v2/issues/PROJ-1/comments", key, nil, url.Values{"content": {"bump"}})
	keys := func(r result) []string {
		var list []issueJSON
		if err := json.Unmarshal(r.body, &list); err != nil {
			t.Fatalf("HTTP %d %s: %v", r.status, r.body, err)
		}
		var out []string
		for _, is := range list {
			out = append(out, is.IssueKey)
		}
		return out
	}
	tests := []struct {
		name    string
		query   url.Values
		want    []string
		wantErr string
	}{
		{"all, newest first", nil, []string{"PROJ-4", "PROJ-3", "PROJ-2", "PROJ-1"}, ""},
		{"oldest first", url.Values{"order": {"asc"}}, []string{"PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4"}, ""},
		{"by marker keyword", url.Values{"keyword": {a}, "projectId[]": {"7"}, "sort": {"created"}, "order": {"desc"}, "count": {"20"}}, []string{"PROJ-4", "PROJ-1"}, ""},
		{"keyword ignores case, every word", url.Values{"keyword": {"SECOND " + strings.ToUpper(b[:5])}}, []string{"PROJ-2"}, ""},
		{"other project", url.Values{"projectId[]": {"8"}}, nil, ""},
		{"updated", url.Values{"sort": {"updated"}}, []string{"PROJ-1", "PROJ-4", "PROJ-3", "PROJ-2"}, ""},
		{"count and offset", url.Values{"count": {"2"}, "offset": {"1"}}, []string{"PROJ-3", "PROJ-2"}, ""},
		{"offset past the end", url.Values{"offset": {"9"}}, nil, ""},
		{"by id", url.Values{"id[]": {"1002", "1003"}}, []string{"PROJ-3", "PROJ-2"}, ""},
		{"count too big", url.Values{"count": {"101"}}, nil, `count: "101" must be a number from 1 to 100`},
		{"sort not supported", url.Values{"sort": {"priority"}}, nil, `sort: "priority" is not supported by backlogtest`},
		{"bad order", url.Values{"order": {"up"}}, nil, `order: "up" must be asc or desc`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, http.MethodGet, "/api/v2/issues", key, tt.query, nil)
			if tt.wantErr != "" {
				_, messages := errorMessages(t, r)
				if r.status != http.StatusBadRequest || !strings.Contains(strings.Join(messages, "; "), tt.wantErr) {
					t.Fatalf("HTTP %d %q, want 400 saying %q", r.status, messages, tt.wantErr)
				}
				return
			}
			if got := keys(r); !slices.Equal(got, tt.want) {
				t.Errorf("keys %v, want %v", got, tt.want)
			}
		})
	}
	if got := s.IssuesByMarker(); len(got) != 2 || got[a] != 2 || got[b] != 1 {
		t.Errorf("IssuesByMarker = %v, want %s:2 %s:1", got, a, b)
	}
}

func TestUpdateIssueAndComments(t *testing.T) {
	s := New(t, Options{APIKey: key})
	call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "x"))
	if r := call(t, s, http.MethodPost, "/api/v2/issues/PROJ-1/comments", key, nil, url.Values{"content": {"one"}, "notifiedUserId[]": {"31"}}); r.status != http.StatusCreated {
		t.Fatalf("add comment: HTTP %d %s", r.status, r.body)
	}
	r := call(t, s, http.MethodPatch, "/api/v2/issues/PROJ-1", key, nil, url.Values{"statusId": {"4"}, "resolutionId": {"0"}, "comment": {"closed"}})
	if is := decodeIssue(t, r); r.status != http.StatusOK || is.Status.ID != 4 || is.Resolution == nil || is.Resolution.ID != 0 {
		t.Fatalf("update: HTTP %d %s", r.status, r.body)
	}
	for _, tt := range []struct {
		name    string
		method  string
		path    string
		form    url.Values
		want    int
		wantMsg string
	}{
		{"empty comment", http.MethodPost, "/api/v2/issues/PROJ-1/comments", url.Values{"content": {" "}}, http.StatusBadRequest, "content: is required"},
		{"comment too long", http.MethodPost, "/api/v2/issues/PROJ-1/comments", url.Values{"content": {strings.Repeat("x", 50_001)}}, http.StatusBadRequest, "The Comment must be no longer than 50,000."},
		{"comment on no issue", http.MethodPost, "/api/v2/issues/PROJ-9/comments", url.Values{"content": {"x"}}, http.StatusNotFound, "No issue."},
		{"unknown status", http.MethodPatch, "/api/v2/issues/PROJ-1", url.Values{"statusId": {"9"}}, http.StatusBadRequest, `statusId: "9" is not one of [1 2 3 4]`},
		{"update no issue", http.MethodPatch, "/api/v2/issues/PROJ-9", url.Values{"statusId": {"1"}}, http.StatusNotFound, "No issue."},
		{"comment parameter on Add Comment", http.MethodPost, "/api/v2/issues/PROJ-1/comments", url.Values{"content": {"x"}, "comment": {"y"}}, http.StatusBadRequest, "comment: is not a parameter of this API"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, tt.method, tt.path, key, nil, tt.form)
			_, messages := errorMessages(t, r)
			if r.status != tt.want || !strings.Contains(strings.Join(messages, "; "), tt.wantMsg) {
				t.Errorf("HTTP %d %q, want %d saying %q", r.status, messages, tt.want, tt.wantMsg)
			}
		})
	}
	comments := s.Comments("PROJ-1")
	if len(comments) != 2 || comments[0].Content != "one" || !slices.Equal(comments[0].NotifiedUserIDs, []int{31}) ||
		comments[1].Content != "closed" || comments[1].StatusID != 4 {
		t.Fatalf("comments %+v", comments)
	}
	if s.Comments("PROJ-9") != nil {
		t.Error("comments of a missing issue")
	}
	list := func(q url.Values) []commentJSON {
		r := call(t, s, http.MethodGet, "/api/v2/issues/PROJ-1/comments", key, q, nil)
		var out []commentJSON
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatalf("HTTP %d %s: %v", r.status, r.body, err)
		}
		return out
	}
	if got := list(url.Values{"order": {"desc"}, "count": {"20"}}); len(got) != 2 || *got[0].Content != "closed" || got[0].ChangeLog[0].NewValue != "Closed" {
		t.Errorf("newest first: %+v", got)
	}
	if got := list(url.Values{"order": {"asc"}, "count": {"1"}}); len(got) != 1 || *got[0].Content != "one" {
		t.Errorf("oldest, one: %+v", got)
	}
	if got := list(url.Values{"minId": {strconv.Itoa(comments[1].ID)}}); len(got) != 1 || got[0].ID != comments[1].ID {
		t.Errorf("minId: %+v", got)
	}
	// Copies: changing what the accessors return changes nothing.
	comments[0].Content = "changed"
	issues := s.Issues()
	*issues[0].ResolutionID = 3
	if s.Comments("PROJ-1")[0].Content != "one" || *s.Issues()[0].ResolutionID != 0 {
		t.Error("the accessors return the server's own values")
	}
}

// TestFaultRates sends many valid writes and checks that the injected
// failures happen at the configured rates (within five standard
// deviations), that every lost answer really applied its write and no
// other failure did, and that the decisions follow the seed.
func TestFaultRates(t *testing.T) {
	const writes = 1500
	const failRate, lostRate = 0.3, 0.5
	run := func(seed int64) (outcomes []bool, s *Server) {
		s = New(t, Options{APIKey: key, FailRate: failRate, LostAnswerRate: lostRate, Seed: seed})
		for i := range writes {
			r := call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "w-"+strconv.Itoa(i)))
			outcomes = append(outcomes, r.err == nil && r.status == http.StatusCreated)
			if r.err == nil && r.status != http.StatusCreated && r.status != http.StatusInternalServerError && r.status != http.StatusServiceUnavailable {
				t.Fatalf("write %d: HTTP %d %s", i, r.status, r.body)
			}
		}
		return outcomes, s
	}
	outcomes, s := run(42)
	st := s.Stats()
	within := func(name string, got, n int, p float64) {
		t.Helper()
		sd := math.Sqrt(float64(n) * p * (1 - p))
		if math.Abs(float64(got)-float64(n)*p) > 5*sd {
			t.Errorf("%s: %d of %d, want about %.0f (±%.0f)", name, got, n, float64(n)*p, 5*sd)
		}
	}
	within("failed writes", st.Failed, writes, failRate)
	within("lost answers among failures", st.LostAnswers, st.Failed, lostRate)
	succeeded := 0
	summaries := map[string]int{}
	for _, is := range s.Issues() {
		summaries[is.Summary]++
	}
	appliedFailures := 0
	for i, ok := range outcomes {
		n := summaries["w-"+strconv.Itoa(i)]
		switch {
		case n > 1:
			t.Fatalf("write %d applied %d times", i, n)
		case ok && n != 1:
			t.Fatalf("write %d succeeded but is not stored", i)
		case ok:
			succeeded++
		case n == 1:
			appliedFailures++
		}
	}
	if appliedFailures != st.LostAnswers || succeeded+st.Failed != writes || st.Applied != succeeded+st.LostAnswers {
		t.Errorf("%d failed writes were applied, %d succeeded; stats %+v", appliedFailures, succeeded, st)
	}
	again, _ := run(42)
	if !slices.Equal(outcomes, again) {
		t.Error("the same seed gave different decisions")
	}
	other, _ := run(43)
	if slices.Equal(outcomes, other) {
		t.Error("another seed gave the same decisions")
	}
}

func TestRateLimitEvery(t *testing.T) {
	s := New(t, Options{APIKey: key, RateLimitEvery: 3, Now: func() time.Time { return time.Unix(1_767_323_045, 0) }})
	for i := 1; i <= 7; i++ {
		r := call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "w"))
		if i%3 != 0 {
			if r.status != http.StatusCreated {
				t.Fatalf("write %d: HTTP %d", i, r.status)
			}
			continue
		}
		codes, _ := errorMessages(t, r)
		if r.status != http.StatusTooManyRequests || !slices.Equal(codes, []int{codeTooManyRequests}) {
			t.Fatalf("write %d: HTTP %d codes %v, want 429 with code 13", i, r.status, codes)
		}
		h := r.header
		if h.Get("Retry-After") != "1" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Limit") != "150" || h.Get("X-RateLimit-Reset") != "1767323046" {
			t.Errorf("write %d: headers %v", i, h)
		}
	}
	if got, st := len(s.Issues()), s.Stats(); got != 5 || st.RateLimited != 2 || st.Writes != 7 {
		t.Errorf("%d issues, stats %+v; want 5 applied, 2 rate-limited of 7", got, st)
	}
}

// TestWriteTiming checks the write counters with a scripted clock: the
// gap between writes is measured on Options.Now, reads do not count.
func TestWriteTiming(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := []time.Duration{0, 5 * time.Second, 6 * time.Second, 7500 * time.Millisecond, 20 * time.Second}
	var calls atomic.Int64
	s := New(t, Options{APIKey: key, Now: func() time.Time {
		i := int(calls.Add(1)) - 1
		return start.Add(clock[min(i, len(clock)-1)])
	}})
	if s.MinWriteGap() != 0 || s.MaxConcurrentWrites() != 0 {
		t.Fatal("counters not zero before any write")
	}
	call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "a")) // at 0
	if s.MinWriteGap() != 0 {
		t.Errorf("MinWriteGap %v after one write, want 0", s.MinWriteGap())
	}
	call(t, s, http.MethodPost, "/api/v2/issues", key, nil, issueForm("1", "b"))                          // at 5s
	call(t, s, http.MethodGet, "/api/v2/issues", key, nil, nil)                                           // at 6s: a read
	call(t, s, http.MethodPatch, "/api/v2/issues/PROJ-1", key, nil, url.Values{"statusId": {"2"}})        // at 7.5s
	call(t, s, http.MethodPost, "/api/v2/issues/PROJ-1/comments", key, nil, url.Values{"content": {"c"}}) // at 20s
	if got := s.MinWriteGap(); got != 2500*time.Millisecond {
		t.Errorf("MinWriteGap = %v, want 2.5s (5s → 7.5s)", got)
	}
	if s.Writes() != 4 || s.MaxConcurrentWrites() != 1 {
		t.Errorf("Writes %d, MaxConcurrentWrites %d; want 4 sequential writes", s.Writes(), s.MaxConcurrentWrites())
	}
}

// TestConcurrentWriteAccounting drives the in-flight count directly: three
// writes begun before any finished were in flight at once.
func TestConcurrentWriteAccounting(t *testing.T) {
	s := New(t, Options{})
	now := time.Now()
	_, done1 := s.beginWrite(now)
	_, done2 := s.beginWrite(now)
	n, done3 := s.beginWrite(now)
	done1()
	done2()
	done3()
	_, done4 := s.beginWrite(now)
	done4()
	if n != 3 || s.MaxConcurrentWrites() != 3 || s.Writes() != 4 || s.inFlight != 0 {
		t.Errorf("ordinal %d, max %d, writes %d, in flight %d", n, s.MaxConcurrentWrites(), s.Writes(), s.inFlight)
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"zero", Options{}, ""},
		{"fail rate", Options{FailRate: 1.5}, "Options.FailRate"},
		{"fail rate NaN", Options{FailRate: math.NaN()}, "Options.FailRate"},
		{"lost rate", Options{LostAnswerRate: -0.1}, "Options.LostAnswerRate"},
		{"rate limit", Options{RateLimitEvery: -1}, "Options.RateLimitEvery"},
		{"project", Options{ProjectID: -3}, "Options.ProjectID"},
		{"project key", Options{ProjectKey: "sec"}, "Options.ProjectKey"},
		{"delay", Options{WriteDelay: -time.Second}, "Options.WriteDelay"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.check()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("check = %v, want %q", err, tt.want)
			}
		})
	}
}
