package backlog_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/backlog"
	"github.com/hubrelay/hubrelay/internal/render"
)

// A new finding becomes an Add Issue request; the same finding resolved
// later closes the issue its first delivery created.
func ExampleBuildRequest() {
	cfg := &backlog.Config{
		Space:       "https://example.backlog.jp",
		APIKey:      "never-printed",
		ProjectID:   12345,
		IssueTypeID: 67890,
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

	create, err := backlog.BuildRequest(&notify.Message{Kind: notify.KindNew, Key: "k1", Finding: f}, cfg, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(create.Action, create.Method, create.Path)
	fmt.Println("summary:", create.Form.Get("summary"))
	fmt.Println("priorityId:", create.Form.Get("priorityId"))

	resolved := &notify.Message{Kind: notify.KindResolved, Key: "k2", Finding: f, Previous: &notify.Receipt{ID: "SEC-123"}}
	closeIssue, err := backlog.BuildRequest(resolved, cfg, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(closeIssue.Action, closeIssue.Method, closeIssue.Path, "statusId:", closeIssue.Form.Get("statusId"))
	// Output:
	// create issue POST /api/v2/issues
	// summary: [高] S3.8 S3 general purpose buckets should block public access
	// priorityId: 2
	// update issue PATCH /api/v2/issues/SEC-123 statusId: 4
}
