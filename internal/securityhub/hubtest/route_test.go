package hubtest

import (
	"testing"
	"time"
)

func TestMatchOperation(t *testing.T) {
	tests := []struct {
		method, path string
		want         string
		labels       map[string]string
	}{
		{"POST", "/findings", "GetFindings", nil},
		{"POST", "/findings/import", "BatchImportFindings", nil},
		{"PATCH", "/findings/batchupdate", "BatchUpdateFindings", nil},
		{"POST", "/findingsv2", "GetFindingsV2", nil},
		{"PATCH", "/findingsv2/batchupdatev2", "BatchUpdateFindingsV2", nil},
		{"GET", "/members", "ListMembers", nil},
		{"POST", "/actionTargets", "CreateActionTarget", nil},
		{"POST", "/actionTargets/get", "DescribeActionTargets", nil},
		{"PATCH", "/actionTargets/arn%3Aaws%3Asecurityhub%3Aap-northeast-1%3A123456789012%3Aaction/custom/x", "UpdateActionTarget",
			map[string]string{"ActionTargetArn": "arn:aws:securityhub:ap-northeast-1:123456789012:action/custom/x"}},
		{"DELETE", "/actionTargets/arn:aws:securityhub:eu-west-1:1:action/custom/a%20b", "DeleteActionTarget",
			map[string]string{"ActionTargetArn": "arn:aws:securityhub:eu-west-1:1:action/custom/a b"}},
		{"GET", "/insights/results/arn:x/y", "GetInsightResults", map[string]string{"InsightArn": "arn:x/y"}},
		{"DELETE", "/insights/arn:x", "DeleteInsight", map[string]string{"InsightArn": "arn:x"}},
		{"GET", "/tags/arn:x", "ListTagsForResource", map[string]string{"ResourceArn": "arn:x"}},
		{"GET", "/tags/arn:x/y", "", nil}, // {ResourceArn} is one segment
		{"DELETE", "/actionTargets/", "", nil},
		{"PUT", "/findings", "", nil},
		{"POST", "/findings/extra", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			op, labels := matchOperation(tt.method, tt.path)
			if tt.want == "" {
				if op != nil {
					t.Fatalf("matched %s", op.name)
				}
				return
			}
			if op == nil || op.name != tt.want {
				t.Fatalf("matched %v, want %s", op, tt.want)
			}
			for k, v := range tt.labels {
				if labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, labels[k], v)
				}
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2019-01-31T23:00:00Z", time.Date(2019, 1, 31, 23, 0, 0, 0, time.UTC), true},
		{"2019-01-31T23:00:00.123456789Z", time.Date(2019, 1, 31, 23, 0, 0, 123456789, time.UTC), true},
		{"2024-01-04T15:25:10+17:59", time.Date(2024, 1, 3, 21, 26, 10, 0, time.UTC), true},
		{"2024-01-04T15:25:10-1759", time.Date(2024, 1, 5, 9, 24, 10, 0, time.UTC), true},
		{"2022-02-07T23:51:26.938817-05:00", time.Date(2022, 2, 8, 4, 51, 26, 938817000, time.UTC), true},
		{"2024-01-04T15:25:10+09", time.Date(2024, 1, 4, 6, 25, 10, 0, time.UTC), true},
		{"2024-01-04T15:25:10+18:01", time.Time{}, false},
		{"2023-02-29T00:00:00Z", time.Time{}, false},
		{"2019-01-31T23:00:00.1234567890Z", time.Time{}, false},
		{"2019-01-31 23:00:00Z", time.Time{}, false},
		{"2019-01-31T23:00:00", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTimestamp(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && !got.Equal(tt.want) {
				t.Errorf("%s, want %s", got.UTC(), tt.want)
			}
		})
	}
}
