package securityhub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
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

// A V2 poller reads the OCSF findings of the new Security Hub with
// GetFindingsV2: here the GuardDuty sample, in a run against a server
// that throttles as documented, on a virtual clock shared with the
// client. Ten runs of two GetFindingsV2 pages take seconds of that clock
// and no real waiting.
func ExampleNewPoller_v2() {
	clk := hubtest.NewClock(t0)
	hub := hubtest.New(hubtest.Options{Throttle: true, Now: clk.Now})
	defer hub.Close()
	var raws []json.RawMessage
	for i := range 200 {
		raws = append(raws, []byte(fmt.Sprintf(`{"metadata":{"uid":"uid-%04d","product":{"name":"GuardDuty"}},
			"finding_info":{"uid":"gd-%04d","title":"Execution:Runtime/NewBinaryExecuted","modified_time_dt":"2026-11-01T09:00:00Z"},
			"cloud":{"account":{"uid":"111111111111"},"region":"us-east-1"},"severity_id":3,"severity":"Medium","status_id":1}`, i, i)))
	}
	_ = hub.AddOCSF(raws...)

	ctx := context.Background()
	c, err := securityhub.New(ctx, securityhub.Options{
		Region:      hubtest.DefaultRegion,
		Endpoint:    hub.URL(),
		Credentials: hub.AWSConfig().Credentials,
		Clock:       clk,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var read int
	sink := securityhub.SinkFunc(func(_ context.Context, _ string, items []finding.Item) error {
		read += len(items)
		return nil
	})
	p, err := securityhub.NewPoller(c, sink, memoryCheckpoints{}, securityhub.PollerOptions{
		V2: true,
		Filters: json.RawMessage(`{"CompositeFilters": [{"StringFilters": [
			{"FieldName": "severity", "Filter": {"Comparison": "EQUALS", "Value": "Medium"}}]}]}`),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 10 {
		if _, err := p.Poll(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	// 20 calls at 3 a second after a burst of 6 take (20-6)/3 s.
	fmt.Println(read, "findings read;", hub.Throttled("GetFindingsV2"), "calls throttled;", clk.Elapsed() >= 4*time.Second, "that it took 4s of virtual time or more")
	// Output:
	// 2000 findings read; 0 calls throttled; true that it took 4s of virtual time or more
}

// memoryCheckpoints keeps no checkpoint: every run reads everything.
type memoryCheckpoints struct{}

func (memoryCheckpoints) Checkpoint(context.Context, string) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

func (memoryCheckpoints) SetCheckpoint(context.Context, string, time.Time) error { return nil }
