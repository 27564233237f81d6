package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkProjectsCSV loads a config whose projects file holds 1000
// projects of 5 accounts each, as an organisation-wide CSV might.
func BenchmarkProjectsCSV(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("\uFEFFname,accounts,to,language,schedule\r\n")
	for i := range 1000 {
		fmt.Fprintf(&csv, "project-%d,", i)
		for j := range 5 {
			fmt.Fprintf(&csv, "%012d;", i*5+j)
		}
		csv.WriteString(",mail,ja,0 9 * * MON\r\n")
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "projects.csv"), []byte(csv.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	src := []byte("destinations:\n  mail: {email: {}}\nreports: {storage: {s3: {bucket: example-reports}}}\nprojects: {file: projects.csv}\n")
	name := filepath.Join(dir, "hubrelay.yaml")
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := Parse(name, src)
		if err != nil {
			b.Fatal(err)
		}
		if len(cfg.Projects) != 1000 {
			b.Fatalf("%d projects", len(cfg.Projects))
		}
	}
}
