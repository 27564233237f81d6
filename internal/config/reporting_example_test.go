package config_test

import (
	"errors"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/config"
)

func ExampleWithNoticeTypes() {
	notices := func(typ string) bool { return typ == "email" || typ == "slack" }
	_, err := config.Parse("hubrelay.yaml", []byte(`
destinations:
  mail: {email: {}}
  tickets: {backlog: {}}
routes:
  - {name: all, pattern: {source: [aws.securityhub]}, to: [tickets]}
projects:
  - name: system-a
    accounts: ["111111111111", "22222222222"]
    to: [mail, tickets]
    schedule: "0 9 * * MON-FRY"
reports:
  storage: {s3: {bucket: example-reports}}
`), config.WithNoticeTypes(notices))
	var list config.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// hubrelay.yaml:9:32: projects[0].accounts[1]: "22222222222" has 11 digits; an AWS account ID has 12 (write its leading zeros: a spreadsheet drops them unless the column is formatted as text)
	// hubrelay.yaml:10:16: projects[0].to[1]: destination "tickets" is a backlog destination, which cannot receive reports (use email, slack, teams, sns, webhook)
	// hubrelay.yaml:11:24: projects[0].schedule: day-of-week "MON-FRY": not a number (0-6) or a day name (SUN-SAT)
}

func ExampleConfig_Projects() {
	cfg, err := config.Parse("hubrelay.yaml", []byte(`
language: ja
destinations:
  mail: {email: {}}
projects:
  - {name: 基幹システム, accounts: ["111111111111"], to: [mail]}
reports:
  formats: [xlsx, csv]
  storage: {s3: {bucket: example-reports}}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range cfg.Projects {
		fmt.Println(p.Name, p.Accounts, p.To, p.Language, p.Schedule, p.Location, p.Formats)
	}
	s3 := cfg.Reports.Storage.S3
	fmt.Println(s3.Bucket, s3.Prefix, s3.Expires, s3.SSE, cfg.Reports.AttachMax)
	// Output:
	// 基幹システム [111111111111] [mail] ja 0 9 * * MON-FRI Asia/Tokyo [xlsx csv]
	// example-reports reports/ 168h0m0s AES256 5242880
}
