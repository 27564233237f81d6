package hubtest

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

const exposureSample = "ocsf/10-aws-docs-securityhub-exposure-finding-sample.json"

// TestExposureSampleGetsAMetadataUID: the AWS documentation's exposure
// finding sample has no metadata.uid; AddOCSF gives it the uid MetadataUID
// derives, GetFindingsV2 returns it with that uid, BatchUpdateFindingsV2
// finds it by that uid, and adding the sample again replaces it.
func TestExposureSampleGetsAMetadataUID(t *testing.T) {
	raw := readFixture(t, exposureSample)
	if field(mustObject(t, raw), "metadata", "uid") != nil {
		t.Fatal("the sample has a metadata.uid: this test no longer tests anything")
	}
	uid, err := MetadataUID(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(uid) {
		t.Fatalf("MetadataUID = %q, want 64 hexadecimal digits as Security Hub's uids", uid)
	}
	// The uid depends on the triple that names a finding, not on the rest.
	other := mutate(t, raw, func(d map[string]any) { d["severity"] = "Low" })
	if u, _ := MetadataUID(other); u != uid {
		t.Errorf("changing the severity changed the uid: %s", u)
	}
	otherAccount := mutate(t, raw, func(d map[string]any) { object(object(d, "cloud"), "account")["uid"] = "210987654321" })
	if u, _ := MetadataUID(otherAccount); u == uid {
		t.Error("another account's finding gets the same uid")
	}

	s := NewTest(t, Options{})
	for range 2 {
		if err := s.AddOCSF(raw); err != nil {
			t.Fatal(err)
		}
	}
	stored, ok := s.FindingV2(uid)
	if !ok {
		t.Fatalf("no finding stored under %s", uid)
	}
	if got := field(mustObject(t, stored), "metadata", "uid"); got != uid {
		t.Errorf("stored metadata.uid = %v", got)
	}
	if got := field(mustObject(t, stored), "metadata", "product", "name"); got != "Security Hub Exposure Analysis" {
		t.Errorf("metadata.product.name = %v: the rest of metadata was lost", got)
	}

	c := s.Client()
	ctx := context.Background()
	out, err := c.GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != 1 {
		t.Fatalf("%d findings, want the sample once (added twice)", len(out.Findings))
	}
	var got map[string]any
	if err := out.Findings[0].UnmarshalSmithyDocument(&got); err != nil {
		t.Fatal(err)
	}
	if field(got, "metadata", "uid") != uid {
		t.Errorf("GetFindingsV2 metadata.uid = %v, want %s", field(got, "metadata", "uid"), uid)
	}
	up, err := c.BatchUpdateFindingsV2(ctx, &securityhub.BatchUpdateFindingsV2Input{MetadataUids: []string{uid}, StatusId: aws.Int32(2)})
	if err != nil || len(up.ProcessedFindings) != 1 || len(up.UnprocessedFindings) != 0 {
		t.Fatalf("BatchUpdateFindingsV2 = %+v, %v", up, err)
	}
	// The triple of the sample names it too.
	up, err = c.BatchUpdateFindingsV2(ctx, &securityhub.BatchUpdateFindingsV2Input{StatusId: aws.Int32(4),
		FindingIdentifiers: []types.OcsfFindingIdentifier{{
			CloudAccountUid:    aws.String("123456789012"),
			FindingInfoUid:     aws.String("arn:aws:securityhub:us-east-1:123456789012:risk:1234f781c7ae7507f01e2fb460f15ca8fe7f9c95e257698a092cb74a4ea84a42"),
			MetadataProductUid: aws.String("arn:aws:securityhub:us-east-1::productv2/aws/securityhub-risk"),
		}}})
	if err != nil || len(up.ProcessedFindings) != 1 {
		t.Fatalf("BatchUpdateFindingsV2 by identifier = %+v, %v", up, err)
	}
	stored, _ = s.FindingV2(uid)
	if st := field(mustObject(t, stored), "status"); st != "Resolved" {
		t.Errorf("status = %v after the updates, want Resolved", st)
	}
}

// TestMetadataUIDKeepsTheFindingsOwn: a finding with a metadata.uid keeps
// it, and MetadataUID explains what is missing.
func TestMetadataUIDKeepsTheFindingsOwn(t *testing.T) {
	raw := readFixture(t, "ocsf/04-cruxstack-guardduty-detection-close.json")
	if uid, err := MetadataUID(raw); err != nil || uid != ocsfUIDs["04"] {
		t.Errorf("MetadataUID = %q, %v; want the finding's own %s", uid, err, ocsfUIDs["04"])
	}
	for _, tt := range []struct {
		name string
		raw  json.RawMessage
		want string
	}{
		{"no finding_info", json.RawMessage(`{"metadata":{}}`), "finding_info.uid is required"},
		{"numeric metadata.uid", json.RawMessage(`{"metadata":{"uid":7},"finding_info":{"uid":"x"}}`), "metadata.uid must be a non-empty string, got 7"},
		{"not JSON", json.RawMessage(`{`), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MetadataUID(tt.raw)
			if err == nil || (tt.want != "" && err.Error() != tt.want) {
				t.Errorf("MetadataUID error = %v, want %q", err, tt.want)
			}
		})
	}
}

func mustObject(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	doc, err := decodeObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
