package sns

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

func TestSubject(t *testing.T) {
	f := func(title, label string) *finding.Finding {
		return &finding.Finding{ID: "id", Title: title, Severity: finding.Severity{Label: label}, GeneratorID: "aws-foundational-security-best-practices/v/1.0.0/S3.1"}
	}
	tests := []struct {
		name string
		m    *notify.Message
		want string
	}{
		{"new", &notify.Message{Kind: notify.KindNew, Finding: f("EC2.7 EBS default encryption should be enabled", "HIGH")}, "[HIGH] EC2.7 EBS default encryption should be enabled"},
		{"resolved", &notify.Message{Kind: notify.KindResolved, Finding: f("S3 bucket is public", "HIGH")}, "[RESOLVED] S3 bucket is public"},
		{"reopened", &notify.Message{Kind: notify.KindReopened, Finding: f("S3 bucket is public", "HIGH")}, "[REOPENED HIGH] S3 bucket is public"},
		{"reminder", &notify.Message{Kind: notify.KindReminder, Finding: f("S3 bucket is public", "LOW")}, "[REMINDER LOW] S3 bucket is public"},
		{"test", &notify.Message{Kind: notify.KindTest, Finding: f("S3 bucket is public", "LOW")}, "[TEST] S3 bucket is public"},
		{"no label", &notify.Message{Kind: notify.KindNew, Finding: f("x y z", "")}, "[FINDING] x y z"},
		{"japanese title falls back to the generator", &notify.Message{Kind: notify.KindNew, Finding: f("S3 バケットが公開されています", "CRITICAL")},
			"[CRITICAL] aws-foundational-security-best-practices/v/1.0.0/S3.1"},
		{"mixed title keeps its ASCII", &notify.Message{Kind: notify.KindNew, Finding: f("EC2 インスタンス i-0123 が公開", "MEDIUM")}, "[MEDIUM] EC2 i-0123"},
		{"line breaks and controls", &notify.Message{Kind: notify.KindNew, Finding: f("a\r\nb\tc\x00d\u202e", "LOW")}, "[LOW] a b cd"},
		{"long", &notify.Message{Kind: notify.KindNew, Finding: f(strings.Repeat("word ", 40), "LOW")}, "[LOW] " + strings.TrimSpace(strings.Repeat("word ", 18)) + "..."},
		{"digest", &notify.Message{Kind: notify.KindNew, Digest: &notify.Digest{Findings: []*finding.Finding{f("a", "HIGH"), f("b", "HIGH"), f("c", "")}, Total: 5}},
			"[DIGEST] Security Hub: 5 findings (2 HIGH, 1 UNKNOWN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Subject(tt.m)
			if got != tt.want {
				t.Errorf("Subject = %q, want %q", got, tt.want)
			}
			if len(got) > MaxSubjectLength {
				t.Errorf("%d characters", len(got))
			}
		})
	}
}

