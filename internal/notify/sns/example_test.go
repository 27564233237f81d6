package sns_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/sns"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Build shows what one Publish call carries for a finding sent to a FIFO
// topic in the raw format: the EventBridge event, the attributes filter
// policies select on, and the FIFO IDs.
func ExampleBuild() {
	f := &finding.Finding{
		ID:          "arn:aws:securityhub:ap-northeast-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.8/finding/1",
		ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		ProductName: "Security Hub",
		AccountID:   "123456789012",
		Region:      "ap-northeast-1",
		Title:       "S3 general purpose buckets should block public access",
		Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
		UpdatedAt:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Format:      finding.FormatASFF,
	}
	f.Raw = []byte(`{"SchemaVersion":"2018-10-08","Id":"` + f.ID + `","ProductArn":"` + f.ProductARN + `","AwsAccountId":"123456789012","Region":"ap-northeast-1","Title":"` + f.Title + `","Severity":{"Label":"HIGH"},"UpdatedAt":"2026-01-02T03:04:05Z"}`)
	m := &notify.Message{Kind: notify.KindNew, Route: "s3", Destination: "alerts", Key: "delivery-1", Finding: f}
	cfg := &sns.Config{TopicARN: "arn:aws:sns:ap-northeast-1:123456789012:security.fifo", MessageFormat: sns.FormatRaw}
	p, err := sns.Build(m, cfg, render.Options{Language: render.Japanese}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Message[:107])
	for _, a := range p.Attributes {
		fmt.Printf("%s=%s\n", a.Name, a.Value)
	}
	fmt.Println("group:", p.GroupID)
	fmt.Println("dedup:", len(p.DeduplicationID), "hex digits")
	// Output:
	// {"version":"0","id":"8c023c8b-ef29-5423-8cd4-997d3f6df471","detail-type":"Security Hub Findings - Imported"
	// account=123456789012
	// kind=new
	// product=Security Hub
	// severity=HIGH
	// group: 123456789012
	// dedup: 64 hex digits
}
