package trend_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
)

// A finding opens on Monday, turns CRITICAL on Tuesday and is resolved on
// Wednesday; the week's trend is computed from the store's history and
// written as CSV.
func ExampleCompute() {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite::memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	monday := time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)
	versions := []struct {
		day            int
		label, control string
	}{{0, "HIGH", "FAILED"}, {1, "CRITICAL", "FAILED"}, {2, "CRITICAL", "PASSED"}}
	for _, v := range versions {
		at := monday.AddDate(0, 0, v.day)
		f := &finding.Finding{
			ID: "example-1", ProductARN: "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
			AccountID: "111111111111", Severity: finding.Severity{Label: v.label},
			RecordState: "ACTIVE", Workflow: "NEW", Compliance: finding.Compliance{Status: v.control}, UpdatedAt: at,
		}
		if _, err := st.Ingest(ctx, []store.Observation{{Finding: f, Event: []byte(`{}`), Source: "poll", ReceivedAt: at}}); err != nil {
			fmt.Println(err)
			return
		}
	}

	sum, err := trend.Compute(ctx, st, trend.Query{
		Project: "system-a", Accounts: []string{"111111111111"},
		From:     time.Date(2026, 11, 2, 0, 0, 0, 0, tokyo), // Monday to Thursday, in Tokyo
		To:       time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo),
		Location: tokyo,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, what := range trend.Tables() {
		if err := sum.WriteCSV(os.Stdout, what, "en"); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// project,date,CRITICAL,HIGH,MEDIUM,LOW,INFORMATIONAL,total
	// system-a,2026-11-02,0,1,0,0,0,1
	// system-a,2026-11-03,1,0,0,0,0,1
	// system-a,2026-11-04,0,0,0,0,0,0
	// system-a,2026-11-05,0,0,0,0,0,0
	// project,week_start,iso_week,new,reopened,resolved,suppressed
	// system-a,2026-11-02,2026-W45,1,0,1,0
	// project,severity,resolved,mean_hours,median_hours
	// system-a,CRITICAL,1,48.00,48.00
	// system-a,HIGH,0,,
	// system-a,MEDIUM,0,,
	// system-a,LOW,0,,
	// system-a,INFORMATIONAL,0,,
}
