package jira

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// checkRequestPayload asserts what every built request must be, whatever
// the message: bodies that marshal to valid JSON, a one-line summary of at
// most MaxSummary characters, texts within MaxText, valid ADF for v3, and
// links that either are the destination's own (labelled, to the console or
// a remediation page) or show their own target.
func checkRequestPayload(t testing.TB, req Request) {
	t.Helper()
	var texts []any
	switch req.Action {
	case ActionNone:
		return
	case ActionCreateIssue:
		f := req.Issue.Fields
		if f.Summary == "" || strings.ContainsAny(f.Summary, "\r\n") || render.UTF16Len(f.Summary) > MaxSummary || !utf8.ValidString(f.Summary) {
			t.Errorf("summary %q must be one non-empty line of at most %d characters", f.Summary, MaxSummary)
		}
		for _, l := range f.Labels {
			if l == "" || strings.ContainsAny(l, " \t\r\n") {
				t.Errorf("label %q is not a Jira label", l)
			}
		}
		texts = append(texts, f.Description)
		checkJSON(t, req.Issue)
	case ActionAddComment, ActionTransition:
		texts = append(texts, req.Comment.Body)
		checkJSON(t, req.Comment)
	}
	for _, text := range texts {
		switch v := text.(type) {
		case string:
			if req.APIVersion != 2 {
				t.Errorf("v%d text is wiki markup", req.APIVersion)
			}
			if render.UTF16Len(v) > MaxText || !utf8.ValidString(v) {
				t.Errorf("wiki text is %d UTF-16 units (max %d) or not UTF-8", render.UTF16Len(v), MaxText)
			}
			checkWiki(t, v)
		case *Node:
			if req.APIVersion != 3 {
				t.Errorf("v%d text is ADF", req.APIVersion)
			}
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("ADF does not marshal: %v", err)
			}
			if render.UTF16Len(string(data)) > MaxText {
				t.Errorf("ADF document is %d UTF-16 units of JSON, over %d", render.UTF16Len(string(data)), MaxText)
			}
			doc := decodeJSON(t, v)
			for _, e := range checkADF(doc) {
				t.Errorf("ADF: %s", e)
			}
			checkLinks(t, adfLinks(doc))
		default:
			t.Errorf("text of type %T", text)
		}
	}
}

func checkJSON(t testing.TB, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil || !json.Valid(data) {
		t.Fatalf("body does not marshal to valid JSON: %v", err)
	}
}

// ownLinkLabels are the labels of the links the built-in texts write.
var ownLinkLabels = []string{
	"Security Hub", "Open in Security Hub", "Security Hubで開く", "Recommendation", "推奨事項",
	"Open these findings in Security Hub", "これらの検出結果を Security Hubで開く",
}

// checkLinks asserts that every link is labelled by the destination itself
// or shows its own target, so finding text cannot hide where a link goes.
func checkLinks(t testing.TB, links [][2]string) {
	t.Helper()
	for _, l := range links {
		text, href := l[0], l[1]
		if text == href {
			continue
		}
		own := false
		for _, label := range ownLinkLabels {
			own = own || text == label
		}
		if !own {
			t.Errorf("link %q → %q is neither labelled by the destination nor shows its target", text, href)
		}
	}
}
