package notify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestMessageValidate(t *testing.T) {
	f := &finding.Finding{ID: "arn:aws:securityhub:us-east-1:111111111111:subscription/x/finding/1"}
	tests := []struct {
		name    string
		m       *Message
		wantErr string
	}{
		{"single finding", &Message{Kind: KindNew, Finding: f}, ""},
		{"digest", &Message{Kind: KindReminder, Digest: &Digest{Findings: []*finding.Finding{f}, Total: 3}}, ""},
		{"every kind", &Message{Kind: KindTest, Finding: f}, ""},
		{"nil", nil, "message: nil"},
		{"empty kind", &Message{Finding: f}, `kind ""`},
		{"unknown kind", &Message{Kind: "urgent", Finding: f}, `kind "urgent"`},
		{"neither", &Message{Kind: KindNew}, "neither finding nor digest"},
		{"both", &Message{Kind: KindNew, Finding: f, Digest: &Digest{Findings: []*finding.Finding{f}, Total: 1}}, "both finding and digest"},
		{"finding without id", &Message{Kind: KindNew, Finding: &finding.Finding{}}, "finding.id is empty"},
		{"empty digest", &Message{Kind: KindNew, Digest: &Digest{}}, "digest.findings is empty"},
		{"nil in digest", &Message{Kind: KindNew, Digest: &Digest{Findings: []*finding.Finding{f, nil}, Total: 2}}, "digest.findings[1] is nil"},
		{"digest finding without id", &Message{Kind: KindNew, Digest: &Digest{Findings: []*finding.Finding{{}}, Total: 1}}, "digest.findings[0].id is empty"},
		{"total below count", &Message{Kind: KindNew, Digest: &Digest{Findings: []*finding.Finding{f, f}, Total: 1}}, "digest.total 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range []Kind{KindNew, KindReminder, KindReopened, KindResolved, KindTest} {
		if !k.Valid() {
			t.Errorf("%q not valid", k)
		}
	}
	for _, k := range []Kind{"", "NEW", "digest"} {
		if k.Valid() {
			t.Errorf("%q valid", k)
		}
	}
}

func TestReceiptIsZero(t *testing.T) {
	if !(Receipt{}).IsZero() {
		t.Error("zero receipt not IsZero")
	}
	if (Receipt{Thread: "1.2"}).IsZero() {
		t.Error("receipt with a thread IsZero")
	}
}

func TestReceiptJSON(t *testing.T) {
	rc := Receipt{ID: "1767323045.000100", URL: "https://example.slack.com/archives/C1/p1", Channel: "C1", Thread: "1767323045.000100"}
	data, err := json.Marshal(rc)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"id":"1767323045.000100","url":"https://example.slack.com/archives/C1/p1","channel":"C1","thread":"1767323045.000100"}` {
		t.Errorf("JSON = %s", data)
	}
	var back Receipt
	if err := json.Unmarshal(data, &back); err != nil || back != rc {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if data, _ := json.Marshal(Receipt{ID: "SEC-12"}); string(data) != `{"id":"SEC-12"}` {
		t.Errorf("empty fields not omitted: %s", data)
	}
}
