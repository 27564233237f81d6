package pagerduty

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestGoldenEvents builds every sample message in both languages and
// compares the event with testdata/golden. Run with -update to rewrite
// them, then read the diff.
func TestGoldenEvents(t *testing.T) {
	for _, lang := range []render.Language{render.Japanese, render.English} {
		for _, s := range samples(t) {
			name := string(lang) + "-" + s.name
			t.Run(name, func(t *testing.T) {
				ev, err := BuildEvent(s.msg, testConfig(""), renderOptions(lang))
				if err != nil {
					t.Fatal(err)
				}
				body, err := Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				var back Event
				if err := json.Unmarshal(body, &back); err != nil {
					t.Fatalf("the body does not decode: %v", err)
				}
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", name+".json"), ev)
			})
		}
	}
}