func TestAttributes(t *testing.T) {
	a := &finding.Finding{ID: "a", AccountID: "111111111111", ProductName: "GuardDuty", Severity: finding.Severity{Label: "LOW"}}
	b := &finding.Finding{ID: "b", AccountID: "222222222222", ProductName: "GuardDuty", Severity: finding.Severity{Label: "CRITICAL"}}
	noProduct := &finding.Finding{ID: "c", ProductARN: "arn:aws:securityhub:us-east-1::product/aws/inspector", Severity: finding.Severity{Label: "\nHIGH "}}
	tests := []struct {
		name string
		m    *notify.Message
		want string
	}{
		{"finding", &notify.Message{Kind: notify.KindNew, Finding: a}, "account=111111111111 kind=new product=GuardDuty severity=LOW"},
		{"product ARN, no account, cleaned label", &notify.Message{Kind: notify.KindResolved, Finding: noProduct},
			"kind=resolved product=arn:aws:securityhub:us-east-1::product/aws/inspector severity=HIGH"},
		{"digest: most severe, shared product, mixed accounts", &notify.Message{Kind: notify.KindNew, Digest: &notify.Digest{Findings: []*finding.Finding{a, b}, Total: 2}},
			"kind=new product=GuardDuty severity=CRITICAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for _, attr := range Attributes(tt.m) {
				parts = append(parts, attr.Name+"="+attr.Value)
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("Attributes = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFIFOIDs(t *testing.T) {
	f := &finding.Finding{ID: "arn:aws:securityhub:us-west-1: 123456789012:finding/x", AccountID: "123456789012"}
	noAccount := &finding.Finding{ID: "arn:aws:inspector2:eu-west-2:nope:finding/d6b3"}
	m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: f}
	if got := GroupID(m, GroupByAccount); got != "123456789012" {
		t.Errorf("by account: %q", got)
	}
	if got := GroupID(m, GroupByFinding); !strings.HasPrefix(got, "sha256-") || len(got) != 71 {
		t.Errorf("an ID with a space must be hashed: %q", got)
	}
	if got := GroupID(&notify.Message{Finding: noAccount}, GroupByAccount); got != noAccount.ID {
		t.Errorf("no account: grouped by %q, want the finding ID", got)
	}
	digest := &notify.Message{Route: "r", Digest: &notify.Digest{GroupKey: "AwsAccountId=1", Findings: []*finding.Finding{f, noAccount}}}
	if got := GroupID(digest, GroupByAccount); got != "digest:r:AwsAccountId=1" {
		t.Errorf("digest with mixed accounts: %q", got)
	}
	if DeduplicationID(m) != DeduplicationID(&notify.Message{Key: "k"}) || DeduplicationID(m) == DeduplicationID(&notify.Message{Key: "k2"}) {
		t.Error("the deduplication ID must depend on the key alone")
	}
	if id := DeduplicationID(&notify.Message{Key: strings.Repeat("長いキー", 100)}); len(id) != 64 || fifoID(id) != id {
		t.Errorf("deduplication ID %q", id)
	}
}

func TestTruncateStrings(t *testing.T) {
	in := `{"a":"` + strings.Repeat("x", 50) + `","b":[1,2.5e3,true,false,null,{"long_key_stays_as_it_is":"yy"}],"c":{},"d":[]}`
	out, err := truncateStrings([]byte(in), 10, render.English)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":"xxxxxxxxx…","b":[1,2.5e3,true,false,null,{"long_key_stays_as_it_is":"yy"}],"c":{},"d":[]}`
	if string(out) != want || !json.Valid(out) {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

// TestJSONDocumentShortened: a finding too big for SNS is cut, not
// refused.
func TestJSONDocumentShortened(t *testing.T) {
	base := load(t, fixtureGuardDuty).Finding
	huge := strings.Repeat("x", 200<<10)
	f := hostile(base, huge, huge, huge, "123456789012", "")
	p, err := Build(&notify.Message{Kind: notify.KindNew, Key: "k", Finding: f}, &Config{TopicARN: standardTopic, MessageFormat: FormatJSON}, render.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Size() > MaxMessageBytes || !json.Valid([]byte(p.Message)) {
		t.Fatalf("%d bytes", p.Size())
	}
	var doc Document
	if err := json.Unmarshal([]byte(p.Message), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(doc.Finding.Description, "(truncated)") || doc.Finding.ID != base.ID {
		t.Errorf("description %d characters, id %q", len(doc.Finding.Description), doc.Finding.ID)
	}
}

func TestDigestEventKeepsWhatFits(t *testing.T) {
	base := load(t, fixtureGuardDuty).Finding
	var fs []*finding.Finding
	for i := range 40 {
		f := hostile(base, "t", strings.Repeat("d", 10<<10), "r", "123456789012", "")
		f.ID = strings.Repeat("i", i+1)
		fs = append(fs, f)
	}
	m := &notify.Message{Kind: notify.KindNew, Key: "k", Digest: &notify.Digest{GroupKey: "g", Findings: fs, Total: 50}}
	p, err := Build(m, &Config{TopicARN: standardTopic, MessageFormat: FormatRaw}, render.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Resources []string `json:"resources"`
		Detail    struct {
			Findings []json.RawMessage    `json:"findings"`
			Digest   notify.DigestSummary `json:"hubrelayDigest"`
		} `json:"detail"`
	}
	if err := json.Unmarshal([]byte(p.Message), &ev); err != nil {
		t.Fatal(err)
	}
	n := len(ev.Detail.Findings)
	if n == 0 || n == 40 || ev.Detail.Digest.Included != n || ev.Detail.Digest.Total != 50 || len(ev.Resources) != n {
		t.Errorf("event carries %d findings, summary %+v, %d resources", n, ev.Detail.Digest, len(ev.Resources))
	}
	if p.Size() > MaxMessageBytes || p.Size() < MaxMessageBytes-12<<10 {
		t.Errorf("%d bytes: more findings would have fit, or too many were kept", p.Size())
	}
}
