package hubtest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// A server seeded with a finding, queried and updated through the real
// SDK client.
func ExampleNew() {
	hub := hubtest.New(hubtest.Options{})
	defer hub.Close()

	raw, err := os.ReadFile("testdata/asff/08-guardduty-ssh-bruteforce.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := hub.AddFindings(raw); err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	client := hub.Client()
	out, err := client.GetFindings(ctx, &securityhub.GetFindingsInput{
		Filters: &types.AwsSecurityFindingFilters{
			ProductName: []types.StringFilter{{Value: aws.String("GuardDuty"), Comparison: types.StringFilterComparisonEquals}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := out.Findings[0]
	fmt.Println(*f.Title, f.Workflow.Status)

	upd, err := client.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: f.Id, ProductArn: f.ProductArn}},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusNotified},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(upd.ProcessedFindings), "updated;", hub.Calls("GetFindings"), "GetFindings call")
	// Output:
	// 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356. NEW
	// 1 updated; 1 GetFindings call
}
