package hubtest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestFindingsPageIsWhatEncodingJSONWrites checks the hand-joined page
// against encoding/json for the same answer.
func TestFindingsPageIsWhatEncodingJSONWrites(t *testing.T) {
	type reference struct {
		Findings  []json.RawMessage `json:"Findings"`
		NextToken string            `json:"NextToken,omitempty"`
	}
	pages := []findingsPage{
		{Findings: []json.RawMessage{}},
		{Findings: []json.RawMessage{[]byte(`{"Id":"a"}`)}, NextToken: encodeToken("GetFindings", "fp", 1)},
		{Findings: []json.RawMessage{[]byte(`{"Id":"a","Title":"<b>&é"}`), []byte(`{"Id":"b"}`), []byte(`{}`)}},
		{Findings: []json.RawMessage{}, NextToken: `odd "token" <&>`},
	}
	for _, p := range pages {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(reference(p)); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := p.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("appendJSON:\n got %s\nwant %s", got, want)
		}
		if got := p.appendJSON([]byte("x")); !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Errorf("appendJSON after a prefix: %s", got)
		}
	}
}
