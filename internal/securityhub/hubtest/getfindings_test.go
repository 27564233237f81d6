package hubtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/pattern"
)

// allFindings pages through GetFindings with the SDK paginator.
func allFindings(t *testing.T, c *securityhub.Client, in *securityhub.GetFindingsInput) ([]types.AwsSecurityFinding, int) {
	t.Helper()
	var out []types.AwsSecurityFinding
	pages := 0
	p := securityhub.NewGetFindingsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetFindings page %d: %v", pages+1, err)
		}
		pages++
		out = append(out, page.Findings...)
	}
	return out, pages
}

func TestGetFindingsEveryFixtureThroughThePaginator(t *testing.T) {
	s, names := seededServer(t, Options{Now: NewClock(testNow).Now})
	got, pages := allFindings(t, s.Client(), &securityhub.GetFindingsInput{MaxResults: aws.Int32(5)})
	if len(got) != len(names) {
		t.Fatalf("got %d findings, want %d", len(got), len(names))
	}
	if want := (len(names) + 4) / 5; pages != want {
		t.Errorf("%d pages, want %d", pages, want)
	}
	seen := map[string]bool{}
	var prev time.Time
	for i, f := range got {
		if f.Id == nil || f.ProductArn == nil || f.Workflow == nil {
			t.Fatalf("finding %d lacks Id, ProductArn or Workflow: %+v", i, f)
		}
		if seen[*f.Id] {
			t.Errorf("%q returned twice", *f.Id)
		}
		seen[*f.Id] = true
		// Default order: UpdatedAt, newest first.
		updated, err := parseTimestamp(*f.UpdatedAt)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && updated.After(prev) {
			t.Errorf("finding %d (UpdatedAt %s) after one updated %s: not newest first", i, updated, prev)
		}
		prev = updated
	}
	if s.Calls("GetFindings") != pages {
		t.Errorf("Calls = %d, want %d", s.Calls("GetFindings"), pages)
	}
}

// fixtureNames maps returned findings to the two-digit prefix of their
// fixture files.
func fixtureNames(t *testing.T, names map[string]string, fs []types.AwsSecurityFinding) []string {
	t.Helper()
	var out []string
	for _, f := range fs {
		name, ok := names[*f.Id]
		if !ok {
			t.Fatalf("unknown finding %q", *f.Id)
		}
		out = append(out, name[:2])
	}
	return sortedStrings(out)
}

func TestGetFindingsFilters(t *testing.T) {
	s, names := seededServer(t, Options{Now: NewClock(testNow).Now})
	tests := []struct {
		name    string
		filters string
		want    string // fixture prefixes, sorted, space-separated
	}{
		{"no filters", `{}`, "01 02 06 07 08 09 10 11 12 13 15 16 17 19 24 25"},
		{"one label", `{"SeverityLabel":[{"Value":"CRITICAL","Comparison":"EQUALS"}]}`, "13 16 17 25"},
		{"labels OR'ed", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"},{"Value":"CRITICAL","Comparison":"EQUALS"}]}`, "13 16 17 19 25"},
		{"attributes AND'ed", `{"ComplianceStatus":[{"Value":"FAILED","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`, "01 02 06 13 17 24"},
		{"workflow NEW (default for findings without one)", `{"WorkflowStatus":[{"Value":"NEW","Comparison":"EQUALS"}]}`, "01 02 06 07 08 09 10 11 12 16 17 24 25"},
		{"account", `{"AwsAccountId":[{"Value":"111122223333","Comparison":"EQUALS"}]}`, "09 10 11"},
		{"product name from ProductFields", `{"ProductName":[{"Value":"GuardDuty","Comparison":"EQUALS"}]}`, "08"},
		{"resource type prefix", `{"ResourceType":[{"Value":"AwsEc2","Comparison":"PREFIX"}]}`, "08 09 19"},
		{"not equals holds when absent", `{"ComplianceStatus":[{"Value":"PASSED","Comparison":"NOT_EQUALS"}]}`, "01 02 06 07 08 09 10 11 13 16 17 19 24 25"},
		{"number range", `{"SeverityNormalized":[{"Gte":70}]}`, "13 16 17 19"},
		{"date start and end", `{"UpdatedAt":[{"Start":"2022-01-01T00:00:00Z","End":"2022-12-31T23:59:59Z"}]}`, "06 07 19 25"},
		{"date within days, none recent", `{"UpdatedAt":[{"DateRange":{"Value":30,"Unit":"DAYS"}}]}`, ""},
		{"date older than", `{"UpdatedAt":[{"DateRange":{"Value":1500,"Unit":"DAYS","Comparison":"OLDER_THAN"}}]}`, "01 02 07 08 09 10 12 13 15 16 17 24"},
		{"types prefix", `{"Type":[{"Value":"TTPs","Comparison":"PREFIX"}]}`, "08"},
		{"prefix then not equals", `{"ResourceType":[{"Value":"Aws","Comparison":"PREFIX"},{"Value":"AwsAccount","Comparison":"NOT_EQUALS"},{"Value":"AwsEc2Instance","Comparison":"NOT_EQUALS"}],"SeverityLabel":[{"Value":"INFORMATIONAL","Comparison":"NOT_EQUALS"}]}`, "01 02 06 10 11 16 17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var filters types.AwsSecurityFindingFilters
			if err := json.Unmarshal([]byte(tt.filters), &filters); err != nil {
				t.Fatal(err)
			}
			got, _ := allFindings(t, s.Client(), &securityhub.GetFindingsInput{Filters: &filters, MaxResults: aws.Int32(4)})
			gotNames := strings.Join(fixtureNames(t, names, got), " ")
			if gotNames != tt.want {
				t.Errorf("got  %s\nwant %s", gotNames, tt.want)
			}

			// The server and hubrelay's own compiler agree on every
			// stored finding.
			p, err := pattern.FromFilters([]byte(tt.filters))
			if err != nil {
				t.Fatal(err)
			}
			var agree []string
			for id, name := range names {
				raw, ok := s.Finding(productOf(t, s, id), id)
				if !ok {
					t.Fatalf("Finding(%q) missing", id)
				}
				event, err := finding.Wrap(raw)
				if err != nil {
					t.Fatal(err)
				}
				if ok, err := p.MatchAt(event, testNow); err != nil {
					t.Fatal(err)
				} else if ok {
					agree = append(agree, name[:2])
				}
			}
			if want := strings.Join(sortedStrings(agree), " "); want != gotNames {
				t.Errorf("pattern.FromFilters selects %s, the server %s", want, gotNames)
			}
		})
	}
}

