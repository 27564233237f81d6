package github_test

import (
	"fmt"
	"os"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/github"
	"github.com/hubrelay/hubrelay/internal/render"
)

// ExampleBuildRequest shows what a new finding becomes: the issue's title
// and labels (the body is render's Markdown issue body).
func ExampleBuildRequest() {
	data, _ := os.ReadFile("testdata/asff/17-eb-customaction-securityhub-fsbp-rds1-critical.json")
	items, _ := finding.Decode("rds1.json", data)
	m := &notify.Message{Kind: notify.KindNew, Route: "tickets", Destination: "github", Key: "k1", Finding: items[0].Finding}
	cfg := &github.Config{Owner: "example-org", Repo: "security-findings", Token: "ghp_example", Labels: []string{"security-hub"}}

	req, err := github.BuildRequest(m, cfg, render.Options{Language: render.English})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Action)
	fmt.Println(req.Issue.GetTitle())
	fmt.Println(*req.Issue.Labels)

	m.Kind, m.Previous = notify.KindResolved, &notify.Receipt{ID: "12"}
	req, _ = github.BuildRequest(m, cfg, render.Options{Language: render.English})
	fmt.Println(req.Action, req.Number, req.State.GetState(), req.State.GetStateReason())
	// Output:
	// create issue
	// [Critical] RDS.1 RDS snapshot should be private
	// [severity:critical security-hub]
	// close issue 12 closed completed
}
