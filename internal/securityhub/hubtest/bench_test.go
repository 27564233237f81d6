package hubtest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// BenchmarkGetFindingsPaging pages through 2000 findings, 100 a page, with
// a filter, as the poller does.
func BenchmarkGetFindingsPaging(b *testing.B) {
	s := New(Options{})
	defer s.Close()
	gd := readFixture(b, "asff/08-guardduty-ssh-bruteforce.json")
	batch := make([][]byte, 0, 2000)
	for i := range 2000 {
		batch = append(batch, withID(b, gd, fmt.Sprintf("bench-%d", i), testNow))
	}
	for _, raw := range batch {
		if err := s.AddFindings(raw); err != nil {
			b.Fatal(err)
		}
	}
	c := s.Client()
	in := &securityhub.GetFindingsInput{
		MaxResults: aws.Int32(100),
		Filters: &types.AwsSecurityFindingFilters{
			ProductName:   []types.StringFilter{{Value: aws.String("GuardDuty"), Comparison: types.StringFilterComparisonEquals}},
			SeverityLabel: []types.StringFilter{{Value: aws.String("MEDIUM"), Comparison: types.StringFilterComparisonEquals}},
		},
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		p := securityhub.NewGetFindingsPaginator(c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.Findings)
		}
		if n != 2000 {
			b.Fatalf("%d findings", n)
		}
	}
}

// BenchmarkAddFindings measures seeding: one AddFindings call of 1,000
// findings (validated, wrapped in their event and indexed as
// BatchImportFindings would store them), per op.
func BenchmarkAddFindings(b *testing.B) {
	gd := readFixture(b, "asff/08-guardduty-ssh-bruteforce.json")
	batch := make([]json.RawMessage, 0, 1000)
	for i := range 1000 {
		batch = append(batch, withID(b, gd, fmt.Sprintf("bench-%d", i), testNow))
	}
	b.ReportAllocs()
	for b.Loop() {
		s := New(Options{})
		if err := s.AddFindings(batch...); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
