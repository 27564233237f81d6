package github

import (
	"encoding/json"
	"testing"

	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzIssueOverride feeds arbitrary json override output (through a
// template that writes the route as it is) to the issue merge: it never
// panics, and an issue it builds is within GitHub's limits with the
// delivery marker last.
func FuzzIssueOverride(f *testing.F) {
	for _, seed := range []string{
		`{"title": "t", "body": "b", "labels": ["x"]}`, `{"labels": ["", "a"]}`, `{"title": "  "}`,
		`{"assignees": ["a"]}`, `[]`, `{}`, `{"body": null}`, `{"labels": ["a", "A"]}`,
	} {
		f.Add(seed)
	}
	b, err := NewBuilder(overrideConfig(render.Override{Template: "{{ .Route }}", Format: render.FormatJSON}), render.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !json.Valid([]byte(data)) {
			return
		}
		m := sampleNamed(t, "new-rds1")
		m.Route = data
		req, err := b.Build(m)
		if err != nil {
			return
		}
		title, body := req.Issue.GetTitle(), req.Issue.GetBody()
		if title == "" || render.UTF16Len(title) > MaxTitle || render.UTF16Len(body) > MaxBody || len(req.Issue.GetLabels()) > maxLabels {
			t.Fatalf("title %d, body %d units, %d labels", render.UTF16Len(title), render.UTF16Len(body), len(req.Issue.GetLabels()))
		}
		if req.Marker != "" && body[len(body)-len(req.Marker):] != req.Marker {
			t.Fatal("the delivery marker is not last")
		}
	})
}
