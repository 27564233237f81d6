package members_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/members"
	"github.com/hubrelay/hubrelay/internal/store"
)

func ExampleDiff() {
	day1 := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	yesterday := []store.MemberAccount{
		{AccountID: "111111111111", Status: "Enabled", UpdatedAt: day1},
		{AccountID: "222222222222", Status: "Invited", UpdatedAt: day1},
		{AccountID: "333333333333", Status: "Enabled", UpdatedAt: day1},
	}
	today := []store.MemberAccount{
		{AccountID: "111111111111", Status: "Resigned", UpdatedAt: day2},
		{AccountID: "222222222222", Status: "Enabled", UpdatedAt: day2},
		{AccountID: "333333333333", Status: "Enabled", UpdatedAt: day2}, // left and rejoined
	}
	for _, c := range members.Diff(yesterday, today) {
		fmt.Println(c.AccountID, c.Kind, c.From, "→", c.To)
	}
	// Output:
	// 111111111111 left Enabled → Resigned
	// 222222222222 joined Invited → Enabled
	// 333333333333 updated Enabled → Enabled
}

func ExampleParseCloudTrail() {
	event := []byte(`{
	  "version": "0", "id": "6f2b1f7e", "detail-type": "AWS API Call via CloudTrail", "source": "aws.securityhub",
	  "account": "999999999999", "time": "2026-11-20T01:00:05Z", "region": "ap-northeast-1",
	  "detail": {
	    "eventSource": "securityhub.amazonaws.com", "eventName": "DisassociateMembers",
	    "eventTime": "2026-11-20T01:00:00Z", "eventID": "9f2c6c3e", "awsRegion": "ap-northeast-1",
	    "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::999999999999:assumed-role/SecurityAdmin/hanako", "accountId": "999999999999"},
	    "requestParameters": {"AccountIds": ["222222222222", "111111111111"]}
	  }
	}`)
	l, ok, err := members.ParseCloudTrail(event)
	if err != nil || !ok {
		fmt.Println(ok, err)
		return
	}
	fmt.Println(l.EventName, l.Accounts, l.Actor)
	n := members.LeaveNotice(&l, members.LanguageEnglish, time.FixedZone("JST", 9*3600))
	fmt.Println(n.Subject)
	// Output:
	// DisassociateMembers [111111111111 222222222222] arn:aws:sts::999999999999:assumed-role/SecurityAdmin/hanako
	// Security Hub: 111111111111 and 1 more left (DisassociateMembers, 2026/11/20 10:00 JST)
}
