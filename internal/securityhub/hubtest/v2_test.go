package hubtest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// The metadata.uid of the OCSF fixtures, by file prefix; "05" is a copy of
// 02 changed by ocsfServer.
var ocsfUIDs = map[string]string{
	"01": "1d24e91799652d9e17025b61d94f436b20b515b6f3cd9bda788f48c1db9cf244",
	"02": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
	"03": "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"04": "5121a512c39d657e0dd78133fc41ad6bdd145b7cf5a306f52bda76f5883fa500",
	"05": "0505050505050505050505050505050505050505050505050505050505050505",
}

// ocsfServer holds the four OCSF fixtures 01-04 and a fifth finding: 02 with
// another uid, status Resolved, severity High, a staging tag and an
// evidence source IP.
func ocsfServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := NewTest(t, opts)
	files, err := filepath.Glob("testdata/ocsf/0*.json")
	if err != nil || len(files) != 4 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, f := range files {
		if err := s.AddOCSF(readFixture(t, "ocsf/"+filepath.Base(f))); err != nil {
			t.Fatal(err)
		}
	}
	fifth := mutate(t, readFixture(t, "ocsf/02-cruxstack-guardduty-runtime-detection-create.json"), func(d map[string]any) {
		object(d, "metadata")["uid"] = ocsfUIDs["05"]
		object(d, "finding_info")["uid"] = "arn:aws:guardduty:us-east-1:123456789012:detector/x/finding/fifth"
		d["status"], d["status_id"] = "Resolved", json.Number("4")
		d["severity"], d["severity_id"] = "High", json.Number("4")
		d["resources"].([]any)[0].(map[string]any)["tags"] = []any{map[string]any{"name": "environment", "value": "staging"}}
		d["evidences"] = []any{map[string]any{"src_endpoint": map[string]any{"ip": "203.0.113.7"}}}
	})
	if err := s.AddOCSF(fifth); err != nil {
		t.Fatal(err)
	}
	return s
}

// allFindingsV2 pages through GetFindingsV2 and returns the fixture
// prefixes of the findings, in order.
func allFindingsV2(t *testing.T, c *securityhub.Client, in *securityhub.GetFindingsV2Input) []string {
	t.Helper()
	byUID := map[string]string{}
	for k, v := range ocsfUIDs {
		byUID[v] = k
	}
	var out []string
	p := securityhub.NewGetFindingsV2Paginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Findings {
			var m map[string]any
			if err := d.UnmarshalSmithyDocument(&m); err != nil {
				t.Fatal(err)
			}
			uid, _ := field(m, "metadata", "uid").(string)
			out = append(out, byUID[uid])
		}
	}
	return out
}

func strFilter(field, cmp, value string) types.OcsfStringFilter {
	return types.OcsfStringFilter{FieldName: types.OcsfStringField(field), Filter: &types.StringFilter{Comparison: types.StringFilterComparison(cmp), Value: aws.String(value)}}
}

