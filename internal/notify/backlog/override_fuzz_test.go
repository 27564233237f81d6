package backlog

import (
	"strconv"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzIssueOverride feeds arbitrary json override output to the Add Issue
// merge: it never panics, and a form it accepts has the required fields
// (numeric IDs, a summary within Backlog's limit).
func FuzzIssueOverride(f *testing.F) {
	for _, seed := range []string{
		`{"projectId": "BacklogのプロジェクトID", "priorityId": "3", "summary": "s", "description": "d"}`,
		`{"summary": "", "categoryId[]": [1, "2", true]}`, `{"projectId": 1.5e3}`, `{"customField_12": null}`,
		`[]`, `"x"`, `{"statusId": 1}`, `{"summary": {"a": 1}}`, `{"notifiedUserId[]": []}`,
	} {
		f.Add([]byte(seed))
	}
	cfg := testConfig("https://example.backlog.jp")
	b, err := NewBuilder(cfg, render.Options{Language: render.Japanese})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		item := fixture(t, fxGuardDuty)
		m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: item.Finding}
		builtin, err := b.createIssue(m)
		if err != nil {
			t.Fatal(err)
		}
		req, err := b.createIssueFromJSON(m, data, builtin)
		if err != nil {
			return
		}
		for _, k := range []string{"projectId", "issueTypeId", "priorityId"} {
			if _, err := strconv.ParseInt(req.Form.Get(k), 10, 64); err != nil {
				t.Fatalf("%s = %q", k, req.Form.Get(k))
			}
		}
		if n := render.UTF16Len(req.Form.Get("summary")); n == 0 || n > MaxSummary {
			t.Fatalf("summary of %d units", n)
		}
		if n := render.UTF16Len(req.Form.Get("description")); n > MaxDescription {
			t.Fatalf("description of %d units", n)
		}
	})
}
