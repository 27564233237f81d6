package securityhub_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssdk "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

func TestActionsSync(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	a := securityhub.NewActions(f.connect(t, nil))
	ctx := context.Background()
	// 120 targets made elsewhere: listing them takes two pages.
	for i := range 120 {
		if _, err := f.hub.Client().CreateActionTarget(ctx, &awssdk.CreateActionTargetInput{
			Id: aws.String(fmt.Sprintf("Other%03d", i)), Name: aws.String("other"), Description: aws.String("made by hand")}); err != nil {
			t.Fatal(err)
		}
	}
	backlog := securityhub.ActionTarget{ID: "SendToBacklog", Name: "Send to Backlog", Description: "Open a Backlog issue for the finding"}
	page := securityhub.ActionTarget{ID: "Other119", Name: "other", Description: "made by hand"}
	steps := []struct {
		name                        string
		want                        []securityhub.ActionTarget
		created, updated, unchanged []string
	}{
		{"create one, find one on the second page", []securityhub.ActionTarget{backlog, page}, []string{"SendToBacklog"}, nil, []string{"Other119"}},
		{"again: nothing to do", []securityhub.ActionTarget{backlog, page}, nil, nil, []string{"SendToBacklog", "Other119"}},
		{"a new name is an update", []securityhub.ActionTarget{{ID: "SendToBacklog", Name: "Backlog", Description: backlog.Description}}, nil, []string{"SendToBacklog"}, nil},
		{"a new description is an update", []securityhub.ActionTarget{{ID: "SendToBacklog", Name: "Backlog", Description: "changed"}}, nil, []string{"SendToBacklog"}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			created, updated, unchanged, err := a.Sync(ctx, st.want)
			if err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if !slices.Equal(created, st.created) || !slices.Equal(updated, st.updated) || !slices.Equal(unchanged, st.unchanged) {
				t.Errorf("created %v, updated %v, unchanged %v; want %v, %v, %v", created, updated, unchanged, st.created, st.updated, st.unchanged)
			}
		})
	}
	out, err := f.hub.Client().DescribeActionTargets(ctx, &awssdk.DescribeActionTargetsInput{
		ActionTargetArns: []string{"arn:aws:securityhub:ap-northeast-1:123456789012:action/custom/SendToBacklog"}})
	if err != nil || len(out.ActionTargets) != 1 {
		t.Fatalf("DescribeActionTargets: %v, %v", out, err)
	}
	if got := out.ActionTargets[0]; aws.ToString(got.Name) != "Backlog" || aws.ToString(got.Description) != "changed" {
		t.Errorf("target = %s / %s", aws.ToString(got.Name), aws.ToString(got.Description))
	}
	if n := f.hub.Calls("CreateActionTarget"); n != 121 {
		t.Errorf("CreateActionTarget calls = %d, want 120 by hand + 1", n)
	}
}

func TestActionsSyncRefusesBadTargets(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	a := securityhub.NewActions(f.connect(t, nil))
	ok := securityhub.ActionTarget{ID: "A1", Name: "n", Description: "d"}
	tests := []struct {
		name string
		want []securityhub.ActionTarget
		err  string
	}{
		{"empty id", []securityhub.ActionTarget{{Name: "n", Description: "d"}}, "securityhub: actions[0]: id is empty"},
		{"id not alphanumeric", []securityhub.ActionTarget{ok, {ID: "Send-To", Name: "n", Description: "d"}}, `securityhub: actions[1]: id "Send-To": only letters`},
		{"id too long", []securityhub.ActionTarget{{ID: strings.Repeat("a", 21), Name: "n", Description: "d"}}, "is 21 characters; at most 20"},
		{"name too long", []securityhub.ActionTarget{{ID: "A", Name: strings.Repeat("名", 21), Description: "d"}}, "action A: name"},
		{"no description", []securityhub.ActionTarget{{ID: "A", Name: "n", Description: " "}}, "action A: description is empty"},
		{"description too long", []securityhub.ActionTarget{{ID: "A", Name: "n", Description: strings.Repeat("d", 257)}}, "description is 257 characters; at most 256"},
		{"duplicate id", []securityhub.ActionTarget{ok, ok}, `securityhub: actions[1]: id "A1" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := a.Sync(context.Background(), tt.want); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Sync error = %v, want %q", err, tt.err)
			}
		})
	}
	if n := f.hub.Calls("DescribeActionTargets") + f.hub.Calls("CreateActionTarget"); n != 0 {
		t.Errorf("%d calls for refused input, want none", n)
	}
}

func TestListMembers(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	statuses := []string{"Enabled", "Resigned", "Removed", "Invited"}
	for i := range 120 {
		st := statuses[i%len(statuses)]
		f.hub.AddMembers(hubtest.Member{AccountID: fmt.Sprintf("3000000%05d", i), Email: fmt.Sprintf("m%d@example.com", i),
			MemberStatus: st, Associated: st == "Enabled", UpdatedAt: t0, InvitedAt: t0.Add(-24 * 3600e9)})
	}
	tests := []struct {
		name           string
		onlyAssociated bool
		want, calls    int
	}{
		{"every member, resigned ones included: 120 in pages of 50", false, 120, 3},
		{"only associated", true, 30, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.hub.Calls("ListMembers")
			ms, err := c.ListMembers(context.Background(), tt.onlyAssociated)
			if err != nil {
				t.Fatalf("ListMembers: %v", err)
			}
			if len(ms) != tt.want || f.hub.Calls("ListMembers")-before != tt.calls {
				t.Fatalf("%d members in %d calls, want %d in %d", len(ms), f.hub.Calls("ListMembers")-before, tt.want, tt.calls)
			}
			seen := map[string]bool{}
			for _, m := range ms {
				if seen[m.AccountID] || len(m.AccountID) != 12 || m.AdministratorID != hubtest.DefaultAccountID || !m.UpdatedAt.Equal(t0) || m.Email == "" {
					t.Fatalf("member %+v (seen before: %v)", m, seen[m.AccountID])
				}
				if tt.onlyAssociated && m.Status != "Enabled" {
					t.Fatalf("associated listing holds %+v", m)
				}
				seen[m.AccountID] = true
			}
		})
	}
	resigned := 0
	all, _ := c.ListMembers(context.Background(), false)
	for _, m := range all {
		if m.Status == "Resigned" {
			resigned++
		}
	}
	if resigned != 30 {
		t.Errorf("%d resigned members listed, want 30", resigned)
	}
}