func TestGetFindingsV2Filters(t *testing.T) {
	s := ocsfServer(t, Options{Now: NewClock(testNow).Now})
	c := s.Client()
	one := func(cf types.CompositeFilter) *types.OcsfFindingFilters {
		return &types.OcsfFindingFilters{CompositeFilters: []types.CompositeFilter{cf}}
	}
	tests := []struct {
		name    string
		filters *types.OcsfFindingFilters
		want    string
	}{
		{"no filters", nil, "01 02 03 04 05"},
		{"severity equals", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("severity", "EQUALS", "Medium")}}), "02 04"},
		{"OR operator", one(types.CompositeFilter{Operator: types.AllowedOperatorsOr, StringFilters: []types.OcsfStringFilter{
			strFilter("severity", "EQUALS", "Critical"), strFilter("severity", "EQUALS", "High")}}), "03 05"},
		{"two EQUALS under AND select nothing", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{
			strFilter("severity", "EQUALS", "Critical"), strFilter("severity", "EQUALS", "High")}}), ""},
		{"status not equals", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("status", "NOT_EQUALS", "New")}}), "01 05"},
		{"product prefix", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("metadata.product.uid", "PREFIX", "arn:aws:securityhub:us-east-1::productv2/aws/guardduty")}}), "01 02 04 05"},
		{"contains word", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("finding_info.title", "CONTAINS_WORD", "container")}}), "02 04 05"},
		{"contains word needs the whole word", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("finding_info.title", "CONTAINS_WORD", "contain")}}), ""},
		{"finding uid", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("finding_info.uid", "EQUALS", "arn:aws:securityhub:us-east-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0/2.5/finding/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")}}), "03"},
		{"account and activity", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{
			strFilter("cloud.account.uid", "EQUALS", "123456789012"), strFilter("activity_name", "EQUALS", "Close")}}), "04"},
		{"compliance status", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("compliance.status", "EQUALS", "Fail")}}), "03"},
		{"resource type through the array", one(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("resources.type", "EQUALS", "AWS::Container::Container")}}), "04"},
		{"number", one(types.CompositeFilter{NumberFilters: []types.OcsfNumberFilter{{FieldName: "severity_id", Filter: &types.NumberFilter{Gte: aws.Float64(4)}}}}), "03 05"},
		{"number range", one(types.CompositeFilter{NumberFilters: []types.OcsfNumberFilter{{FieldName: "status_id", Filter: &types.NumberFilter{Gt: aws.Float64(1), Lt: aws.Float64(4)}}}}), "01"},
		{"date start and end", one(types.CompositeFilter{DateFilters: []types.OcsfDateFilter{{FieldName: "finding_info.created_time_dt", Filter: &types.DateFilter{Start: aws.String("2025-01-01T00:00:00Z"), End: aws.String("2025-10-31T00:00:00Z")}}}}), "02 03 05"},
		{"date within days", one(types.CompositeFilter{DateFilters: []types.OcsfDateFilter{{FieldName: "finding_info.modified_time_dt", Filter: &types.DateFilter{DateRange: &types.DateRange{Value: aws.Int32(120), Unit: types.DateRangeUnitDays}}}}}), "03 04"},
		{"date older than", one(types.CompositeFilter{DateFilters: []types.OcsfDateFilter{{FieldName: "finding_info.modified_time_dt", Filter: &types.DateFilter{DateRange: &types.DateRange{Value: aws.Int32(120), Unit: types.DateRangeUnitDays, Comparison: types.DateRangeComparisonOlderThan}}}}}), "01 02 05"},
		{"boolean true", one(types.CompositeFilter{BooleanFilters: []types.OcsfBooleanFilter{{FieldName: "compliance.assessments.meets_criteria", Filter: &types.BooleanFilter{Value: aws.Bool(true)}}}}), ""},
		{"boolean false, missing counts as false", one(types.CompositeFilter{BooleanFilters: []types.OcsfBooleanFilter{{FieldName: "compliance.assessments.meets_criteria", Filter: &types.BooleanFilter{Value: aws.Bool(false)}}}}), "01 02 03 04 05"},
		{"map tag equals", one(types.CompositeFilter{MapFilters: []types.OcsfMapFilter{{FieldName: "resources.tags", Filter: &types.MapFilter{Key: aws.String("environment"), Value: aws.String("production"), Comparison: types.MapFilterComparisonEquals}}}}), "02 04"},
		{"map tag not equals", one(types.CompositeFilter{MapFilters: []types.OcsfMapFilter{{FieldName: "resources.tags", Filter: &types.MapFilter{Key: aws.String("environment"), Value: aws.String("production"), Comparison: types.MapFilterComparisonNotEquals}}}}), "01 03 05"},
		{"map control parameter values", one(types.CompositeFilter{MapFilters: []types.OcsfMapFilter{{FieldName: "compliance.control_parameters", Filter: &types.MapFilter{Key: aws.String("includeConfigServiceLinkedRoleCheck"), Value: aws.String("true"), Comparison: types.MapFilterComparisonEquals}}}}), "03"},
		{"ip cidr", one(types.CompositeFilter{IpFilters: []types.OcsfIpFilter{{FieldName: "evidences.src_endpoint.ip", Filter: &types.IpFilter{Cidr: aws.String("203.0.113.0/24")}}}}), "05"},
		{"ip bare address", one(types.CompositeFilter{IpFilters: []types.OcsfIpFilter{{FieldName: "evidences.src_endpoint.ip", Filter: &types.IpFilter{Cidr: aws.String("203.0.113.8")}}}}), ""},
		{"composite OR with nesting", &types.OcsfFindingFilters{
			CompositeOperator: types.AllowedOperatorsOr,
			CompositeFilters: []types.CompositeFilter{
				{StringFilters: []types.OcsfStringFilter{strFilter("severity", "EQUALS", "Critical")}},
				{
					StringFilters: []types.OcsfStringFilter{strFilter("status", "EQUALS", "New")},
					NestedCompositeFilters: []types.CompositeFilter{{Operator: types.AllowedOperatorsOr, StringFilters: []types.OcsfStringFilter{
						strFilter("activity_name", "EQUALS", "Close"), strFilter("activity_name", "EQUALS", "Create")}}},
				},
			},
		}, "02 03 04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := allFindingsV2(t, c, &securityhub.GetFindingsV2Input{Filters: tt.filters, MaxResults: aws.Int32(2)})
			if g := strings.Join(sortedStrings(got), " "); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func TestGetFindingsV2Sort(t *testing.T) {
	s := ocsfServer(t, Options{})
	c := s.Client()
	tests := []struct {
		name     string
		criteria []types.SortCriterion
		want     string
	}{
		{"default: modified newest first, ties by insertion", nil, "04 03 02 05 01"},
		{"severity_id descending", []types.SortCriterion{{Field: aws.String("severity_id"), SortOrder: types.SortOrderDescending}}, "03 05 02 04 01"},
		{"created ascending", []types.SortCriterion{{Field: aws.String("finding_info.created_time_dt"), SortOrder: types.SortOrderAscending}}, "01 03 02 05 04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := allFindingsV2(t, c, &securityhub.GetFindingsV2Input{SortCriteria: tt.criteria, MaxResults: aws.Int32(2)})
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("order %s, want %s", g, tt.want)
			}
		})
	}
}

