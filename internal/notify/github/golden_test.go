package github

import (
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestGoldenRequests builds every sample message in both languages and
// compares the request with testdata/golden. Run with -update to rewrite
// them, then read the diff.
func TestGoldenRequests(t *testing.T) {
	for _, lang := range []render.Language{render.Japanese, render.English} {
		for _, s := range samples(t) {
			name := string(lang) + "-" + s.name
			t.Run(name, func(t *testing.T) {
				req, err := BuildRequest(s.msg, testConfig(""), renderOptions(lang))
				if err != nil {
					t.Fatal(err)
				}
				notifytest.Golden(t, filepath.Join("testdata", "golden", name+".md"), []byte(describe(req)))
			})
		}
	}
}
