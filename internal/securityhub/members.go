package securityhub

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// membersPage is the MaxResults of each ListMembers call.
const membersPage = 50

// Member is one member account of the Security Hub administrator account.
type Member struct {
	AccountID       string
	Email           string
	AdministratorID string
	// Status is the relationship: Created, Invited, Enabled, Removed,
	// Resigned, Deleted or AccountSuspended.
	Status    string
	InvitedAt time.Time // zero when not invited
	UpdatedAt time.Time
}

// ListMembers returns the member accounts, every page of ListMembers (50 a
// call), in the order the API returns them. onlyAssociated keeps the
// members whose status is Enabled (the API's OnlyAssociated); false lists
// every member, resigned and removed ones included, which member
// monitoring needs. Safe for concurrent use.
func (c *Client) ListMembers(ctx context.Context, onlyAssociated bool) ([]Member, error) {
	p := securityhub.NewListMembersPaginator(c.api, &securityhub.ListMembersInput{
		MaxResults: aws.Int32(membersPage), OnlyAssociated: aws.Bool(onlyAssociated)})
	var out []Member
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("securityhub: list members: %w", err)
		}
		for _, m := range page.Members {
			out = append(out, Member{
				AccountID:       aws.ToString(m.AccountId),
				Email:           aws.ToString(m.Email),
				AdministratorID: aws.ToString(m.AdministratorId),
				Status:          aws.ToString(m.MemberStatus),
				InvitedAt:       aws.ToTime(m.InvitedAt).UTC(),
				UpdatedAt:       aws.ToTime(m.UpdatedAt).UTC(),
			})
		}
	}
	return out, nil
}
