package hubtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// serveSigned sends a signed request straight to the server's handler.
func serveSigned(t *testing.T, s *Server, method, path string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://securityhub.test"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), ourCreds(), req, hex.EncodeToString(sum[:]), signingService, s.opts.Region, testNow); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

// checkAnswer fails unless w is a 200 JSON object holding the members
// wantMembers, or an error the SDK understands: 4xx, X-Amzn-ErrorType
// whose code matches the body's Code, one of the codes the operation
// declares, and a message.
func checkAnswer(t *testing.T, w *httptest.ResponseRecorder, codes []string, wantMembers ...string) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("status %d, body is not a JSON object: %v: %q", w.Code, err, w.Body.String())
	}
	if w.Code == http.StatusOK {
		for _, m := range wantMembers {
			if _, ok := body[m]; !ok {
				t.Fatalf("200 without %s: %s", m, w.Body.String())
			}
		}
		return
	}
	if w.Code < 400 || w.Code > 499 {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	code, _, _ := strings.Cut(w.Header().Get("X-Amzn-ErrorType"), ":")
	if code == "" || body["Code"] != code {
		t.Fatalf("X-Amzn-ErrorType %q and body Code %v disagree", w.Header().Get("X-Amzn-ErrorType"), body["Code"])
	}
	if !slices.Contains(codes, code) {
		t.Fatalf("error code %s is not one of %v", code, codes)
	}
	if msg, _ := body["Message"].(string); msg == "" {
		t.Fatalf("error without a message: %s", w.Body.String())
	}
}

