package hubtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// Readers, writers and the seeding methods at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	s, _ := seededServer(t, Options{})
	gd := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
	arn := productARN(t, gd)
	const workers, rounds = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*3)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := s.Client()
			for r := range rounds {
				id := fmt.Sprintf("concurrent-%d-%d", w, r)
				if err := s.AddFindings(withID(t, gd, id, testNow)); err != nil {
					errs <- err
					return
				}
				if _, err := c.BatchUpdateFindings(context.Background(), &securityhub.BatchUpdateFindingsInput{
					FindingIdentifiers: []types.AwsSecurityFindingIdentifier{ident(id, arn)},
					Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusNotified},
				}); err != nil {
					errs <- err
				}
				if _, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{MaxResults: aws.Int32(10)}); err != nil {
					errs <- err
				}
				s.AddMembers(Member{AccountID: fmt.Sprintf("%012d", w*100+r), UpdatedAt: time.Now()})
				_ = s.Calls("GetFindings")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, _ := allFindings(t, s.Client(), &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
		Id:             []types.StringFilter{{Value: aws.String("concurrent-"), Comparison: types.StringFilterComparisonPrefix}},
		WorkflowStatus: []types.StringFilter{{Value: aws.String("NOTIFIED"), Comparison: types.StringFilterComparisonEquals}},
	}})
	if len(got) != workers*rounds {
		t.Errorf("%d findings updated, want %d", len(got), workers*rounds)
	}
	if s.Calls("GetFindings") < workers*rounds {
		t.Errorf("Calls(GetFindings) = %d", s.Calls("GetFindings"))
	}
}
