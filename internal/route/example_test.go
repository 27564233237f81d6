package route_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/route"
)

func Example() {
	cfg, err := config.Parse("hubrelay.yaml", []byte(`
destinations:
  chat: {stdout: {}}
  tickets: {stdout: {}}
routes:
  - name: critical
    pattern: {detail: {findings: {Severity: {Label: [CRITICAL]}}}}
    to: [chat, tickets]
  - name: per-account
    filters: {RecordState: [{Value: ACTIVE, Comparison: EQUALS}]}
    to: [chat]
    group: {by: [AwsAccountId]}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	router, err := route.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	items, _ := finding.Decode("finding.json", []byte(`{
  "SchemaVersion": "2018-10-08",
  "Id": "example-finding-1",
  "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
  "GeneratorId": "example",
  "AwsAccountId": "111111111111",
  "Types": ["Software and Configuration Checks"],
  "CreatedAt": "2026-01-01T00:00:00Z",
  "UpdatedAt": "2026-01-01T00:00:00Z",
  "Severity": {"Label": "CRITICAL"},
  "Title": "An example",
  "Description": "An example finding",
  "Resources": [{"Type": "AwsAccount", "Id": "AWS::::Account:111111111111"}],
  "RecordState": "ACTIVE"
}`))
	decision, err := router.Route(items[0], time.Now())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("routes:", decision.Routes)
	fmt.Println("destinations:", decision.Destinations)
	for _, d := range decision.Deliveries {
		fmt.Println(d.Route, "->", d.Destination, d.GroupKey)
	}
	// Output:
	// routes: [critical per-account]
	// destinations: [chat tickets]
	// critical -> chat example-finding-1
	// critical -> tickets example-finding-1
	// per-account -> chat ["per-account","111111111111"]
}
