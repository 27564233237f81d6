package pagerduty_test

import (
	"fmt"
	"os"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/pagerduty"
	"github.com/hubrelay/hubrelay/internal/render"
)

// ExampleBuildEvent shows the trigger a new finding becomes and the
// resolve its resolution becomes: the same dedup_key, the finding's Id.
func ExampleBuildEvent() {
	data, _ := os.ReadFile("testdata/asff/08-guardduty-ssh-bruteforce.json")
	items, _ := finding.Decode("guardduty.json", data)
	m := &notify.Message{Kind: notify.KindNew, Route: "pager", Destination: "pd", Key: "k1", Finding: items[0].Finding}
	cfg := &pagerduty.Config{RoutingKey: "abcdef0123456789abcdef0123456789"}

	ev, err := pagerduty.BuildEvent(m, cfg, render.Options{Language: render.English})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.EventAction, ev.Payload.Severity)
	fmt.Println(ev.Payload.Summary)
	fmt.Println(ev.Payload.Source)

	m.Kind = notify.KindResolved
	resolve, _ := pagerduty.BuildEvent(m, cfg, render.Options{Language: render.English})
	fmt.Println(resolve.EventAction, resolve.DedupKey == ev.DedupKey, resolve.Payload == nil)
	// Output:
	// trigger warning
	// [Medium] 199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356. (193043430472 us-east-1)
	// 193043430472/us-east-1/arn:aws::ec2:us-east-1:193043430472:instance/i-0c10c2c7863d1a356
	// resolve true true
}
