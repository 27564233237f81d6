package route

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
)

// benchConfig writes a config with n routes in the shapes seed 002 describes
// (one per account × product × severity, as EventBridge patterns and as
// Security Hub filters), some grouped, and a few suppressions.
func benchConfig(n int) string {
	var b strings.Builder
	b.WriteString("destinations:\n")
	for i := range 10 {
		fmt.Fprintf(&b, "  dest-%d: {stdout: {}}\n", i)
	}
	products := []string{"Security Hub", "GuardDuty", "Inspector", "Macie", "Config"}
	b.WriteString("routes:\n")
	for i := range n {
		account := fmt.Sprintf("%012d", 100000000000+i%25)
		if i%25 == 0 {
			account = "123456789012"
		}
		if i%25 == 1 {
			account = "193043430472"
		}
		product := products[i%len(products)]
		fmt.Fprintf(&b, "  - name: route-%d\n", i)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "    pattern:\n      source: [aws.securityhub]\n      detail-type: [Security Hub Findings - Imported]\n"+
				"      detail:\n        findings:\n          AwsAccountId: [%q]\n          ProductName: [%q]\n"+
				"          Severity: {Label: [HIGH, CRITICAL]}\n          RecordState: [ACTIVE]\n", account, product)
		case 1:
			fmt.Fprintf(&b, "    filters:\n      AwsAccountId: [{Value: %q, Comparison: EQUALS}]\n"+
				"      ProductName: [{Value: %q, Comparison: EQUALS}]\n"+
				"      SeverityLabel: [{Value: MEDIUM, Comparison: EQUALS}, {Value: HIGH, Comparison: EQUALS}]\n", account, product)
		default:
			fmt.Fprintf(&b, "    pattern:\n      detail:\n        findings:\n          AwsAccountId: [%q]\n"+
				"          Compliance: {Status: [{anything-but: PASSED}]}\n          Title: [{prefix: %q}]\n", account, string(rune('A'+i%26)))
		}
		fmt.Fprintf(&b, "    to: [dest-%d, dest-%d]\n", i%10, (i+3)%10)
		if i%2 == 0 {
			b.WriteString("    group: {by: [AwsAccountId, ProductName, SeverityLabel]}\n")
		}
	}
	b.WriteString("suppress:\n")
	for i := range 5 {
		fmt.Fprintf(&b, "  - name: sup-%d\n    pattern: {detail: {findings: {GeneratorId: [{prefix: \"never-%d\"}]}}}\n    until: 2099-01-01\n", i, i)
	}
	return b.String()
}

func BenchmarkRoute(b *testing.B) {
	cfg, err := config.Parse("bench.yaml", []byte(benchConfig(100)))
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var items []finding.Item
	for _, name := range []string{
		"01-securityhub-fsbp-cloudtrail2-failed.json",
		"08-guardduty-ssh-bruteforce.json",
		"13-securityhub-cis120-1.13-critical-notified.getfindings.json",
		"17-eb-customaction-securityhub-fsbp-rds1-critical.json",
		"01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
	} {
		items = append(items, loadItem(b, name))
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	matched := 0
	for _, it := range items {
		d, err := r.Route(it, now)
		if err != nil {
			b.Fatal(err)
		}
		matched += len(d.Routes)
	}
	if matched == 0 {
		b.Fatal("the benchmark config matches none of the fixtures")
	}
	b.ReportMetric(float64(matched)/float64(len(items)), "routes/finding")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := r.Route(items[i%len(items)], now); err != nil {
			b.Fatal(err)
		}
	}
}
