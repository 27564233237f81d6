package slack_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/slack"
	"github.com/hubrelay/hubrelay/internal/render"
)

func ExampleBuildPayload() {
	m := &notify.Message{
		Kind: notify.KindNew,
		Key:  "example",
		Finding: &finding.Finding{
			ID:          "arn:aws:securityhub:ap-northeast-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0001",
			ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
			ProductName: "Security Hub",
			AccountID:   "111111111111",
			Region:      "ap-northeast-1",
			Title:       "EC2.7 EBS default encryption should be enabled",
			Severity:    finding.Severity{Label: "MEDIUM", Normalized: 40},
			Format:      finding.FormatASFF,
		},
	}
	cfg := &slack.Config{Token: "xoxb-example", Channel: "#sec-alerts"}
	p := slack.BuildPayload(m, cfg, render.Options{Language: render.Japanese, Location: time.UTC})

	fmt.Println(p.Channel)
	fmt.Println(p.Text)
	js, _ := json.Marshal(p.Blocks[0])
	fmt.Println(string(js))
	// Output:
	// sec-alerts
	// 🟡 Security Hub の新しい検出結果: EC2.7 EBS default encryption should be enabled (中, 111111111111, ap-northeast-1)
	// {"type":"header","text":{"type":"plain_text","text":"🟡 EC2.7 EBS default encryption should be enabled","emoji":true}}
}
