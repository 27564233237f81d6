package members

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// DetailTypeCloudTrail is the EventBridge detail-type of API calls that
// CloudTrail records.
const DetailTypeCloudTrail = "AWS API Call via CloudTrail"

// eventSourceSecurityHub is CloudTrail's eventSource of Security Hub calls.
const eventSourceSecurityHub = "securityhub.amazonaws.com"

// The Security Hub API calls that take a member account out of the
// administrator's management.
const (
	// EventDisassociateFromAdministrator is called by the member itself.
	EventDisassociateFromAdministrator = "DisassociateFromAdministratorAccount"
	// EventDisassociateFromMaster is its older name, still served.
	EventDisassociateFromMaster = "DisassociateFromMasterAccount"
	// EventDisassociateMembers is called by the administrator with the
	// members' account IDs.
	EventDisassociateMembers = "DisassociateMembers"
	// EventDeleteMembers is called by the administrator with the
	// members' account IDs.
	EventDeleteMembers = "DeleteMembers"
)

// MaxCloudTrailEvent is the largest event ParseCloudTrail reads, in bytes:
// EventBridge events are at most 256 KB.
const MaxCloudTrailEvent = 1 << 20

// Leave is what a CloudTrail event says about member accounts leaving
// Security Hub.
type Leave struct {
	// EventID is CloudTrail's eventID (the EventBridge event id when the
	// record has none); it identifies the call across replays.
	EventID string `json:"event_id"`
	// EventName is one of the four Event* names.
	EventName string `json:"event_name"`
	// EventTime is when the call was made (UTC).
	EventTime time.Time `json:"event_time"`
	// Accounts are the member accounts that left: the caller's account
	// for Disassociate*From*, the requested AccountIds less the
	// UnprocessedAccounts for DisassociateMembers and DeleteMembers.
	// Sorted, no duplicates.
	Accounts []string `json:"accounts"`
	// Actor is who called: userIdentity.arn (else invokedBy, else type).
	Actor string `json:"actor,omitempty"`
	// CallerAccount is the caller's account (userIdentity.accountId,
	// else recipientAccountId, else the event's account).
	CallerAccount string `json:"caller_account,omitempty"`
	// Region is the call's region (awsRegion, else the event's region).
	Region string `json:"region,omitempty"`
	// ErrorCode is set when the call failed (AccessDenied…): nothing
	// changed, and Accounts may be empty.
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

// Failed reports whether the call failed, so no account left.
func (l *Leave) Failed() bool { return l.ErrorCode != "" }

// ctEnvelope is the EventBridge event around a CloudTrail record.
type ctEnvelope struct {
	ID         *string         `json:"id"`
	DetailType *string         `json:"detail-type"`
	Account    *string         `json:"account"`
	Time       *string         `json:"time"`
	Region     *string         `json:"region"`
	Detail     json.RawMessage `json:"detail"`
}

// ctRecord is the part of a CloudTrail record that ParseCloudTrail reads.
type ctRecord struct {
	EventID            *string         `json:"eventID"`
	EventTime          *string         `json:"eventTime"`
	EventSource        *string         `json:"eventSource"`
	EventName          *string         `json:"eventName"`
	AWSRegion          *string         `json:"awsRegion"`
	RecipientAccountID *string         `json:"recipientAccountId"`
	ErrorCode          *string         `json:"errorCode"`
	ErrorMessage       *string         `json:"errorMessage"`
	UserIdentity       json.RawMessage `json:"userIdentity"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
}

type ctIdentity struct {
	Type      *string `json:"type"`
	ARN       *string `json:"arn"`
	AccountID *string `json:"accountId"`
	InvokedBy *string `json:"invokedBy"`
}

// ParseCloudTrail reads an EventBridge event. For an "AWS API Call via
// CloudTrail" event of one of the four Security Hub calls that take
// members out (DisassociateFromAdministratorAccount,
// DisassociateFromMasterAccount, DisassociateMembers, DeleteMembers) it
// returns the Leave and true. For any other well-formed event (another
// detail-type, service or call) it returns false and no error: it is not
// about membership. A malformed event, or one of the four calls without
// what it needs (an event ID, a time, the accounts), is an error naming
// the field ("detail.requestParameters.AccountIds[1]: …"). A failed call
// (errorCode set) is returned with ErrorCode set and the accounts it
// named, if any. Safe for concurrent use.
func ParseCloudTrail(event []byte) (Leave, bool, error) {
	if len(event) > MaxCloudTrailEvent {
		return Leave{}, false, fmt.Errorf("cloudtrail event: %d bytes; at most %d", len(event), MaxCloudTrailEvent)
	}
	var env ctEnvelope
	if err := strictObject(event, &env); err != nil {
		return Leave{}, false, fmt.Errorf("cloudtrail event: %w", err)
	}
	if env.DetailType == nil || *env.DetailType != DetailTypeCloudTrail {
		return Leave{}, false, nil
	}
	if len(env.Detail) == 0 || bytes.Equal(env.Detail, []byte("null")) {
		return Leave{}, false, errors.New("cloudtrail event: detail is missing")
	}
	var rec ctRecord
	if err := json.Unmarshal(env.Detail, &rec); err != nil {
		return Leave{}, false, fmt.Errorf("cloudtrail event: detail: %w", jsonProblem(err))
	}
	if str(rec.EventSource) != eventSourceSecurityHub {
		return Leave{}, false, nil
	}
	name := str(rec.EventName)
	switch name {
	case EventDisassociateFromAdministrator, EventDisassociateFromMaster, EventDisassociateMembers, EventDeleteMembers:
	default:
		return Leave{}, false, nil
	}
	l := Leave{EventName: name, ErrorCode: str(rec.ErrorCode), ErrorMessage: str(rec.ErrorMessage)}
	switch {
	case str(rec.EventID) != "":
		l.EventID = str(rec.EventID)
	case str(env.ID) != "":
		l.EventID = str(env.ID)
	default:
		return Leave{}, false, fmt.Errorf("cloudtrail event %s: detail.eventID and id are both missing", name)
	}
	at, err := eventTime(rec.EventTime, env.Time)
	if err != nil {
		return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): %w", name, l.EventID, err)
	}
	l.EventTime = at
	l.Region = first(str(rec.AWSRegion), str(env.Region))

	var who ctIdentity
	if len(rec.UserIdentity) > 0 && !bytes.Equal(rec.UserIdentity, []byte("null")) {
		if err := json.Unmarshal(rec.UserIdentity, &who); err != nil {
			return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): detail.userIdentity: %w", name, l.EventID, jsonProblem(err))
		}
	}
	l.Actor = first(str(who.ARN), str(who.InvokedBy), str(who.Type))
	l.CallerAccount = first(str(who.AccountID), str(rec.RecipientAccountID), str(env.Account))

	switch name {
	case EventDisassociateFromAdministrator, EventDisassociateFromMaster:
		if l.CallerAccount == "" {
			return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): the caller's account is missing (detail.userIdentity.accountId, detail.recipientAccountId, account)", name, l.EventID)
		}
		if !accountID(l.CallerAccount) {
			return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): the caller's account %q is not a 12-digit account ID", name, l.EventID, l.CallerAccount)
		}
		l.Accounts = []string{l.CallerAccount}
	default:
		ids, err := requestedAccounts(rec.RequestParameters)
		if err != nil && !l.Failed() {
			return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): %w", name, l.EventID, err)
		}
		skip, err := unprocessedAccounts(rec.ResponseElements)
		if err != nil {
			return Leave{}, false, fmt.Errorf("cloudtrail event %s (%s): %w", name, l.EventID, err)
		}
		for _, id := range ids {
			if !skip[id] {
				l.Accounts = append(l.Accounts, id)
			}
		}
	}
	slices.Sort(l.Accounts)
	l.Accounts = slices.Compact(l.Accounts)
	return l, true, nil
}

// strictObject decodes one JSON object into v, refusing anything after it.
func strictObject(data []byte, v any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// jsonProblem names the field of a JSON type error.
func jsonProblem(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("byte %d: %w", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Errorf("%s is a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	return err
}

// eventTime reads detail.eventTime, else the event's time.
func eventTime(detail, envelope *string) (time.Time, error) {
	for _, f := range []struct {
		name string
		v    *string
	}{{"detail.eventTime", detail}, {"time", envelope}} {
		if str(f.v) == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, *f.v)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time", f.name, *f.v)
		}
		return t.UTC(), nil
	}
	return time.Time{}, errors.New("detail.eventTime and time are both missing")
}

// requestedAccounts reads requestParameters.AccountIds (CloudTrail keeps
// the API's member names; the key is matched case-insensitively).
func requestedAccounts(params json.RawMessage) ([]string, error) {
	const field = "detail.requestParameters"
	if len(params) == 0 || bytes.Equal(params, []byte("null")) {
		return nil, fmt.Errorf("%s is missing; it must name AccountIds", field)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(params, &m); err != nil {
		return nil, fmt.Errorf("%s is not a JSON object", field)
	}
	var raw json.RawMessage
	key := ""
	for k, v := range m {
		if strings.EqualFold(k, "AccountIds") {
			raw, key = v, k
		}
	}
	if key == "" {
		return nil, fmt.Errorf("%s.AccountIds is missing", field)
	}
	var ids []json.RawMessage
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, fmt.Errorf("%s.%s is not a JSON array", field, key)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s.%s is empty", field, key)
	}
	out := make([]string, 0, len(ids))
	for i, r := range ids {
		var id string
		if err := json.Unmarshal(r, &id); err != nil || !accountID(id) {
			return nil, fmt.Errorf("%s.%s[%d]: %s is not a 12-digit account ID", field, key, i, clip(string(r), 40))
		}
		out = append(out, id)
	}
	return out, nil
}

// unprocessedAccounts reads responseElements.UnprocessedAccounts[].AccountId:
// the accounts the call did not change.
func unprocessedAccounts(resp json.RawMessage) (map[string]bool, error) {
	if len(resp) == 0 || bytes.Equal(resp, []byte("null")) {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(resp, &m); err != nil {
		// CloudTrail may write a string here for large responses; it
		// names no account then.
		return nil, nil
	}
	var raw json.RawMessage
	for k, v := range m {
		if strings.EqualFold(k, "UnprocessedAccounts") {
			raw = v
		}
	}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("detail.responseElements.UnprocessedAccounts is not a JSON array of objects")
	}
	out := make(map[string]bool, len(list))
	for _, u := range list {
		for k, v := range u {
			var id string
			if strings.EqualFold(k, "AccountId") && json.Unmarshal(v, &id) == nil {
				out[id] = true
			}
		}
	}
	return out, nil
}

// accountID reports whether s is a 12-digit AWS account ID.
func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
