package jira_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/jira"
	"github.com/hubrelay/hubrelay/internal/render"
)

// A new finding becomes a Create issue request, labelled with its
// delivery's marker (notify.Marker("k1")); the same finding resolved later
// moves the issue its first delivery created through the resolve
// transition, with a comment.
func ExampleBuildRequest() {
	cfg := &jira.Config{
		URL:        "https://example.atlassian.net",
		Email:      "secbot@example.com",
		APIToken:   "never-printed",
		ProjectKey: "SEC",
		IssueType:  "Bug",
		Priority:   jira.Priority{BySeverity: map[string]string{"HIGH": "High"}},
		Labels:     []string{"security hub"},
	}
	f := &finding.Finding{
		ID:          "arn:aws:securityhub:ap-northeast-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.8/finding/0001",
		Title:       "S3.8 S3 general purpose buckets should block public access",
		Description: "This control checks whether an S3 bucket blocks public access.",
		AccountID:   "123456789012",
		Region:      "ap-northeast-1",
		Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
		UpdatedAt:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Format:      finding.FormatASFF,
	}
	opts := render.Options{Language: render.Japanese, Region: "ap-northeast-1"}

	create, err := jira.BuildRequest(&notify.Message{Kind: notify.KindNew, Key: "k1", Finding: f}, cfg, opts)
	if err != nil {
		panic(err)
	}
	fields := create.Issue.Fields
	fmt.Println(create.Action, "POST", create.IssuePath())
	fmt.Println("summary:", fields.Summary)
	fmt.Println("priority:", fields.Priority["name"], "labels:", fields.Labels)
	fmt.Printf("description: %s document, %d blocks\n", fields.Description.(*jira.Node).Type, len(fields.Description.(*jira.Node).Content))

	resolved := &notify.Message{Kind: notify.KindResolved, Key: "k2", Finding: f, Previous: &notify.Receipt{ID: "SEC-123"}}
	resolve, err := jira.BuildRequest(resolved, cfg, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(resolve.Action, resolve.TransitionsPath(), "to", resolve.Transition.Name, "then", resolve.CommentPath())
	// Output:
	// create issue POST /rest/api/3/issue
	// summary: [高] S3.8 S3 general purpose buckets should block public access
	// priority: High labels: [security_hub hubrelay-6ab9f1eb8f7d3388]
	// description: doc document, 8 blocks
	// transition issue /rest/api/3/issue/SEC-123/transitions to Done then /rest/api/3/issue/SEC-123/comment
}

// EscapeWiki makes finding text literal in wiki markup (REST API v2).
func ExampleEscapeWiki() {
	fmt.Println(jira.EscapeWiki("[phish|https://evil.example] *urgent* in eu-west-1 {code}"))
	// Output:
	// \[phish\|https://evil.example\] \*urgent\* in eu-west-1 \{code\}
}