// productOf finds the ProductArn of a stored finding by Id.
func productOf(t *testing.T, s *Server, id string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.state.asff {
		if k.id == id {
			return k.productARN
		}
	}
	t.Fatalf("no finding %q", id)
	return ""
}

func TestGetFindingsInvalidInput(t *testing.T) {
	s, _ := seededServer(t, Options{})
	c := s.Client()
	values := func(n int) []types.StringFilter {
		var fs []types.StringFilter
		for i := range n {
			fs = append(fs, types.StringFilter{Value: aws.String(fmt.Sprintf("%012d", i)), Comparison: types.StringFilterComparisonEquals})
		}
		return fs
	}
	eq := func(v string) []types.StringFilter {
		return []types.StringFilter{{Value: aws.String(v), Comparison: types.StringFilterComparisonEquals}}
	}
	eleven := &types.AwsSecurityFindingFilters{
		AwsAccountId: eq("1"), CompanyName: eq("1"), ComplianceStatus: eq("1"), GeneratorId: eq("1"),
		Id: eq("1"), ProductArn: eq("1"), ProductName: eq("1"), RecordState: eq("1"),
		SeverityLabel: eq("1"), Title: eq("1"), WorkflowStatus: eq("1"),
	}
	tests := []struct {
		name   string
		in     *securityhub.GetFindingsInput
		wantIn string
	}{
		{"MaxResults above 100", &securityhub.GetFindingsInput{MaxResults: aws.Int32(101)}, "MaxResults must be an integer from 1 to 100, got 101"},
		{"MaxResults 0", &securityhub.GetFindingsInput{MaxResults: aws.Int32(0)}, "MaxResults"},
		{"21 filter values", &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{AwsAccountId: values(21)}}, "up to 20 filter values, got 21"},
		{"11 attributes", &securityhub.GetFindingsInput{Filters: eleven}, "up to 10 finding attributes, got 11"},
		{"EQUALS with NOT_EQUALS", &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{SeverityLabel: []types.StringFilter{
			{Value: aws.String("LOW"), Comparison: types.StringFilterComparisonEquals},
			{Value: aws.String("HIGH"), Comparison: types.StringFilterComparisonNotEquals},
		}}}, "Filters.SeverityLabel"},
		{"garbage NextToken", &securityhub.GetFindingsInput{NextToken: aws.String("not-a-token")}, "NextToken is invalid"},
		{"unknown sort field", &securityhub.GetFindingsInput{SortCriteria: []types.SortCriterion{{Field: aws.String("Colour")}}}, `SortCriteria[0].Field: "Colour"`},
		{"bad sort order", &securityhub.GetFindingsInput{SortCriteria: []types.SortCriterion{{Field: aws.String("Title"), SortOrder: "up"}}}, "SortOrder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetFindings(context.Background(), tt.in)
			var iie *types.InvalidInputException
			if !errors.As(err, &iie) {
				t.Fatalf("got %v, want *types.InvalidInputException", err)
			}
			if !strings.Contains(iie.ErrorMessage(), tt.wantIn) {
				t.Errorf("message %q does not contain %q", iie.ErrorMessage(), tt.wantIn)
			}
		})
	}

	// A token is bound to its query: it cannot continue another one.
	first, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{MaxResults: aws.Int32(2)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	_, err = c.GetFindings(context.Background(), &securityhub.GetFindingsInput{
		NextToken: first.NextToken,
		Filters:   &types.AwsSecurityFindingFilters{SeverityLabel: eq("LOW")},
	})
	var iie *types.InvalidInputException
	if !errors.As(err, &iie) {
		t.Fatalf("a token of another query: got %v, want InvalidInputException", err)
	}
}