func FuzzGetFindingsRequest(f *testing.F) {
	seeds := []string{
		``, `{}`, `null`, `[]`, `{"MaxResults":1}`, `{"MaxResults":100}`, `{"MaxResults":0}`, `{"MaxResults":1e400}`,
		`{"MaxResults":"1"}`, `{"NextToken":"eyJvcCI6IkdldEZpbmRpbmdzIiwiZnAiOiJ4Iiwib2ZmIjoxfQ"}`, `{"NextToken":""}`,
		`{"Filters":{"SeverityLabel":[{"Value":"CRITICAL","Comparison":"EQUALS"}]}}`,
		`{"Filters":{"SeverityLabel":[{"Value":"LOW","Comparison":"EQUALS"},{"Value":"LOW","Comparison":"NOT_EQUALS"}]}}`,
		`{"Filters":{"ResourceType":[{"Value":"Aws","Comparison":"PREFIX"},{"Value":"AwsIamPolicy","Comparison":"NOT_EQUALS"}]}}`,
		`{"Filters":{"SeverityNormalized":[{"Gte":40,"Lt":70}]},"SortCriteria":[{"Field":"UpdatedAt","SortOrder":"asc"}]}`,
		`{"Filters":{"UpdatedAt":[{"DateRange":{"Value":7,"Unit":"DAYS"}}]}}`,
		`{"Filters":{"UpdatedAt":[{"Start":"2020-01-01T00:00:00Z","End":"2030-01-01T00:00:00+09:00"}]}}`,
		`{"Filters":{"ProductFields":[{"Key":"aws/securityhub/ProductName","Value":"GuardDuty","Comparison":"EQUALS"}]}}`,
		`{"Filters":{"NetworkSourceIpV4":[{"Cidr":"10.0.0.0/8"}]},"SortCriteria":[{"Field":"SeverityLabel"}]}`,
		`{"Filters":{"Sample":[{"Value":true}]}}`, `{"Filters":{"Keyword":[{"Value":"x"}]}}`,
		`{"Filters":{"Colour":[{"Value":"red","Comparison":"EQUALS"}]}}`, `{"Filters":{"Id":null}}`,
		`{"SortCriteria":[{"Field":"Nope"}]}`, `{"SortCriteria":[{"SortOrder":"desc"}]}`, `{"Unknown":1}`, `{"MaxResults":5}{}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	s := New(Options{Now: NewClock(testNow).Now})
	f.Cleanup(s.Close)
	for name, raw := range validASFF(f) {
		if err := s.AddFindings(raw); err != nil {
			f.Fatalf("%s: %v", name, err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := serveSigned(t, s, "POST", "/findings", body)
		checkAnswer(t, w, []string{codeInvalidInput}, "Findings")
		if w.Code == http.StatusOK {
			var out struct{ Findings []map[string]any }
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatalf("Findings is not a list of objects: %v", err)
			}
		}
	})
}

func FuzzGetFindingsV2Request(f *testing.F) {
	seeds := []string{
		``, `{}`, `{"MaxResults":2}`, `{"MaxResults":-1}`, `{"Scopes":{"AwsOrganizations":[]}}`,
		`{"Filters":{"CompositeFilters":[{"StringFilters":[{"FieldName":"severity","Filter":{"Value":"High","Comparison":"EQUALS"}}]}]}}`,
		`{"Filters":{"CompositeOperator":"OR","CompositeFilters":[{"Operator":"OR","StringFilters":[{"FieldName":"status","Filter":{"Value":"New","Comparison":"NOT_EQUALS"}}],"NestedCompositeFilters":[{"NumberFilters":[{"FieldName":"severity_id","Filter":{"Gte":3}}]}]}]}}`,
		`{"Filters":{"CompositeFilters":[{"DateFilters":[{"FieldName":"finding_info.created_time_dt","Filter":{"DateRange":{"Value":30,"Unit":"DAYS","Comparison":"OLDER_THAN"}}}]}]}}`,
		`{"Filters":{"CompositeFilters":[{"MapFilters":[{"FieldName":"resources.tags","Filter":{"Key":"env","Value":"prod","Comparison":"EQUALS"}}],"IpFilters":[{"FieldName":"evidences.src_endpoint.ip","Filter":{"Cidr":"::1/128"}}]}]}}`,
		`{"Filters":{"CompositeFilters":[{"BooleanFilters":[{"FieldName":"vulnerabilities.is_fix_available","Filter":{"Value":false}}]}]}}`,
		`{"Filters":{"CompositeFilters":[{"NumberFilters":[{"FieldName":"severity_id","Filter":{"Eq":"NaN"}}]}]}}`,
		`{"Filters":{"CompositeFilters":[{}]}}`, `{"SortCriteria":[{"Field":"severity_id","SortOrder":"desc"}]}`,
		`{"Filters":{"CompositeFilters":[{"StringFilters":[{"FieldName":"finding_info.title","Filter":{"Value":"","Comparison":"CONTAINS_WORD"}}]}]}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	s := New(Options{Now: NewClock(testNow).Now})
	f.Cleanup(s.Close)
	for _, name := range []string{"01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json", "02-cruxstack-guardduty-runtime-detection-create.json", "03-cruxstack-securityhub-cspm-compliance-config1-cis.json", "04-cruxstack-guardduty-detection-close.json"} {
		if err := s.AddOCSF(readFixture(f, "ocsf/"+name)); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAnswer(t, serveSigned(t, s, "POST", "/findingsv2", body), []string{codeValidation}, "Findings")
	})
}

// FuzzUpdateRequests sends arbitrary bodies to the operations that change
// state; the server must answer each with a success or a declared error
// and stay consistent (every stored finding still valid JSON).
func FuzzUpdateRequests(f *testing.F) {
	type target struct {
		method, path string
		codes        []string
		members      []string
	}
	targets := []target{
		{"PATCH", "/findings/batchupdate", []string{codeInvalidInput}, []string{"ProcessedFindings", "UnprocessedFindings"}},
		{"PATCH", "/findingsv2/batchupdatev2", []string{codeValidation}, []string{"ProcessedFindings", "UnprocessedFindings"}},
		{"POST", "/findings/import", []string{codeInvalidInput}, []string{"SuccessCount", "FailedCount"}},
		{"POST", "/actionTargets", []string{codeInvalidInput, codeResourceConflict}, []string{"ActionTargetArn"}},
		{"POST", "/actionTargets/get", []string{codeInvalidInput, codeNotFound}, []string{"ActionTargets"}},
	}
	gd := readFixture(f, "asff/08-guardduty-ssh-bruteforce.json")
	var compact bytes.Buffer
	if err := json.Compact(&compact, gd); err != nil {
		f.Fatal(err)
	}
	seeds := []struct {
		op   uint8
		body string
	}{
		{0, `{"FindingIdentifiers":[{"Id":"arn:aws:guardduty:us-west-2:193043430472:detector/d4b040365221be2b54a6264dc9a4bc9a/finding/7ab9d1cb6248e05a0e419a79528761cb","ProductArn":"arn:aws:securityhub:us-west-2::product/aws/guardduty"}],"Workflow":{"Status":"NOTIFIED"},"Note":{"Text":"t","UpdatedBy":"u"}}`},
		{0, `{"FindingIdentifiers":[{"Id":"x","ProductArn":"y"}],"UserDefinedFields":{"a":"b"},"Severity":{"Normalized":55}}`},
		{0, `{"FindingIdentifiers":[],"Workflow":{"Status":"NEW"}}`},
		{1, `{"MetadataUids":["eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"],"StatusId":4,"Comment":"c"}`},
		{1, `{"FindingIdentifiers":[{"CloudAccountUid":"1","FindingInfoUid":"2","MetadataProductUid":"3"}],"SeverityId":99}`},
		{2, `{"Findings":[` + compact.String() + `]}`},
		{2, `{"Findings":[{"Id":"x"}]}`},
		{3, `{"Name":"n","Description":"d","Id":"abc"}`},
		{3, `{"Name":"n","Description":"d","Id":"a-b"}`},
		{4, `{}`}, {4, `{"ActionTargetArns":["arn:aws:securityhub:ap-northeast-1:123456789012:action/custom/abc"]}`},
	}
	for _, sd := range seeds {
		f.Add(sd.op, []byte(sd.body))
	}
	s := New(Options{Now: NewClock(testNow).Now})
	f.Cleanup(s.Close)
	if err := s.AddFindings(gd); err != nil {
		f.Fatal(err)
	}
	if err := s.AddOCSF(readFixture(f, "ocsf/02-cruxstack-guardduty-runtime-detection-create.json")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		tg := targets[int(op)%len(targets)]
		checkAnswer(t, serveSigned(t, s, tg.method, tg.path, body), tg.codes, tg.members...)
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, rec := range s.state.asff {
			if !json.Valid(rec.raw) || !json.Valid(rec.event) {
				t.Fatalf("a stored finding is no longer valid JSON: %s", rec.raw)
			}
		}
		for _, rec := range s.state.ocsf {
			if !json.Valid(rec.raw) {
				t.Fatalf("a stored OCSF finding is no longer valid JSON: %s", rec.raw)
			}
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2019-01-31T23:00:00Z", "2019-01-31T23:00:00.123456789Z", "2024-01-04T15:25:10+17:59", "2024-01-04T15:25:10-1759",
		"2024-01-04T15:25:10+09", "2021-05-01T13:55:09.692022+00:00", "2024-02-30T00:00:00Z", "2024-01-04T15:25:10+18:01",
		"2024-01-04 15:25:10Z", "2024-01-04T15:25:10.Z", "", "2024-01-04T24:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTimestamp(s)
		if err != nil {
			return
		}
		// A valid timestamp survives a round trip through RFC 3339.
		again, err := parseTimestamp(got.Format("2006-01-02T15:04:05.999999999Z07:00"))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q -> %s -> %v %v", s, got, again, err)
		}
		if _, off := got.Zone(); off > 18*3600 || off < -18*3600 {
			t.Fatalf("%q: offset %d beyond 18 hours", s, off)
		}
	})
}

func FuzzMatchOperation(f *testing.F) {
	for _, sd := range []struct{ method, path string }{
		{"POST", "/findings"}, {"PATCH", "/actionTargets/arn:aws:securityhub:ap-northeast-1:123456789012:action/custom/x"},
		{"DELETE", "/actionTargets/arn%3Aaws%3Asecurityhub/a%2Fb"}, {"GET", "/insights/results/x/y"}, {"GET", "/members?x=1"},
		{"GET", "//"}, {"POST", "/tags/%zz"}, {"DELETE", "/actionTargets/"},
	} {
		f.Add(sd.method, sd.path)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		op, labels := matchOperation(method, path)
		if op == nil {
			return
		}
		if op.method != method {
			t.Fatalf("%s %s matched %s %s", method, path, op.method, op.path)
		}
		for name, v := range labels {
			if v == "" || !strings.Contains(op.path, "{"+name) {
				t.Fatalf("%s %s: label %s=%q for template %s", method, path, name, v, op.path)
			}
		}
	})
}
