package config

import (
	"os"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	b.Setenv("HUBRELAY_INGEST_KEY", "k1")
	b.Setenv("BACKLOG_API_KEY", "k2")
	b.Setenv("SLACK_BOT_TOKEN", "k3")
	data, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("example.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
