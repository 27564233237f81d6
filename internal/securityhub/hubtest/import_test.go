package hubtest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// mutate returns a copy of an ASFF finding changed by edit.
func mutate(t *testing.T, raw []byte, edit func(doc map[string]any)) json.RawMessage {
	t.Helper()
	doc, err := decodeObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAddFindingsValidation(t *testing.T) {
	base := readFixture(t, "asff/01-securityhub-fsbp-cloudtrail2-failed.json")
	tests := []struct {
		name   string
		raw    json.RawMessage
		wantIn string
	}{
		{"not JSON", json.RawMessage(`{"Id":`), "not valid JSON"},
		{"not an object", json.RawMessage(`[1]`), "want an object"},
		{"redacted account", readFixture(t, "asff/22-securityhub-cis120-4.3-with-note.getfindings.json"), "AwsAccountId: must be 12 characters, got 9"},
		{"placeholder account", readFixture(t, "asff/23-prowler-rds-minor-version-upgrade-passed.json"), "AwsAccountId: must be 12 characters, got 10"},
		{"no Title", mutate(t, base, func(d map[string]any) { delete(d, "Title") }), "Title: is required"},
		{"bad CreatedAt", mutate(t, base, func(d map[string]any) { d["CreatedAt"] = "yesterday" }), "CreatedAt:"},
		{"offset beyond 18 hours", mutate(t, base, func(d map[string]any) { d["UpdatedAt"] = "2024-01-04T15:25:10+18:01" }), "UpdatedAt:"},
		{"no resources", mutate(t, base, func(d map[string]any) { d["Resources"] = []any{} }), "Resources: must have 1 to 32"},
		{"resource without Type", mutate(t, base, func(d map[string]any) { d["Resources"] = []any{map[string]any{"Id": "x"}} }), "Resources[0].Type"},
		{"bad severity label", mutate(t, base, func(d map[string]any) { d["Severity"] = map[string]any{"Label": "SEVERE"} }), "Severity.Label"},
		{"bad workflow", mutate(t, base, func(d map[string]any) { d["Workflow"] = map[string]any{"Status": "DONE"} }), "Workflow.Status"},
		{"schema version", mutate(t, base, func(d map[string]any) { d["SchemaVersion"] = "2019-01-01" }), "SchemaVersion"},
		{"too big", mutate(t, base, func(d map[string]any) { d["Description"] = strings.Repeat("x", 241<<10) }), "240 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewTest(t, Options{})
			good := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
			err := s.AddFindings(good, tt.raw)
			if err == nil {
				t.Fatal("AddFindings accepted an invalid finding")
			}
			if !strings.Contains(err.Error(), tt.wantIn) || !strings.Contains(err.Error(), "finding 1") {
				t.Errorf("error %q does not name finding 1 and %q", err, tt.wantIn)
			}
			if _, ok := s.Finding(productARN(t, good), findingID(t, good)); ok {
				t.Error("AddFindings stored the valid finding of a failed call; it must be atomic")
			}
		})
	}
}

func TestBatchImportFindings(t *testing.T) {
	s := NewTest(t, Options{})
	c := s.Client()
	ctx := context.Background()
	good := readFixture(t, "asff/08-guardduty-ssh-bruteforce.json")
	bad := readFixture(t, "asff/22-securityhub-cis120-4.3-with-note.getfindings.json")

	// The SDK sends typed findings: decode the fixtures into its type.
	var findings []types.AwsSecurityFinding
	for _, raw := range []json.RawMessage{good, bad} {
		var f types.AwsSecurityFinding
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		findings = append(findings, f)
	}
	out, err := c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.SuccessCount) != 1 || aws.ToInt32(out.FailedCount) != 1 || len(out.FailedFindings) != 1 {
		t.Fatalf("success %d failed %d %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
	ff := out.FailedFindings[0]
	if aws.ToString(ff.Id) != findingID(t, bad) || aws.ToString(ff.ErrorCode) != "InvalidInput" || !strings.Contains(aws.ToString(ff.ErrorMessage), "AwsAccountId") {
		t.Errorf("failed finding %q %q %q", aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage))
	}
	if _, ok := s.Finding(productARN(t, good), findingID(t, good)); !ok {
		t.Error("the valid finding was not stored")
	}

	t.Run("more than 100 findings", func(t *testing.T) {
		many := make([]types.AwsSecurityFinding, 101)
		for i := range many {
			many[i] = findings[0]
		}
		_, err := c.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: many})
		var iie *types.InvalidInputException
		if !errors.As(err, &iie) || !strings.Contains(iie.ErrorMessage(), "1 to 100") {
			t.Fatalf("got %v, want InvalidInputException about 100 findings", err)
		}
	})
}

func TestImportKeepsAndResetsTheWorkflow(t *testing.T) {
	ctrl := readFixture(t, "asff/12-securityhub-pcidss-lambda2-passed-archived.getfindings.json") // PASSED, ARCHIVED
	arn, id := productARN(t, ctrl), findingID(t, ctrl)
	status := func(t *testing.T, s *Server) (workflow, note string) {
		t.Helper()
		raw, ok := s.Finding(arn, id)
		if !ok {
			t.Fatal("finding missing")
		}
		doc, err := decodeObject(raw)
		if err != nil {
			t.Fatal(err)
		}
		return stringField(doc, "Workflow", "Status"), stringField(doc, "Note", "Text")
	}
	tests := []struct {
		name         string
		setWorkflow  string
		reimport     func(d map[string]any)
		wantWorkflow string
	}{
		{"provider cannot change workflow or note", "NOTIFIED", func(d map[string]any) {
			d["Workflow"] = map[string]any{"Status": "SUPPRESSED"}
			d["Note"] = map[string]any{"Text": "provider", "UpdatedBy": "p", "UpdatedAt": "2020-06-02T14:02:52.397Z"}
		}, "NOTIFIED"},
		{"archived to active resets NOTIFIED", "NOTIFIED", func(d map[string]any) { d["RecordState"] = "ACTIVE" }, "NEW"},
		{"passed to failed resets RESOLVED", "RESOLVED", func(d map[string]any) { object(d, "Compliance")["Status"] = "FAILED" }, "NEW"},
		{"passed to failed keeps SUPPRESSED", "SUPPRESSED", func(d map[string]any) { object(d, "Compliance")["Status"] = "FAILED" }, "SUPPRESSED"},
		{"still passed keeps RESOLVED", "RESOLVED", func(d map[string]any) { d["Title"] = "new title" }, "RESOLVED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewTest(t, Options{Now: NewClock(testNow).Now})
			if err := s.AddFindings(ctrl); err != nil {
				t.Fatal(err)
			}
			_, err := s.Client().BatchUpdateFindings(context.Background(), &securityhub.BatchUpdateFindingsInput{
				FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: aws.String(id), ProductArn: aws.String(arn)}},
				Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatus(tt.setWorkflow)},
				Note:               &types.NoteUpdate{Text: aws.String("ours"), UpdatedBy: aws.String("hubrelay")},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.AddFindings(mutate(t, ctrl, tt.reimport)); err != nil {
				t.Fatal(err)
			}
			workflow, note := status(t, s)
			if workflow != tt.wantWorkflow {
				t.Errorf("Workflow.Status %s, want %s", workflow, tt.wantWorkflow)
			}
			if note != "ours" {
				t.Errorf("Note.Text %q, want the customer's note kept", note)
			}
		})
	}
}
