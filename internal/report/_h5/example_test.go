package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/report/_h5"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// A project's weekly report: read its open findings from Security Hub
// (here the in-process API), write the workbook and the CSV file, and
// keep the snapshot for next week.
func ExampleCollect() {
	hub := hubtest.New(hubtest.Options{})
	defer hub.Close()
	base, _ := loadFixture(fsbp) // CloudTrail.2, MEDIUM, FAILED
	for i, acct := range []string{"111111111111", "222222222222"} {
		base["Id"] = fmt.Sprintf("finding-%d", i)
		base["AwsAccountId"] = acct
		raw, _ := json.Marshal(base)
		_ = hub.AddFindings(raw)
	}

	ctx := context.Background()
	src, err := securityhub.New(ctx, securityhub.Options{
		Region: hubtest.DefaultRegion, Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	r, err := report.Collect(ctx, src,
		report.Project{Name: "System A", Accounts: []string{"111111111111", "222222222222"}, Language: "en"},
		report.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo), Location: tokyo, Region: src.Region()})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := r.Summary()
	fmt.Println(r.FileName(report.FormatXLSX), s.Open, s.BySeverity.Medium, s.First)
	for _, c := range s.Compliance {
		fmt.Printf("%s: %.0f%%\n", c.Name, c.Score*100)
	}

	var workbook, table bytes.Buffer
	if err := r.Write(&workbook, report.FormatXLSX); err != nil {
		fmt.Println(err)
		return
	}
	if err := r.Write(&table, report.FormatCSV); err != nil {
		fmt.Println(err)
		return
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(table.String(), "\uFEFF"), "\r\n")
	fmt.Println(header)

	// What the next report compares with: store it with the run.
	snapshot, _ := r.Snapshot().MarshalBinary()
	fmt.Println(r.Snapshot().Len(), len(snapshot) > 0)
	// Output:
	// system-a-2026-11-23.xlsx 2 2 true
	// aws-foundation-best-practices v1.0.0: 0%
	// Severity,Account,Region,Product,Control / rule,Title,Resource type,Resource ID,Compliance,Workflow,Since last report,First seen,Last seen,Age (days),Console,Remediation,Finding ID
	// 2 true
}
