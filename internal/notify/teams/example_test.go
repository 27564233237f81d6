package teams_test

import (
	"encoding/json"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// BuildPayload gives the body a Teams workflow takes: an Adaptive Card in a
// message envelope, its heading coloured by severity.
func ExampleBuildPayload() {
	m := &notify.Message{
		Kind: notify.KindNew,
		Key:  "delivery-1",
		Finding: &finding.Finding{
			ID:          "arn:aws:securityhub:ap-northeast-1:123456789012:finding/1",
			Title:       "S3 general purpose buckets should block public access",
			AccountID:   "123456789012",
			Region:      "ap-northeast-1",
			Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
			ProductName: "Security Hub",
		},
	}
	body, err := teams.BuildPayload(m, teams.FormatAdaptive, render.Options{Language: render.Japanese})
	if err != nil {
		fmt.Println(err)
		return
	}
	var msg struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Version string `json:"version"`
				Body    []struct {
					Style string `json:"style"`
					Items []struct {
						Text string `json:"text"`
					} `json:"items"`
				} `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		fmt.Println(err)
		return
	}
	card := msg.Attachments[0].Content
	fmt.Println(msg.Type, msg.Attachments[0].ContentType, card.Version)
	fmt.Println(card.Body[0].Style, card.Body[0].Items[0].Text)
	fmt.Println(card.Body[0].Items[1].Text)
	// Output:
	// message application/vnd.microsoft.card.adaptive 1.4
	// attention 🟠 Security Hub の新しい検出結果
	// S3 general purpose buckets should block public access
}