func TestGetFindingsV2InvalidInput(t *testing.T) {
	s := ocsfServer(t, Options{})
	c := s.Client()
	sev := strFilter("severity", "EQUALS", "High")
	composites := func(n int) []types.CompositeFilter {
		out := make([]types.CompositeFilter, n)
		for i := range out {
			out[i] = types.CompositeFilter{StringFilters: []types.OcsfStringFilter{sev}}
		}
		return out
	}
	many := make([]types.OcsfStringFilter, 21)
	for i := range many {
		many[i] = sev
	}
	deep := types.CompositeFilter{StringFilters: []types.OcsfStringFilter{sev}, NestedCompositeFilters: []types.CompositeFilter{{
		StringFilters: []types.OcsfStringFilter{sev}, NestedCompositeFilters: []types.CompositeFilter{{StringFilters: []types.OcsfStringFilter{sev}}},
	}}}
	f := func(cf ...types.CompositeFilter) *types.OcsfFindingFilters {
		return &types.OcsfFindingFilters{CompositeFilters: cf}
	}
	tests := []struct {
		name   string
		in     *securityhub.GetFindingsV2Input
		wantIn string
	}{
		{"unknown field", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("colour", "EQUALS", "red")}})}, `FieldName: "colour"`},
		{"number field as string filter", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("severity_id", "EQUALS", "4")}})}, "severity_id"},
		{"11 composite filters", &securityhub.GetFindingsV2Input{Filters: f(composites(11)...)}, "up to 10 composite filters, got 11"},
		{"21 string filters", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{StringFilters: many})}, "up to 20 filters of each type, got 21"},
		{"bad comparison", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{StringFilters: []types.OcsfStringFilter{strFilter("severity", "LIKE", "H")}})}, "Comparison"},
		{"empty composite", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{})}, "has no filters"},
		{"nested too deep", &securityhub.GetFindingsV2Input{Filters: f(deep)}, "nest one level"},
		{"bad operator", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{Operator: "XOR", StringFilters: []types.OcsfStringFilter{sev}})}, "AND or OR"},
		{"NaN", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{NumberFilters: []types.OcsfNumberFilter{{FieldName: "severity_id", Filter: &types.NumberFilter{Eq: aws.Float64(math.NaN())}}}})}, "finite number"},
		{"empty number filter", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{NumberFilters: []types.OcsfNumberFilter{{FieldName: "severity_id", Filter: &types.NumberFilter{}}}})}, "needs Eq"},
		{"bad date", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{DateFilters: []types.OcsfDateFilter{{FieldName: "finding_info.created_time_dt", Filter: &types.DateFilter{Start: aws.String("2025-13-01T00:00:00Z")}}}})}, "Start"},
		{"bad CIDR", &securityhub.GetFindingsV2Input{Filters: f(types.CompositeFilter{IpFilters: []types.OcsfIpFilter{{FieldName: "evidences.src_endpoint.ip", Filter: &types.IpFilter{Cidr: aws.String("300.1.1.1/8")}}}})}, "Cidr"},
		{"MaxResults 101", &securityhub.GetFindingsV2Input{MaxResults: aws.Int32(101)}, "MaxResults"},
		{"bad token", &securityhub.GetFindingsV2Input{NextToken: aws.String("abc")}, "NextToken"},
		{"unknown sort field", &securityhub.GetFindingsV2Input{SortCriteria: []types.SortCriterion{{Field: aws.String("colour")}}}, "SortCriteria[0].Field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetFindingsV2(context.Background(), tt.in)
			var ve *types.ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want *types.ValidationException", err)
			}
			if !strings.Contains(ve.ErrorMessage(), tt.wantIn) {
				t.Errorf("message %q does not contain %q", ve.ErrorMessage(), tt.wantIn)
			}
		})
	}
}

