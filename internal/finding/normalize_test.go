package finding

import (
	"testing"
)

// TestASFFSeverityFallbacks follows the documented Label/Normalized mapping.
func TestASFFSeverityFallbacks(t *testing.T) {
	tests := []struct {
		name     string
		severity string
		want     Severity
	}{
		{"label only", `"Severity":{"Label":"HIGH"}`, Severity{"HIGH", 70}},
		{"label in lower case", `"Severity":{"Label":"medium"}`, Severity{"MEDIUM", 40}},
		{"both as given, even when they disagree", `"Severity":{"Label":"LOW","Normalized":55}`, Severity{"LOW", 55}},
		{"normalized 0", `"Severity":{"Normalized":0}`, Severity{"INFORMATIONAL", 0}},
		{"normalized 1", `"Severity":{"Normalized":1}`, Severity{"LOW", 1}},
		{"normalized 39", `"Severity":{"Normalized":39}`, Severity{"LOW", 39}},
		{"normalized 40", `"Severity":{"Normalized":40}`, Severity{"MEDIUM", 40}},
		{"normalized 69", `"Severity":{"Normalized":69}`, Severity{"MEDIUM", 69}},
		{"normalized 70", `"Severity":{"Normalized":70}`, Severity{"HIGH", 70}},
		{"normalized 89", `"Severity":{"Normalized":89}`, Severity{"HIGH", 89}},
		{"normalized 90", `"Severity":{"Normalized":90}`, Severity{"CRITICAL", 90}},
		{"normalized 100 with product", `"Severity":{"Product":8.5,"Normalized":100}`, Severity{"CRITICAL", 100}},
		{"normalized written as 40.0", `"Severity":{"Normalized":40.0}`, Severity{"MEDIUM", 40}},
		{"product alone has no documented mapping", `"Severity":{"Product":8}`, Severity{}},
		{"FindingProviderFields label", `"FindingProviderFields":{"Severity":{"Label":"CRITICAL"}}`, Severity{"CRITICAL", 90}},
		{"no severity", `"Title":"t"`, Severity{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := decodeOne(t, "s", []byte(`{"Id":"a",`+tt.severity+`}`))
			if it.Finding.Severity != tt.want {
				t.Errorf("Severity = %+v, want %+v", it.Finding.Severity, tt.want)
			}
		})
	}
}

// TestASFFFallbacks covers the other documented fallbacks.
func TestASFFFallbacks(t *testing.T) {
	tests := []struct {
		name  string
		attrs string
		check func(f *Finding) bool
	}{
		{"Workflow.Status wins over WorkflowState", `"Workflow":{"Status":"NOTIFIED"},"WorkflowState":"NEW"`, func(f *Finding) bool { return f.Workflow == "NOTIFIED" }},
		{"deprecated WorkflowState alone", `"WorkflowState":"IN_PROGRESS"`, func(f *Finding) bool { return f.Workflow == "IN_PROGRESS" }},
		{"ProductName from ProductFields", `"ProductFields":{"aws/securityhub/ProductName":"Macie","aws/securityhub/CompanyName":"Amazon"}`, func(f *Finding) bool { return f.ProductName == "Macie" && f.CompanyName == "Amazon" }},
		{"top-level ProductName wins", `"ProductName":"IAM Access Analyzer","ProductFields":{"aws/securityhub/ProductName":"AM Access Analyzer"}`, func(f *Finding) bool { return f.ProductName == "IAM Access Analyzer" }},
		{"region from the Id ARN", `"Id":"arn:aws:securityhub:eu-west-3:1:subscription/x"`, func(f *Finding) bool { return f.Region == "eu-west-3" }},
		{"region from the ProductArn ARN", `"ProductArn":"arn:aws-cn:securityhub:cn-north-1::product/aws/securityhub"`, func(f *Finding) bool { return f.Region == "cn-north-1" }},
		{"types from FindingProviderFields", `"FindingProviderFields":{"Types":["Effects/Data Exposure"]}`, func(f *Finding) bool { return len(f.Types) == 1 && f.Types[0] == "Effects/Data Exposure" }},
		{"standards from AssociatedStandards", `"Compliance":{"Status":"FAILED","AssociatedStandards":[{"StandardsId":"standards/a"},{"StandardsId":"standards/b"}]},"ProductFields":{"StandardsArn":"arn:x"}`, func(f *Finding) bool {
			return len(f.Compliance.Standards) == 2 && f.Compliance.Standards[1] == "standards/b"
		}},
		{"standards from ProductFields StandardsArn", `"ProductFields":{"StandardsArn":"arn:aws:securityhub:::standards/pci-dss/v/3.2.1"}`, func(f *Finding) bool {
			return len(f.Compliance.Standards) == 1 && f.Compliance.Standards[0] == "arn:aws:securityhub:::standards/pci-dss/v/3.2.1"
		}},
		{"the identity comes from the exact-case Id key", `"Id":"a","ID":"b","id":"c","ProductArn":"p","productArn":"q"`, func(f *Finding) bool {
			return f.ID == "a" && f.ProductARN == "p"
		}},
		{"null attributes are absent", `"Severity":null,"Resources":null,"Workflow":null,"Remediation":{"Recommendation":null}`, func(f *Finding) bool {
			return f.Severity == Severity{} && f.Resources == nil && f.Workflow == ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs := tt.attrs
			if attrs[:5] != `"Id":` {
				attrs = `"Id":"a",` + attrs
			}
			it := decodeOne(t, "s", []byte(`{`+attrs+`}`))
			if !tt.check(it.Finding) {
				t.Errorf("unexpected finding %+v", *it.Finding)
			}
		})
	}
}

