package hubtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

func ident(id, arn string) types.AwsSecurityFindingIdentifier {
	return types.AwsSecurityFindingIdentifier{Id: aws.String(id), ProductArn: aws.String(arn)}
}

func TestBatchUpdateFindings(t *testing.T) {
	gd := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
	gdID, gdARN := findingID(t, gd), productARN(t, gd)
	ctl := readFixture(t, "asff/01-securityhub-fsbp-cloudtrail2-failed.json")
	ctlID, ctlARN := findingID(t, ctl), productARN(t, ctl)

	s := NewTest(t, Options{Now: NewClock(testNow).Now})
	if err := s.AddFindings(gd, ctl); err != nil {
		t.Fatal(err)
	}
	s.FailUpdates(ctlID)
	before, _ := s.Finding(gdARN, gdID)
	beforeDoc, _ := decodeObject(before)

	c := s.Client()
	out, err := c.BatchUpdateFindings(context.Background(), &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{
			ident(gdID, gdARN),
			ident(gdID, gdARN),              // duplicate
			ident("nope", gdARN),            // unknown
			ident(ctlID, ctlARN),            // FailUpdates
			ident(gdID, "arn:aws:other:::"), // same Id, other product
		},
		Workflow:          &types.WorkflowUpdate{Status: types.WorkflowStatusNotified},
		Note:              &types.NoteUpdate{Text: aws.String("ticket ABC-1"), UpdatedBy: aws.String("hubrelay")},
		UserDefinedFields: map[string]string{"ticket": "ABC-1"},
		Severity:          &types.SeverityUpdate{Label: types.SeverityLabelHigh},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ProcessedFindings) != 1 || aws.ToString(out.ProcessedFindings[0].Id) != gdID {
		t.Fatalf("processed %+v", out.ProcessedFindings)
	}
	wantCodes := []string{"DuplicatedFindingIdentifier", "FindingNotFound", "InternalFailure", "FindingNotFound"}
	if len(out.UnprocessedFindings) != len(wantCodes) {
		t.Fatalf("unprocessed %+v", out.UnprocessedFindings)
	}
	for i, u := range out.UnprocessedFindings {
		if aws.ToString(u.ErrorCode) != wantCodes[i] || aws.ToString(u.ErrorMessage) == "" || u.FindingIdentifier == nil {
			t.Errorf("unprocessed[%d] = %s %q, want %s", i, aws.ToString(u.ErrorCode), aws.ToString(u.ErrorMessage), wantCodes[i])
		}
	}

	after, _ := s.Finding(gdARN, gdID)
	doc, err := decodeObject(after)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		path []string
		want string
	}{
		{[]string{"Workflow", "Status"}, "NOTIFIED"},
		{[]string{"Note", "Text"}, "ticket ABC-1"},
		{[]string{"Note", "UpdatedBy"}, "hubrelay"},
		{[]string{"Note", "UpdatedAt"}, formatTimestamp(testNow)},
		{[]string{"UserDefinedFields", "ticket"}, "ABC-1"},
		{[]string{"Severity", "Label"}, "HIGH"},
		{[]string{"Severity", "Normalized"}, "70"},
		// "your updates don't affect the value for the UpdatedAt field"
		{[]string{"UpdatedAt"}, stringField(beforeDoc, "UpdatedAt")},
	}
	for _, c := range checks {
		if got := scalarString(field(doc, c.path...)); got != c.want {
			t.Errorf("%s = %q, want %q", strings.Join(c.path, "."), got, c.want)
		}
	}

	// The update is visible to filters.
	got, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{Filters: &types.AwsSecurityFindingFilters{
		WorkflowStatus: []types.StringFilter{{Value: aws.String("NOTIFIED"), Comparison: types.StringFilterComparisonEquals}},
	}})
	if err != nil || len(got.Findings) != 1 || aws.ToString(got.Findings[0].Id) != gdID {
		t.Fatalf("GetFindings WorkflowStatus NOTIFIED: %v %d", err, len(got.Findings))
	}
	if got.Findings[0].Note == nil || aws.ToString(got.Findings[0].Note.Text) != "ticket ABC-1" {
		t.Errorf("the SDK does not see the note: %+v", got.Findings[0].Note)
	}

	// FailUpdates() clears the failures.
	s.FailUpdates()
	out, err = c.BatchUpdateFindings(context.Background(), &securityhub.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{ident(ctlID, ctlARN)},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusResolved},
	})
	if err != nil || len(out.ProcessedFindings) != 1 {
		t.Fatalf("after FailUpdates(): %v %+v", err, out)
	}
}

