package hubtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

func listAllMembers(t *testing.T, c *securityhub.Client, in *securityhub.ListMembersInput) ([]types.Member, int) {
	t.Helper()
	var out []types.Member
	pages := 0
	p := securityhub.NewListMembersPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		out = append(out, page.Members...)
	}
	return out, pages
}

func TestListMembers(t *testing.T) {
	s := NewTest(t, Options{AccountID: "999999999999"})
	updated := time.Date(2025, 4, 1, 9, 30, 0, 0, time.UTC)
	statuses := []string{"Enabled", "Resigned", "Removed", "Invited"}
	for i := range 60 {
		s.AddMembers(Member{
			AccountID:    fmt.Sprintf("1000000000%02d", i),
			Email:        fmt.Sprintf("m%d@example.com", i),
			MemberStatus: statuses[i%4],
			UpdatedAt:    updated,
		})
	}
	s.AddMembers(Member{AccountID: "200000000000", Associated: true}) // status defaults to Enabled
	c := s.Client()

	tests := []struct {
		name      string
		in        *securityhub.ListMembersInput
		wantCount int
		wantPages int
	}{
		{"default: associated only, 50 a page", &securityhub.ListMembersInput{}, 16, 1},
		{"associated, small pages", &securityhub.ListMembersInput{MaxResults: aws.Int32(5)}, 16, 4},
		{"everyone", &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(false)}, 61, 2},
		{"everyone, 7 a page", &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(false), MaxResults: aws.Int32(7)}, 61, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := listAllMembers(t, c, tt.in)
			if len(got) != tt.wantCount || pages != tt.wantPages {
				t.Fatalf("%d members in %d pages, want %d in %d", len(got), pages, tt.wantCount, tt.wantPages)
			}
			for i, m := range got {
				if i > 0 && aws.ToString(got[i-1].AccountId) >= aws.ToString(m.AccountId) {
					t.Errorf("not ordered by account ID at %d", i)
				}
				if aws.ToString(m.AdministratorId) != "999999999999" {
					t.Errorf("AdministratorId %q", aws.ToString(m.AdministratorId))
				}
				if (tt.in.OnlyAssociated == nil || *tt.in.OnlyAssociated) && aws.ToString(m.MemberStatus) != "Enabled" {
					t.Errorf("OnlyAssociated listed a %s member", aws.ToString(m.MemberStatus))
				}
			}
		})
	}

	got, _ := listAllMembers(t, c, &securityhub.ListMembersInput{MaxResults: aws.Int32(1)})
	if m := got[0]; aws.ToString(m.Email) != "m0@example.com" || m.UpdatedAt == nil || !m.UpdatedAt.Equal(updated) || m.InvitedAt != nil {
		t.Errorf("first member %+v", m)
	}

	_, err := c.ListMembers(context.Background(), &securityhub.ListMembersInput{MaxResults: aws.Int32(51)})
	var iie *types.InvalidInputException
	if !errors.As(err, &iie) || !strings.Contains(iie.ErrorMessage(), "1 to 50") {
		t.Errorf("MaxResults 51: got %v, want InvalidInputException", err)
	}
	_, err = c.ListMembers(context.Background(), &securityhub.ListMembersInput{NextToken: aws.String("x")})
	if !errors.As(err, &iie) {
		t.Errorf("bad NextToken: got %v, want InvalidInputException", err)
	}
}
