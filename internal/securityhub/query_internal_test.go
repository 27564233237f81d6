package securityhub

import (
	"encoding/json"
	"testing"
)

// tokenOracle reads NextToken as encoding/json does for a valid JSON
// object.
func tokenOracle(body []byte) (token string, found bool, ok bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return "", false, false
	}
	raw, present := m["NextToken"]
	if !present {
		return "", false, true
	}
	var v *string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false, false
	}
	if v == nil {
		return "", false, true
	}
	return *v, true, true
}

var nextTokenCases = []string{
	`{"Findings":[],"NextToken":"abc"}`,
	`{"NextToken":"abc","Findings":[{"Id":"x","NextToken":"inner"}]}`,
	`{"Findings":[{"Title":"a \"NextToken\":\"fake\" b"}]}`,
	`{"Findings":[]}`,
	`{}`,
	` { "NextToken" : null } `,
	`{"NextToken":"a","NextToken":"b"}`,
	`{"Next\u0054oken":"escaped"}`,
	`{"nexttoken":"wrong case"}`,
	`{"NextToken":"\u00e9\n\\"}`,
	`{"a":{"b":[1,2,{"c":"}"}]},"NextToken":"t"}`,
	`{"NextToken":5}`,
	`{"a":1,}`,
	`{"a" 1}`,
	`[1]`,
	`{"a":1} x`,
	`{"a":"unterminated`,
	``,
}

// TestNextToken: the walker reads what encoding/json reads, and refuses
// what is not an object.
func TestNextToken(t *testing.T) {
	for _, c := range nextTokenCases {
		token, found, err := nextToken([]byte(c))
		wantToken, wantFound, ok := tokenOracle([]byte(c))
		if !ok {
			if err == nil {
				t.Errorf("%s: nextToken = %q, %v; encoding/json refuses it", c, token, found)
			}
			continue
		}
		if err != nil || token != wantToken || found != wantFound {
			t.Errorf("%s: nextToken = %q, %v, %v; want %q, %v", c, token, found, err, wantToken, wantFound)
		}
	}
}

// FuzzNextToken: for every valid JSON object the walker agrees with
// encoding/json; for any input it does not panic.
func FuzzNextToken(f *testing.F) {
	for _, c := range nextTokenCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		token, found, err := nextToken(body)
		if !json.Valid(body) {
			return
		}
		wantToken, wantFound, ok := tokenOracle(body)
		if !ok {
			// Not an object, or a NextToken that is no string.
			if err == nil {
				t.Fatalf("%q: nextToken = %q, %v; encoding/json refuses it", body, token, found)
			}
			return
		}
		if err != nil || token != wantToken || found != wantFound {
			t.Fatalf("%q: nextToken = %q, %v, %v; want %q, %v", body, token, found, err, wantToken, wantFound)
		}
	})
}
