package hubtest

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

func TestMembershipChangesBetweenRuns(t *testing.T) {
	clock := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	s := NewTest(t, Options{Now: func() time.Time { return clock }})
	invited := clock.Add(-48 * time.Hour)
	s.AddMembers(
		Member{AccountID: "111111111111", MemberStatus: "Enabled", InvitedAt: invited, UpdatedAt: invited},
		Member{AccountID: "222222222222", MemberStatus: "Invited", InvitedAt: invited, UpdatedAt: invited},
		Member{AccountID: "333333333333", MemberStatus: "Enabled", InvitedAt: invited, UpdatedAt: invited},
	)
	c := s.Client()
	statuses := func(only bool) map[string]string {
		t.Helper()
		got, _ := listAllMembers(t, c, &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(only)})
		out := map[string]string{}
		for _, m := range got {
			out[aws.ToString(m.AccountId)] = aws.ToString(m.MemberStatus) + "@" + aws.ToTime(m.UpdatedAt).UTC().Format(time.RFC3339)
		}
		return out
	}

	resignedAt := clock.Add(time.Hour)
	if !s.SetMemberStatus("111111111111", "Resigned", resignedAt) {
		t.Fatal("SetMemberStatus of a member reported no member")
	}
	if !s.SetMemberStatus("222222222222", "Enabled", time.Time{}) {
		t.Fatal("SetMemberStatus of a member reported no member")
	}
	if s.SetMemberStatus("999999999999", "Enabled", clock) {
		t.Fatal("SetMemberStatus of an unknown account reported a change")
	}
	all := statuses(false)
	want := map[string]string{
		"111111111111": "Resigned@2026-11-20T02:00:00Z",
		"222222222222": "Enabled@2026-11-20T01:00:00Z", // zero time: the server's clock
		"333333333333": "Enabled@2026-11-18T01:00:00Z",
	}
	for id, w := range want {
		if all[id] != w {
			t.Errorf("%s: %q, want %q", id, all[id], w)
		}
	}
	associated := statuses(true)
	if _, ok := associated["111111111111"]; ok || len(associated) != 2 {
		t.Errorf("OnlyAssociated lists %v; the resigned member must be gone and the accepted one there", associated)
	}

	if n := s.RemoveMembers("333333333333", "999999999999"); n != 1 {
		t.Errorf("RemoveMembers removed %d, want 1", n)
	}
	if all := statuses(false); len(all) != 2 || all["333333333333"] != "" {
		t.Errorf("after RemoveMembers: %v", all)
	}
}
