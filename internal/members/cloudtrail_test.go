package members

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCloudTrail(t *testing.T) {
	tests := []struct {
		file string
		ok   bool
		want Leave
	}{
		{"disassociate-from-administrator.json", true, Leave{
			EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e01", EventName: EventDisassociateFromAdministrator,
			EventTime: time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC), Accounts: []string{"111111111111"},
			Actor: "arn:aws:sts::111111111111:assumed-role/AdministratorAccess/taro", CallerAccount: "111111111111", Region: "ap-northeast-1",
		}},
		{"disassociate-from-master.json", true, Leave{
			EventID: "3dabcebf-35b0-443f-a1a2-26e186ce2302", EventName: EventDisassociateFromMaster,
			EventTime: time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC), Accounts: []string{"666666666666"},
			Actor: "arn:aws:iam::666666666666:user/TestUser", CallerAccount: "666666666666", Region: "us-west-2",
		}},
		{"disassociate-members.json", true, Leave{
			EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e03", EventName: EventDisassociateMembers,
			EventTime: time.Date(2026, 11, 20, 3, 15, 0, 0, time.UTC), Accounts: []string{"222222222222", "333333333333"},
			Actor: "arn:aws:sts::999999999999:assumed-role/SecurityAdmin/hanako", CallerAccount: "999999999999", Region: "ap-northeast-1",
		}},
		{"delete-members.json", true, Leave{ // 555555555555 was unprocessed: it did not leave
			EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e04", EventName: EventDeleteMembers,
			EventTime: time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC), Accounts: []string{"444444444444"},
			Actor: "arn:aws:sts::999999999999:assumed-role/SecurityAdmin/hanako", CallerAccount: "999999999999", Region: "ap-northeast-1",
		}},
		{"disassociate-members-denied.json", true, Leave{
			EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e05", EventName: EventDisassociateMembers,
			EventTime: time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC), Accounts: []string{"222222222222"},
			Actor: "arn:aws:sts::999999999999:assumed-role/ReadOnly/jiro", CallerAccount: "999999999999", Region: "ap-northeast-1",
			ErrorCode:    "AccessDeniedException",
			ErrorMessage: "User: arn:aws:sts::999999999999:assumed-role/ReadOnly/jiro is not authorized to perform: securityhub:DisassociateMembers",
		}},
		{"create-insight.json", false, Leave{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, ok, err := ParseCloudTrail(readTestdata(t, filepath.Join("cloudtrail", tt.file)))
			if err != nil || ok != tt.ok {
				t.Fatalf("ParseCloudTrail = %v, %v; want ok %v", ok, err, tt.ok)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.Failed() != (tt.want.ErrorCode != "") {
				t.Errorf("Failed() = %v", got.Failed())
			}
		})
	}
}

// event is an EventBridge CloudTrail event with detail d.
func event(d map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"version": "0", "id": "envelope-id", "detail-type": DetailTypeCloudTrail, "source": "aws.securityhub",
		"account": "777777777777", "time": "2026-11-20T06:00:00Z", "region": "eu-west-1", "detail": d,
	})
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseCloudTrailFallbacks(t *testing.T) {
	// The envelope's id, time, account and region stand in for what the
	// record leaves out; the AccountIds key is matched in any case.
	got, ok, err := ParseCloudTrail(event(map[string]any{
		"eventSource": "securityhub.amazonaws.com", "eventName": "DisassociateFromAdministratorAccount",
	}))
	want := Leave{EventID: "envelope-id", EventName: EventDisassociateFromAdministrator, EventTime: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC),
		Accounts: []string{"777777777777"}, CallerAccount: "777777777777", Region: "eu-west-1"}
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v, %v\nwant %+v", got, ok, err, want)
	}
	got, ok, err = ParseCloudTrail(event(map[string]any{
		"eventSource": "securityhub.amazonaws.com", "eventName": "DeleteMembers", "eventID": "e", "eventTime": "2026-11-20T07:00:00+09:00",
		"userIdentity":      map[string]any{"type": "AWSService", "invokedBy": "securityhub.amazonaws.com"},
		"requestParameters": map[string]any{"accountIds": []string{"123456789012", "123456789012"}},
	}))
	if err != nil || !ok || got.Actor != "securityhub.amazonaws.com" || !reflect.DeepEqual(got.Accounts, []string{"123456789012"}) ||
		!got.EventTime.Equal(time.Date(2026, 11, 19, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("got %+v, %v, %v", got, ok, err)
	}
}