// TestOCSFMappings covers severity, status, activity and compliance mapping.
func TestOCSFMappings(t *testing.T) {
	tests := []struct {
		name  string
		attrs string
		check func(f *Finding) bool
	}{
		{"severity_id 1", `"severity_id":1`, func(f *Finding) bool { return f.Severity == Severity{"INFORMATIONAL", 0} }},
		{"severity_id 4", `"severity_id":4,"severity":"High"`, func(f *Finding) bool { return f.Severity == Severity{"HIGH", 70} }},
		{"severity_id 6 Fatal", `"severity_id":6,"severity":"Fatal"`, func(f *Finding) bool { return f.Severity == Severity{"CRITICAL", 100} }},
		{"severity_id 99 with a label caption", `"severity_id":99,"severity":"Medium"`, func(f *Finding) bool { return f.Severity == Severity{"MEDIUM", 40} }},
		{"severity_id 0 Unknown", `"severity_id":0,"severity":"Unknown"`, func(f *Finding) bool { return f.Severity == Severity{} }},
		{"status caption", `"status":"In Progress","status_id":2`, func(f *Finding) bool { return f.Workflow == "IN_PROGRESS" }},
		{"status_id without caption", `"status_id":4`, func(f *Finding) bool { return f.Workflow == "RESOLVED" }},
		{"activity Close by id", `"activity_id":3`, func(f *Finding) bool { return f.RecordState == "ARCHIVED" }},
		{"activity Close by name", `"activity_name":"Close"`, func(f *Finding) bool { return f.RecordState == "ARCHIVED" }},
		{"activity Update", `"activity_id":2,"activity_name":"Update"`, func(f *Finding) bool { return f.RecordState == "ACTIVE" }},
		{"compliance Pass", `"compliance":{"status":"Pass","status_id":1}`, func(f *Finding) bool { return f.Compliance.Status == "PASSED" }},
		{"compliance Warning by caption", `"compliance":{"status":"Warning"}`, func(f *Finding) bool { return f.Compliance.Status == "WARNING" }},
		{"compliance Fail by id", `"compliance":{"status_id":3}`, func(f *Finding) bool { return f.Compliance.Status == "FAILED" }},
		{"times in epoch ms when there is no _dt", `"finding_info":{"uid":"f","created_time":1759524561464},"time":1759524561999`, func(f *Finding) bool {
			return f.CreatedAt.Equal(utc("2025-10-03T20:49:21.464Z")) && f.UpdatedAt.Equal(utc("2025-10-03T20:49:21.999Z"))
		}},
		{"resource uid_alt when uid is absent", `"resources":[{"uid_alt":"arn:aws:s3:::b","type":"AWS::S3::Bucket"}],"cloud":{"cloud_partition":"aws-cn"}`, func(f *Finding) bool {
			return len(f.Resources) == 1 && f.Resources[0].ID == "arn:aws:s3:::b" && f.Resources[0].Partition == "aws-cn"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs := tt.attrs
			if len(attrs) < 15 || attrs[:15] != `"finding_info":` {
				attrs = `"finding_info":{"uid":"f"},` + attrs
			}
			it := decodeOne(t, "s", []byte(`{"metadata":{"uid":"m"},`+attrs+`}`))
			if it.Finding.Format != FormatOCSF || !tt.check(it.Finding) {
				t.Errorf("unexpected finding %+v", *it.Finding)
			}
		})
	}
}

// TestLooksLikeRegion guards the region shape used for hosts and fallbacks.
func TestLooksLikeRegion(t *testing.T) {
	for in, want := range map[string]bool{
		"us-east-1": true, "us-gov-west-1": true, "cn-northwest-1": true, "eu-isoe-west-1": true, "ap-southeast-7": true,
		"guardduty": false, "": false, "us-east": false, "US-EAST-1": false, "us-east-1a": false, "us--1": false, "evil.com/-a-1": false,
	} {
		if got := looksLikeRegion(in); got != want {
			t.Errorf("looksLikeRegion(%q) = %v, want %v", in, got, want)
		}
	}
}
