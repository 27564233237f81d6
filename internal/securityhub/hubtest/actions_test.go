package hubtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

func TestActionTargets(t *testing.T) {
	s := NewTest(t, Options{Region: "eu-central-1", AccountID: "444455556666"})
	c := s.Client()
	ctx := context.Background()

	var arns []string
	for i := range 7 {
		out, err := c.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{
			Name: aws.String(fmt.Sprintf("Send to Slack %d", i)), Description: aws.String("notify"), Id: aws.String(fmt.Sprintf("slack%d", i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.ActionTargetArn))
	}
	if want := "arn:aws:securityhub:eu-central-1:444455556666:action/custom/slack0"; arns[0] != want {
		t.Errorf("ARN %s, want %s", arns[0], want)
	}

	// All of them, paginated, in creation order.
	var listed []string
	p := securityhub.NewDescribeActionTargetsPaginator(c, &securityhub.DescribeActionTargetsInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.ActionTargets {
			listed = append(listed, aws.ToString(a.ActionTargetArn))
		}
	}
	if !equalStrings(listed, arns) {
		t.Errorf("described %v, want %v", listed, arns)
	}

	// Update, then describe by ARN.
	if _, err := c.UpdateActionTarget(ctx, &securityhub.UpdateActionTargetInput{ActionTargetArn: aws.String(arns[2]), Name: aws.String("Open a ticket"), Description: aws.String("ticket")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeActionTargets(ctx, &securityhub.DescribeActionTargetsInput{ActionTargetArns: []string{arns[2]}})
	if err != nil || len(out.ActionTargets) != 1 {
		t.Fatalf("describe by ARN: %v %+v", err, out)
	}
	if a := out.ActionTargets[0]; aws.ToString(a.Name) != "Open a ticket" || aws.ToString(a.Description) != "ticket" {
		t.Errorf("after update: %+v", a)
	}

	// Delete; then it is gone.
	del, err := c.DeleteActionTarget(ctx, &securityhub.DeleteActionTargetInput{ActionTargetArn: aws.String(arns[2])})
	if err != nil || aws.ToString(del.ActionTargetArn) != arns[2] {
		t.Fatalf("delete: %v %+v", err, del)
	}

	tests := []struct {
		name string
		call func() error
		want any
		msg  string
	}{
		{"duplicate Id", func() error {
			_, err := c.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{Name: aws.String("x"), Description: aws.String("d"), Id: aws.String("slack0")})
			return err
		}, &types.ResourceConflictException{}, "already exists"},
		{"Id not alphanumeric", func() error {
			_, err := c.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{Name: aws.String("x"), Description: aws.String("d"), Id: aws.String("slack-1")})
			return err
		}, &types.InvalidInputException{}, "alphanumeric"},
		{"Id of 21 characters", func() error {
			_, err := c.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{Name: aws.String("x"), Description: aws.String("d"), Id: aws.String(strings.Repeat("a", 21))})
			return err
		}, &types.InvalidInputException{}, "1 to 20 alphanumeric"},
		{"Name of 21 characters", func() error {
			_, err := c.CreateActionTarget(ctx, &securityhub.CreateActionTargetInput{Name: aws.String(strings.Repeat("n", 21)), Description: aws.String("d"), Id: aws.String("ok")})
			return err
		}, &types.InvalidInputException{}, "Name can contain 1 to 20 characters"},
		{"describe a deleted one", func() error {
			_, err := c.DescribeActionTargets(ctx, &securityhub.DescribeActionTargetsInput{ActionTargetArns: []string{arns[0], arns[2]}})
			return err
		}, &types.ResourceNotFoundException{}, arns[2]},
		{"update a deleted one", func() error {
			_, err := c.UpdateActionTarget(ctx, &securityhub.UpdateActionTargetInput{ActionTargetArn: aws.String(arns[2]), Name: aws.String("x")})
			return err
		}, &types.ResourceNotFoundException{}, arns[2]},
		{"delete twice", func() error {
			_, err := c.DeleteActionTarget(ctx, &securityhub.DeleteActionTargetInput{ActionTargetArn: aws.String(arns[2])})
			return err
		}, &types.ResourceNotFoundException{}, arns[2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			ok := false
			switch tt.want.(type) {
			case *types.ResourceConflictException:
				var e *types.ResourceConflictException
				ok = errors.As(err, &e)
			case *types.InvalidInputException:
				var e *types.InvalidInputException
				ok = errors.As(err, &e)
			case *types.ResourceNotFoundException:
				var e *types.ResourceNotFoundException
				ok = errors.As(err, &e)
			}
			if !ok {
				t.Fatalf("got %v, want %T", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}