func TestParseCloudTrailIgnores(t *testing.T) {
	for name, ev := range map[string][]byte{
		"a findings event":   []byte(`{"detail-type": "Security Hub Findings - Imported", "detail": {"findings": []}}`),
		"another service":    event(map[string]any{"eventSource": "guardduty.amazonaws.com", "eventName": "DisassociateMembers"}),
		"another call":       event(map[string]any{"eventSource": "securityhub.amazonaws.com", "eventName": "ListMembers"}),
		"no detail-type":     []byte(`{"detail": {}}`),
		"a bare JSON object": []byte(`{}`),
	} {
		t.Run(name, func(t *testing.T) {
			if _, ok, err := ParseCloudTrail(ev); ok || err != nil {
				t.Errorf("ParseCloudTrail = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestParseCloudTrailErrors(t *testing.T) {
	sh := func(name string, extra map[string]any) []byte {
		d := map[string]any{"eventSource": "securityhub.amazonaws.com", "eventName": name, "eventID": "e1", "eventTime": "2026-11-20T01:00:00Z"}
		for k, v := range extra {
			d[k] = v
		}
		return event(d)
	}
	tests := []struct {
		name  string
		event []byte
		want  string
	}{
		{"not JSON", []byte(`{"detail-type": `), "cloudtrail event: "},
		{"an array", []byte(`[]`), "not a JSON object"},
		{"two documents", []byte(`{} {}`), "data after the JSON object"},
		{"detail-type a number", []byte(`{"detail-type": 1}`), "detail-type is a JSON number, want string"},
		{"no detail", []byte(`{"detail-type": "AWS API Call via CloudTrail"}`), "detail is missing"},
		{"eventName a number", event(map[string]any{"eventSource": "securityhub.amazonaws.com", "eventName": 7}), "detail: eventName is a JSON number"},
		{"no ids at all", []byte(`{"detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "securityhub.amazonaws.com", "eventName": "DeleteMembers"}}`),
			"detail.eventID and id are both missing"},
		{"bad time", sh("DeleteMembers", map[string]any{"eventTime": "yesterday"}), `detail.eventTime "yesterday" is not an RFC 3339 time`},
		{"no AccountIds", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{}}), "detail.requestParameters.AccountIds is missing"},
		{"no requestParameters", sh("DisassociateMembers", nil), "detail.requestParameters is missing"},
		{"AccountIds not a list", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{"AccountIds": "123456789012"}}), "AccountIds is not a JSON array"},
		{"AccountIds empty", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{"AccountIds": []string{}}}), "AccountIds is empty"},
		{"a bad account", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{"AccountIds": []any{"123456789012", "12345"}}}),
			`detail.requestParameters.AccountIds[1]: "12345" is not a 12-digit account ID`},
		{"a number for an account", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{"AccountIds": []any{123456789012}}}),
			"AccountIds[0]: 123456789012 is not a 12-digit account ID"},
		{"a caller that is no account", sh("DisassociateFromAdministratorAccount", map[string]any{"userIdentity": map[string]any{"accountId": "me"}}),
			`the caller's account "me" is not a 12-digit account ID`},
		{"userIdentity a string", sh("DisassociateFromAdministratorAccount", map[string]any{"userIdentity": "x"}), "detail.userIdentity: "},
		{"bad UnprocessedAccounts", sh("DeleteMembers", map[string]any{"requestParameters": map[string]any{"AccountIds": []string{"123456789012"}},
			"responseElements": map[string]any{"UnprocessedAccounts": "none"}}), "UnprocessedAccounts is not a JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok, err := ParseCloudTrail(tt.event)
			if err == nil || ok || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cloudtrail event") {
				t.Errorf("ParseCloudTrail = %v, %v; want an error containing %q", ok, err, tt.want)
			}
		})
	}
	// A failed call needs no accounts: nothing changed.
	l, ok, err := ParseCloudTrail(sh("DeleteMembers", map[string]any{"errorCode": "AccessDeniedException"}))
	if err != nil || !ok || !l.Failed() || len(l.Accounts) != 0 {
		t.Errorf("a failed call without parameters: %+v, %v, %v", l, ok, err)
	}
	big := make([]byte, MaxCloudTrailEvent+1)
	if _, _, err := ParseCloudTrail(big); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("an event over the limit: %v", err)
	}
}

func FuzzParseCloudTrail(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "cloudtrail"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		f.Add(readTestdata(f, filepath.Join("cloudtrail", e.Name())))
	}
	f.Add([]byte(`{"detail-type":"AWS API Call via CloudTrail","detail":{"eventSource":"securityhub.amazonaws.com","eventName":"DeleteMembers","eventID":"x","eventTime":"2026-11-20T01:00:00Z","requestParameters":{"AccountIds":["123456789012"]},"responseElements":{"UnprocessedAccounts":[{"AccountId":"123456789012"}]}}}`))
	f.Add([]byte(`{"detail-type":"AWS API Call via CloudTrail","detail":null}`))
	f.Add([]byte(` {"detail-type":"AWS API Call via CloudTrail"} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, ok, err := ParseCloudTrail(data)
		if err != nil {
			if ok {
				t.Fatal("ok with an error")
			}
			return
		}
		if !ok {
			return
		}
		if l.EventID == "" || l.EventTime.IsZero() || l.EventTime.Location() != time.UTC {
			t.Fatalf("a leave without ID or UTC time: %+v", l)
		}
		switch l.EventName {
		case EventDisassociateFromAdministrator, EventDisassociateFromMaster, EventDisassociateMembers, EventDeleteMembers:
		default:
			t.Fatalf("event name %q", l.EventName)
		}
		if !l.Failed() && l.EventName != EventDeleteMembers && l.EventName != EventDisassociateMembers && len(l.Accounts) != 1 {
			t.Fatalf("a self-disassociation names %d accounts", len(l.Accounts))
		}
		for i, a := range l.Accounts {
			if !accountID(a) || (i > 0 && l.Accounts[i-1] >= a) {
				t.Fatalf("accounts %q: not sorted 12-digit IDs", l.Accounts)
			}
		}
		// What was parsed composes a notice in both languages.
		if !l.Failed() && len(l.Accounts) > 0 {
			for _, lang := range []string{LanguageJapanese, LanguageEnglish} {
				n := LeaveNotice(&l, lang, time.UTC)
				if n.Title == "" || n.Subject == "" || n.Data["event_id"] != l.EventID {
					t.Fatalf("notice %+v", n)
				}
			}
		}
	})
}
