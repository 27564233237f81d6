package finding_test

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func ExampleDecode() {
	// Two JSON Lines: an EventBridge event, then a line that is not JSON.
	input := []byte(`{"version":"0","id":"e1","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"111122223333","time":"2024-05-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"findings":[{"SchemaVersion":"2018-10-08","Id":"arn:aws:securityhub:ap-northeast-1:111122223333:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.1/finding/f1","ProductArn":"arn:aws:securityhub:ap-northeast-1::product/aws/securityhub","AwsAccountId":"111122223333","Title":"S3.1 S3 Block Public Access setting should be enabled","Severity":{"Normalized":40},"Compliance":{"Status":"FAILED","SecurityControlId":"S3.1"},"Workflow":{"Status":"NEW"},"RecordState":"ACTIVE","UpdatedAt":"2024-05-01T00:00:00.000Z"}]}}
{"Id": oops}
`)
	items, errs := finding.Decode("findings.jsonl", input)
	for _, it := range items {
		f := it.Finding
		fmt.Printf("%s line %d: %s %s %s %s\n", it.Source, it.Line, f.Region, f.Severity.Label, f.Compliance.SecurityControlID, f.Compliance.Status)
	}
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// findings.jsonl line 1: ap-northeast-1 MEDIUM S3.1 FAILED
	// findings.jsonl:2:8: JSON syntax error: invalid character 'o' looking for beginning of value
}

func ExampleWrap() {
	event, err := finding.Wrap([]byte(`{"SchemaVersion":"2018-10-08","Id":"f-1","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","AwsAccountId":"111122223333","Region":"us-east-1","UpdatedAt":"2024-05-01T09:30:00.123+09:00"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(event))
	// Output:
	// {"version":"0","id":"0b2fe45d-0396-54f0-94e9-9cf8bc099eb4","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"111122223333","time":"2024-05-01T00:30:00Z","region":"us-east-1","resources":["arn:aws:securityhub:us-east-1::product/aws/securityhub/f-1"],"detail":{"findings":[{"SchemaVersion":"2018-10-08","Id":"f-1","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","AwsAccountId":"111122223333","Region":"us-east-1","UpdatedAt":"2024-05-01T09:30:00.123+09:00"}]}}
}

func ExampleConsoleURL() {
	f := &finding.Finding{
		ID:     "arn:aws:securityhub:us-east-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.13/finding/f1",
		Region: "us-east-1",
		Format: finding.FormatASFF,
	}
	// Findings are aggregated in Tokyo: link to the aggregation region.
	fmt.Println(finding.ConsoleURL(f, "ap-northeast-1"))
	// Output:
	// https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub%253Aus-east-1%253A111122223333%253Asubscription%252Fcis-aws-foundations-benchmark%252Fv%252F1.2.0%252F1.13%252Ffinding%252Ff1
}
