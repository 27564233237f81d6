package email_test

import (
	"fmt"
	"os"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/email"
	"github.com/hubrelay/hubrelay/internal/render"
)

// ExampleComposer_Compose composes the mail of a published GuardDuty
// finding, then the reply sent when it is resolved.
func ExampleComposer_Compose() {
	data, err := os.ReadFile("testdata/asff/08-guardduty-ssh-bruteforce.json")
	if err != nil {
		panic(err)
	}
	items, _ := finding.Decode("guardduty.json", data)
	cfg := &email.Config{
		SMTP: &email.SMTPConfig{Host: "smtp.example.com", Username: "alerts", Password: "secret", From: "Security Hub <alerts@example.com>"},
		To:   []string{"security@example.com"},
		Bcc:  []string{"audit@example.com"},
	}
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	c, err := email.NewComposer("mail-security", cfg, render.Options{Language: render.English, Region: "ap-northeast-1"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	first, _ := c.Compose(&notify.Message{Kind: notify.KindNew, Key: "delivery-1", Finding: items[0].Finding}, at)
	fmt.Println(first.Subject)
	fmt.Println(first.Recipients())

	previous := notify.Receipt{ID: first.MessageID, Thread: first.Thread}
	reply, _ := c.Compose(&notify.Message{Kind: notify.KindResolved, Key: "delivery-1", Finding: items[0].Finding, Previous: &previous}, at)
	fmt.Println(reply.Subject)
	fmt.Println(reply.InReplyTo == first.MessageID)
	// Output:
	// [Security Hub][Medium] 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.
	// [security@example.com audit@example.com]
	// Re: [Security Hub][Medium] 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.
	// true
}