func TestBatchUpdateFindingsV2(t *testing.T) {
	s := ocsfServer(t, Options{})
	c := s.Client()
	ctx := context.Background()
	before, _ := s.FindingV2(ocsfUIDs["03"])
	s.FailUpdates("arn:aws:securityhub:us-east-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0/2.5/finding/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")

	out, err := c.BatchUpdateFindingsV2(ctx, &securityhub.BatchUpdateFindingsV2Input{
		MetadataUids: []string{ocsfUIDs["02"], "no-such-uid", ocsfUIDs["03"]},
		StatusId:     aws.Int32(4),
		Comment:      aws.String("ticket ABC-2"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ProcessedFindings) != 1 || aws.ToString(out.ProcessedFindings[0].MetadataUid) != ocsfUIDs["02"] {
		t.Fatalf("processed %+v", out.ProcessedFindings)
	}
	wantCodes := map[string]types.BatchUpdateFindingsV2UnprocessedFindingErrorCode{
		"no-such-uid":  types.BatchUpdateFindingsV2UnprocessedFindingErrorCodeResourceNotFoundException,
		ocsfUIDs["03"]: types.BatchUpdateFindingsV2UnprocessedFindingErrorCodeInternalServerException,
	}
	if len(out.UnprocessedFindings) != len(wantCodes) {
		t.Fatalf("unprocessed %+v", out.UnprocessedFindings)
	}
	for _, u := range out.UnprocessedFindings {
		if want := wantCodes[aws.ToString(u.MetadataUid)]; u.ErrorCode != want || aws.ToString(u.ErrorMessage) == "" {
			t.Errorf("%s: %s %q, want %s", aws.ToString(u.MetadataUid), u.ErrorCode, aws.ToString(u.ErrorMessage), want)
		}
	}
	raw, _ := s.FindingV2(ocsfUIDs["02"])
	doc, _ := decodeObject(raw)
	for path, want := range map[string]string{"status": "Resolved", "status_id": "4", "comment": "ticket ABC-2", "severity": "Medium"} {
		if got := scalarString(field(doc, strings.Split(path, ".")...)); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	after03, _ := s.FindingV2(ocsfUIDs["03"])
	if string(after03) != string(before) {
		t.Error("a failed update changed finding 03")
	}

	// By FindingIdentifiers, with SeverityId.
	out, err = c.BatchUpdateFindingsV2(ctx, &securityhub.BatchUpdateFindingsV2Input{
		FindingIdentifiers: []types.OcsfFindingIdentifier{{
			CloudAccountUid:    aws.String("123456789012"),
			FindingInfoUid:     aws.String("arn:aws:guardduty:us-east-1:205014383633:detector/12cbda91026ae3393af947729d385166/finding/d6cd5459c241b902f2aaff9db607c941"),
			MetadataProductUid: aws.String("arn:aws:securityhub:us-east-1::productv2/aws/guardduty"),
		}, {
			CloudAccountUid:    aws.String("000000000000"),
			FindingInfoUid:     aws.String("x"),
			MetadataProductUid: aws.String("y"),
		}},
		SeverityId: aws.Int32(5),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ProcessedFindings) != 1 || out.ProcessedFindings[0].FindingIdentifier == nil || len(out.UnprocessedFindings) != 1 || out.UnprocessedFindings[0].FindingIdentifier == nil {
		t.Fatalf("by identifiers: %+v", out)
	}
	raw, _ = s.FindingV2(ocsfUIDs["04"])
	doc, _ = decodeObject(raw)
	if doc["severity"] != "Critical" || scalarString(doc["severity_id"]) != "5" {
		t.Errorf("severity %v/%v, want Critical/5", doc["severity"], doc["severity_id"])
	}
	if got := allFindingsV2(t, c, &securityhub.GetFindingsV2Input{Filters: &types.OcsfFindingFilters{CompositeFilters: []types.CompositeFilter{{
		StringFilters: []types.OcsfStringFilter{strFilter("comment", "EQUALS", "ticket ABC-2")}}}}}); strings.Join(got, " ") != "02" {
		t.Errorf("the comment is not visible to filters: %v", got)
	}

	uid := []string{ocsfUIDs["01"]}
	ids := []types.OcsfFindingIdentifier{{CloudAccountUid: aws.String("1"), FindingInfoUid: aws.String("2"), MetadataProductUid: aws.String("3")}}
	tests := []struct {
		name   string
		in     *securityhub.BatchUpdateFindingsV2Input
		wantIn string
	}{
		{"both kinds of identifier", &securityhub.BatchUpdateFindingsV2Input{MetadataUids: uid, FindingIdentifiers: ids, StatusId: aws.Int32(1)}, "cannot be used together"},
		{"no identifier", &securityhub.BatchUpdateFindingsV2Input{StatusId: aws.Int32(1)}, "MetadataUids or FindingIdentifiers"},
		{"status 6", &securityhub.BatchUpdateFindingsV2Input{MetadataUids: uid, StatusId: aws.Int32(6)}, "StatusId must be one of [0, 1, 2, 3, 4, 5, 99], got 6"},
		{"severity 7", &securityhub.BatchUpdateFindingsV2Input{MetadataUids: uid, SeverityId: aws.Int32(7)}, "SeverityId"},
		{"long comment", &securityhub.BatchUpdateFindingsV2Input{MetadataUids: uid, Comment: aws.String(strings.Repeat("c", 513))}, "Comment must be 1 to 512 characters"},
		{"nothing to update", &securityhub.BatchUpdateFindingsV2Input{MetadataUids: uid}, "nothing to update"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.BatchUpdateFindingsV2(ctx, tt.in)
			var ve *types.ValidationException
			if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), tt.wantIn) {
				t.Fatalf("got %v, want ValidationException containing %q", err, tt.wantIn)
			}
		})
	}
}

func TestAddOCSFValidation(t *testing.T) {
	base := readFixture(t, "ocsf/02-cruxstack-guardduty-runtime-detection-create.json")
	tests := []struct {
		name   string
		raw    json.RawMessage
		wantIn string
	}{
		{"no finding_info.uid", mutate(t, base, func(d map[string]any) { delete(object(d, "finding_info"), "uid") }), "finding_info.uid is required"},
		{"empty metadata.uid", mutate(t, base, func(d map[string]any) { object(d, "metadata")["uid"] = "" }), "metadata.uid must be a non-empty string"},
		{"metadata not an object", mutate(t, base, func(d map[string]any) { d["metadata"] = []any{} }), "metadata must be an object"},
		{"numeric finding_info.uid", mutate(t, base, func(d map[string]any) { object(d, "finding_info")["uid"] = 5 }), "finding_info.uid must be a non-empty string"},
		{"not an object", json.RawMessage(`"x"`), "want an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewTest(t, Options{})
			err := s.AddOCSF(readFixture(t, "ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json"), tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) || !strings.Contains(err.Error(), "OCSF finding 1") {
				t.Fatalf("got %v, want an error about finding 1 containing %q", err, tt.wantIn)
			}
			if _, ok := s.FindingV2(ocsfUIDs["03"]); ok {
				t.Error("AddOCSF stored part of a failed call")
			}
		})
	}
}
