package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
)

// A program builds its destinations from a Registry and delivers through
// them; the queue reads retries with ShouldRetry.
func Example() {
	reg := notify.NewRegistry()
	reg.Register("stdout", notify.Typed(stdout.New))

	env := notify.Env{
		Stdout: os.Stdout,
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	n, err := reg.New("stdout", "console", notifytest.Settings(`{}`), env)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = n.Notify(context.Background(), &notify.Message{
		Kind:        notify.KindNew,
		Route:       "all-findings",
		Destination: "console",
		Finding: &finding.Finding{
			ID:        "arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335",
			Title:     "EC2.7 EBS default encryption should be enabled",
			Severity:  finding.Severity{Label: "INFORMATIONAL"},
			AccountID: "111111111111",
			Region:    "us-east-1",
		},
	})
	retry, after := notify.ShouldRetry(err)
	fmt.Println(err, retry, after)
	// Output:
	// {"time":"2026-01-02T03:04:05Z","kind":"new","route":"all-findings","destination":"console","finding_id":"arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335","title":"EC2.7 EBS default encryption should be enabled","severity":"INFORMATIONAL","account":"111111111111","region":"us-east-1","console_url":"https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Asecurityhub%253Aus-east-1%253A111111111111%253Asubscription%252Faws-foundational-security-best-practices%252Fv%252F1.0.0%252FEC2.7%252Ffinding%252F0003b335"}
	// <nil> false 0s
}

// CheckResponse turns an HTTP answer into a classified error.
func ExampleCheckResponse() {
	resp := &http.Response{
		StatusCode: http.StatusTooManyRequests,
		Header:     http.Header{"Retry-After": {"30"}},
		Body:       io.NopCloser(strings.NewReader(`{"ok":false,"error":"ratelimited"}`)),
	}
	err := notify.CheckResponse(resp, nil, time.Now())
	retry, after := notify.ShouldRetry(err)
	var status *notify.StatusError
	fmt.Println(err)
	fmt.Println(retry, after, errors.As(err, &status) && status.StatusCode == 429)
	// Output:
	// HTTP 429 Too Many Requests: {"ok":false,"error":"ratelimited"}
	// true 30s true
}

// A destination extends the program's Redactor with its own secrets; a
// webhook URL's path is its secret, so only the host stays readable.
func ExampleRedactor() {
	hook := "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"
	red := notify.NewRedactor().With(hook, "xoxb-1234-5678-abcdefgh")

	err := fmt.Errorf("slack: post %s with token %s: %w", hook, "xoxb-1234-5678-abcdefgh", errors.New("EOF"))
	fmt.Println(red.Error(err))
	fmt.Println(red.URL("https://user:pw@example.com/api?apiKey=k&x=1"))
	// Output:
	// slack: post https://hooks.slack.com[REDACTED] with token [REDACTED]: EOF
	// https://REDACTED@example.com/api?apiKey=REDACTED&x=REDACTED
}
