package backlog

import (
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestGoldenRequests builds every sample message in both languages and both
// text formats and compares the request with testdata/golden. Run with
// -update to rewrite them, then read the diff.
func TestGoldenRequests(t *testing.T) {
	for _, lang := range []render.Language{render.Japanese, render.English} {
		for _, format := range []TextFormat{FormatBacklog, FormatMarkdown} {
			for _, s := range samples(t) {
				if format == FormatMarkdown && !markdownSample(s.name) {
					continue
				}
				name := string(lang) + "-" + string(format) + "-" + s.name
				t.Run(name, func(t *testing.T) {
					cfg := testConfig("https://example.backlog.jp")
					cfg.TextFormat = string(format)
					req, err := BuildRequest(s.msg, cfg, renderOptions(lang))
					if err != nil {
						t.Fatal(err)
					}
					notifytest.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(describe(req)))
				})
			}
		}
	}
}

// markdownSample picks the samples whose text differs between the formats
// enough to be worth a golden file of its own.
func markdownSample(name string) bool {
	switch name {
	case "new-ec2.8", "reminder", "digest":
		return true
	}
	return false
}
