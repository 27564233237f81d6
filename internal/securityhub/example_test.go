package securityhub_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
)

// The Updater marks a finding NOTIFIED with a note naming its ticket, as
// the queue's feedback job asks once the finding's deliveries succeeded.
func ExampleUpdater_Mark() {
	hub := hubtest.New(hubtest.Options{})
	defer hub.Close()
	_ = hub.AddFindings(asff("F-1", "111111111111", t0))

	ctx := context.Background()
	c, err := securityhub.New(ctx, securityhub.Options{
		Region:      hubtest.DefaultRegion,
		Endpoint:    hub.URL(),
		Credentials: hub.AWSConfig().Credentials,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := securityhub.NewUpdater(c, securityhub.UpdaterOptions{MarkNotified: true, Note: true, TicketFields: true})
	failed, err := u.Mark(ctx, []store.Feedback{{
		ID: 1, FindingID: "F-1", ProductARN: productARN,
		Notes: []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: "BLG-1", URL: "https://example.backlog.jp/view/BLG-1"}}},
	}})
	fmt.Println(len(failed), err)

	raw, _ := hub.Finding(productARN, "F-1")
	var f struct {
		Workflow          struct{ Status string }
		Note              struct{ Text string }
		UserDefinedFields map[string]string
	}
	_ = json.Unmarshal(raw, &f)
	fmt.Println(f.Workflow.Status)
	fmt.Println(f.Note.Text)
	fmt.Println(f.UserDefinedFields)
	// Output:
	// 0 <nil>
	// NOTIFIED
	// hubrelay: backlog-a BLG-1 https://example.backlog.jp/view/BLG-1
	// map[hubrelay_backlog-a:BLG-1]
}
