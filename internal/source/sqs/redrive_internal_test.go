package sqssource

import "testing"

func TestParseRedrivePolicy(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:findings-dlq"
	tests := []struct {
		name    string
		in      string
		want    *redrivePolicy
		wantErr bool
	}{
		{name: "none", in: ""},
		{name: "as SQS writes it", in: `{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":5}`, want: &redrivePolicy{arn, 5}},
		{name: "count as a string", in: `{"maxReceiveCount":"1000","deadLetterTargetArn":"` + arn + `"}`, want: &redrivePolicy{arn, 1000}},
		{name: "no target", in: `{"maxReceiveCount":5}`, wantErr: true},
		{name: "no count", in: `{"deadLetterTargetArn":"` + arn + `"}`, wantErr: true},
		{name: "zero count", in: `{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":0}`, wantErr: true},
		{name: "fractional count", in: `{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":2.5}`, wantErr: true},
		{name: "not JSON", in: `deadLetterTargetArn=x`, wantErr: true},
		{name: "trailing data", in: `{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":5} {}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRedrivePolicy(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzRedrivePolicy feeds arbitrary attribute values to the redrive
// policy parser: it never panics, and a policy it returns has a target and
// a positive count.
func FuzzRedrivePolicy(f *testing.F) {
	for _, seed := range []string{
		"",
		`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}`,
		`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"10"}`,
		`{"deadLetterTargetArn":"","maxReceiveCount":-1}`,
		`{"maxReceiveCount":1e3}`,
		`null`,
		`[]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseRedrivePolicy(s)
		if err != nil && p != nil {
			t.Fatalf("a policy and an error")
		}
		if p != nil && (p.deadLetterARN == "" || p.maxReceiveCount < 1) {
			t.Fatalf("policy %+v from %q", *p, s)
		}
		if s == "" && (p != nil || err != nil) {
			t.Fatalf("empty attribute: %+v %v", p, err)
		}
	})
}
