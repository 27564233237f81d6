package render

import (
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// BenchmarkTransformerSeed000 renders seed 000's Backlog template on a real
// Security Hub event.
func BenchmarkTransformerSeed000(b *testing.B) {
	tr := seed000(b)
	event := readTestdata(b, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	vars := Vars{RuleName: "securityhub-to-backlog"}
	b.SetBytes(int64(len(event)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Render(event, vars); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransformerWholeEvent inserts <aws.events.event.json> and a
// wildcard path on a large GuardDuty event.
func BenchmarkTransformerWholeEvent(b *testing.B) {
	tr, err := NewTransformer(map[string]string{"ids": "$.detail.findings[*].Resources[*].Id"}, `{"ids": <ids>, "event": <aws.events.event.json>}`)
	if err != nil {
		b.Fatal(err)
	}
	event := readTestdata(b, "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json")
	b.SetBytes(int64(len(event)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Render(event, Vars{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewTransformer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		seed000(b)
	}
}

func BenchmarkNewView(b *testing.B) {
	f := loadFinding(b, "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json")
	opts := Options{Language: Japanese, Region: "ap-northeast-1"}
	b.ReportAllocs()
	for b.Loop() {
		NewView(f, opts)
	}
}

// BenchmarkNewDigestView summarizes 1,000 findings.
func BenchmarkNewDigestView(b *testing.B) {
	var fs []*finding.Finding
	for len(fs) < 1000 {
		for _, name := range goldenFixtures() {
			fs = append(fs, loadFinding(b, name))
		}
	}
	fs = fs[:1000]
	opts := Options{Language: Japanese, Region: "ap-northeast-1"}
	b.ReportAllocs()
	for b.Loop() {
		NewDigestView(fs, opts)
	}
}

func BenchmarkBuiltinTemplates(b *testing.B) {
	opts := Options{Language: Japanese, Region: "ap-northeast-1"}
	view := NewView(loadFinding(b, "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json"), opts)
	for _, kind := range []Kind{KindBacklogDescription, KindIssueMarkdown, KindEmailText, KindEmailHTML} {
		tmpl, err := LoadTemplate(kind, "", opts)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(kind), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tmpl.Execute(view); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEscapers(b *testing.B) {
	text := hostileFinding().Description // about 100,000 characters
	b.Run("SlackEscape", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			SlackEscape(text)
		}
	})
	b.Run("MarkdownEscape", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			MarkdownEscape(text)
		}
	})
	b.Run("Truncate", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			Truncate(text, 3000, Japanese)
		}
	})
}
