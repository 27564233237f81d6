package securityhub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// Limits of a custom action target, as CreateActionTarget documents them.
const (
	MaxActionID          = 20 // alphanumeric characters
	MaxActionName        = 20 // characters
	MaxActionDescription = 256
)

// ActionTarget is a Security Hub custom action: the console's "Actions"
// menu entry whose clicks reach EventBridge as "Security Hub Findings -
// Custom Action" events, which hubrelay routes like any other.
type ActionTarget struct {
	ID          string // 1-20 letters and digits; the last part of the ARN
	Name        string // 1-20 characters, shown in the console
	Description string // 1-256 characters
}

// Validate reports the first way a breaks the documented limits.
func (a ActionTarget) Validate() error {
	switch {
	case a.ID == "":
		return errors.New("id is empty")
	case len(a.ID) > MaxActionID:
		return fmt.Errorf("id %q is %d characters; at most %d", a.ID, len(a.ID), MaxActionID)
	case strings.TrimFunc(a.ID, isAlnum) != "":
		return fmt.Errorf("id %q: only letters a-z, A-Z and digits", a.ID)
	case strings.TrimSpace(a.Name) == "":
		return fmt.Errorf("action %s: name is empty", a.ID)
	case !utf8.ValidString(a.Name) || utf8.RuneCountInString(a.Name) > MaxActionName:
		return fmt.Errorf("action %s: name %q is %d characters; at most %d", a.ID, a.Name, utf8.RuneCountInString(a.Name), MaxActionName)
	case strings.TrimSpace(a.Description) == "":
		return fmt.Errorf("action %s: description is empty", a.ID)
	case !utf8.ValidString(a.Description) || utf8.RuneCountInString(a.Description) > MaxActionDescription:
		return fmt.Errorf("action %s: description is %d characters; at most %d", a.ID, utf8.RuneCountInString(a.Description), MaxActionDescription)
	}
	return nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Actions keeps the account's custom action targets in step with the
// config. Safe for concurrent use, though two Syncs at once may both try to
// create a missing target (the second then fails with
// ResourceConflictException).
type Actions struct {
	c   *Client
	log *slog.Logger
}

// NewActions returns Actions calling Security Hub through c.
func NewActions(c *Client) *Actions { return &Actions{c: c, log: c.log} }

// Sync makes the action targets of want exist with their names and
// descriptions: it lists the existing targets (DescribeActionTargets, all
// pages), creates the missing ones and updates those that differ, and
// returns the IDs of each kind in want's order. Targets not in want are
// left alone. want is checked first: nothing is changed when an entry
// breaks the limits or an ID is given twice. On an API error the changes
// made so far stay and are returned with it. Called at start-up and by
// `hubrelay actions sync`.
func (a *Actions) Sync(ctx context.Context, want []ActionTarget) (created, updated, unchanged []string, err error) {
	seen := map[string]bool{}
	for i, t := range want {
		if err := t.Validate(); err != nil {
			return nil, nil, nil, fmt.Errorf("securityhub: actions[%d]: %w", i, err)
		}
		if seen[t.ID] {
			return nil, nil, nil, fmt.Errorf("securityhub: actions[%d]: id %q is given twice", i, t.ID)
		}
		seen[t.ID] = true
	}
	existing, err := a.list(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, t := range want {
		cur, ok := existing[t.ID]
		switch {
		case !ok:
			_, err := a.c.api.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{
				Id: aws.String(t.ID), Name: aws.String(t.Name), Description: aws.String(t.Description)})
			if err != nil {
				return created, updated, unchanged, fmt.Errorf("securityhub: create action target %s: %w", t.ID, err)
			}
			created = append(created, t.ID)
			a.log.Info("securityhub: action target created", slog.String("action", t.ID))
		case cur.name != t.Name || cur.description != t.Description:
			_, err := a.c.api.UpdateActionTarget(ctx, &securityhub.UpdateActionTargetInput{
				ActionTargetArn: aws.String(cur.arn), Name: aws.String(t.Name), Description: aws.String(t.Description)})
			if err != nil {
				return created, updated, unchanged, fmt.Errorf("securityhub: update action target %s: %w", t.ID, err)
			}
			updated = append(updated, t.ID)
			a.log.Info("securityhub: action target updated", slog.String("action", t.ID))
		default:
			unchanged = append(unchanged, t.ID)
		}
	}
	return created, updated, unchanged, nil
}

type existingTarget struct{ arn, name, description string }

// customActionPart precedes the ID in a custom action target's ARN:
// arn:aws:securityhub:REGION:ACCOUNT:action/custom/ID.
const customActionPart = ":action/custom/"

// list returns the account's custom action targets by ID.
func (a *Actions) list(ctx context.Context) (map[string]existingTarget, error) {
	out := map[string]existingTarget{}
	p := securityhub.NewDescribeActionTargetsPaginator(a.c.api, &securityhub.DescribeActionTargetsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("securityhub: describe action targets: %w", err)
		}
		for _, t := range page.ActionTargets {
			arn := aws.ToString(t.ActionTargetArn)
			i := strings.LastIndex(arn, customActionPart)
			if i < 0 {
				continue
			}
			out[arn[i+len(customActionPart):]] = existingTarget{arn: arn, name: aws.ToString(t.Name), description: aws.ToString(t.Description)}
		}
	}
	return out, nil
}