func TestGetFindingsSortCriteria(t *testing.T) {
	s, names := seededServer(t, Options{})
	tests := []struct {
		name     string
		criteria []types.SortCriterion
		filters  string
		want     string
	}{
		{"severity label ascending (by rank, not text)", []types.SortCriterion{{Field: aws.String("SeverityLabel"), SortOrder: types.SortOrderAscending}, {Field: aws.String("AwsAccountId"), SortOrder: types.SortOrderAscending}},
			`{"AwsAccountId":[{"Value":"111111111111","Comparison":"EQUALS"}]}`, "15 24 16 17"},
		{"normalized descending, missing last", []types.SortCriterion{{Field: aws.String("SeverityNormalized"), SortOrder: types.SortOrderDescending}},
			`{"SeverityLabel":[{"Value":"CRITICAL","Comparison":"EQUALS"},{"Value":"HIGH","Comparison":"EQUALS"}],"Id":[{"Value":"arn:aws:securityhub:us-west-1","Comparison":"PREFIX_NOT_EQUALS"}]}`, "16 17 19 25"},
		{"updated ascending across offsets", []types.SortCriterion{{Field: aws.String("UpdatedAt"), SortOrder: types.SortOrderAscending}},
			`{"ProductName":[{"Value":"Security Hub","Comparison":"NOT_EQUALS"}],"SeverityLabel":[{"Value":"CRITICAL","Comparison":"EQUALS"},{"Value":"LOW","Comparison":"EQUALS"}]}`, "10 24 25 11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var filters types.AwsSecurityFindingFilters
			if err := json.Unmarshal([]byte(tt.filters), &filters); err != nil {
				t.Fatal(err)
			}
			got, _ := allFindings(t, s.Client(), &securityhub.GetFindingsInput{Filters: &filters, SortCriteria: tt.criteria, MaxResults: aws.Int32(1)})
			var order []string
			for _, f := range got {
				order = append(order, names[*f.Id][:2])
			}
			if strings.Join(order, " ") != tt.want {
				t.Errorf("order %v, want %s", order, tt.want)
			}
		})
	}
}

// Pages of one query come from one result list; a change to the findings
// between pages makes the next page query again.
func TestGetFindingsPagesAndChanges(t *testing.T) {
	s := NewTest(t, Options{})
	gd := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
	arn := productARN(t, gd)
	for i := range 6 {
		if err := s.AddFindings(withID(t, gd, fmt.Sprintf("p-%d", i), testNow.Add(-time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	c := s.Client()
	ctx := context.Background()
	newOnly := &types.AwsSecurityFindingFilters{WorkflowStatus: []types.StringFilter{{Value: aws.String("NEW"), Comparison: types.StringFilterComparisonEquals}}}
	ids := func(out *securityhub.GetFindingsOutput) string {
		var s []string
		for _, f := range out.Findings {
			s = append(s, aws.ToString(f.Id))
		}
		return strings.Join(s, " ")
	}
	p1, err := c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: newOnly, MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p1); got != "p-0 p-1" {
		t.Fatalf("page 1: %s", got)
	}
	// p-2 leaves the result set before page 2 is asked for.
	if _, err := c.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{ident("p-2", arn)},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusNotified},
	}); err != nil {
		t.Fatal(err)
	}
	p2, err := c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: newOnly, MaxResults: aws.Int32(2), NextToken: p1.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p2); got != "p-3 p-4" {
		t.Fatalf("page 2 after the change: %s, want p-3 p-4 (queried again)", got)
	}
	p3, err := c.GetFindings(ctx, &securityhub.GetFindingsInput{Filters: newOnly, MaxResults: aws.Int32(2), NextToken: p2.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p3); got != "p-5" || p3.NextToken != nil {
		t.Fatalf("page 3: %s, next %v", got, p3.NextToken)
	}
}