func TestBatchUpdateFindingsMerges(t *testing.T) {
	gd := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
	id, arn := findingID(t, gd), productARN(t, gd)
	s := NewTest(t, Options{})
	if err := s.AddFindings(gd); err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	update := func(fields map[string]string) *securityhub.BatchUpdateFindingsOutput {
		t.Helper()
		out, err := c.BatchUpdateFindings(context.Background(), &securityhub.BatchUpdateFindingsInput{
			FindingIdentifiers: []types.AwsSecurityFindingIdentifier{ident(id, arn)},
			UserDefinedFields:  fields,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	fields := func(from, n int) map[string]string {
		m := map[string]string{}
		for i := from; i < from+n; i++ {
			m[fmt.Sprintf("k%02d", i)] = "v"
		}
		return m
	}
	update(fields(0, 30))
	update(fields(20, 20)) // 10 new keys: 40 in all
	raw, _ := s.Finding(arn, id)
	doc, _ := decodeObject(raw)
	if n := len(object(doc, "UserDefinedFields")); n != 40 {
		t.Fatalf("UserDefinedFields has %d keys, want 40 (merged)", n)
	}
	out := update(fields(40, 11)) // would make 51
	if len(out.UnprocessedFindings) != 1 || aws.ToString(out.UnprocessedFindings[0].ErrorCode) != "InvalidInput" {
		t.Fatalf("51 user-defined fields: %+v", out)
	}
	raw, _ = s.Finding(arn, id)
	doc, _ = decodeObject(raw)
	if n := len(object(doc, "UserDefinedFields")); n != 40 {
		t.Errorf("a refused update changed the finding: %d keys", n)
	}
}

func TestBatchUpdateFindingsInvalidInput(t *testing.T) {
	s := NewTest(t, Options{})
	c := s.Client()
	one := []types.AwsSecurityFindingIdentifier{ident("a", "arn:aws:securityhub:::product/x/y")}
	many := make([]types.AwsSecurityFindingIdentifier, 101)
	for i := range many {
		many[i] = ident(fmt.Sprint(i), "arn:aws:securityhub:::product/x/y")
	}
	wf := &types.WorkflowUpdate{Status: types.WorkflowStatusNotified}
	bigFields := map[string]string{}
	for i := range 51 {
		bigFields[fmt.Sprint(i)] = "v"
	}
	tests := []struct {
		name   string
		in     *securityhub.BatchUpdateFindingsInput
		wantIn string
	}{
		{"101 identifiers", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: many, Workflow: wf}, "1 to 100 findings at a time, got 101"},
		{"note too long", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one, Note: &types.NoteUpdate{Text: aws.String(strings.Repeat("n", 513)), UpdatedBy: aws.String("me")}}, "Note.Text must be 1 to 512 characters, got 513"},
		{"bad workflow", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one, Workflow: &types.WorkflowUpdate{Status: "CLOSED"}}, "Workflow.Status"},
		{"51 user-defined fields", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one, UserDefinedFields: bigFields}, "up to 50 key-value pairs"},
		{"long user-defined value", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one, UserDefinedFields: map[string]string{"k": strings.Repeat("v", 1025)}}, "up to 1024 characters"},
		{"confidence above 100", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one, Confidence: aws.Int32(101)}, "Confidence"},
		{"nothing to update", &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: one}, "nothing to update"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.BatchUpdateFindings(context.Background(), tt.in)
			var iie *types.InvalidInputException
			if !errors.As(err, &iie) {
				t.Fatalf("got %v, want InvalidInputException", err)
			}
			if !strings.Contains(iie.ErrorMessage(), tt.wantIn) {
				t.Errorf("message %q does not contain %q", iie.ErrorMessage(), tt.wantIn)
			}
		})
	}
}

func TestSeverityMapping(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "INFORMATIONAL"}, {1, "LOW"}, {39, "LOW"}, {40, "MEDIUM"}, {69, "MEDIUM"}, {70, "HIGH"}, {89, "HIGH"}, {90, "CRITICAL"}, {100, "CRITICAL"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := labelFor(tt.n); got != tt.want {
				t.Errorf("labelFor(%d) = %s, want %s", tt.n, got, tt.want)
			}
		})
	}
	for _, label := range severityLabels() {
		if got := labelFor(mustInt(t, normalizedFor(label))); got != label {
			t.Errorf("normalizedFor(%s) maps back to %s", label, got)
		}
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
