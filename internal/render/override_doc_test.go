package render

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestOverridesGuideExamples decodes every `message:` of the YAML examples
// in OVERRIDES.md as the configuration loader does (strictly), validates it
// and renders a real finding and a digest with it, so the user's guide
// cannot drift from the code.
func TestOverridesGuideExamples(t *testing.T) {
	guide, err := os.ReadFile("OVERRIDES.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(guide), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d YAML examples, want at least 5", len(blocks))
	}
	item := loadItem(t, "asff/14-eb-customaction-securityhub-cis120-4.3-failed.json")
	digest := NewDigestView(digestFindings(t), Options{Language: Japanese, TopN: 3})
	single := Data{Finding: item.Finding, Event: item.Event, Kind: "new", Route: "cis", Destination: "dest"}
	group := Data{Digest: &digest, Kind: "new", Route: "cis", Destination: "dest"}
	overrides := 0
	for i, block := range blocks {
		var doc any
		if err := yaml.Unmarshal([]byte(dedent(block[1])), &doc); err != nil {
			t.Fatalf("example %d is not valid YAML: %v", i+1, err)
		}
		for _, message := range findKey(doc, "message") {
			overrides++
			text, err := yaml.Marshal(message)
			if err != nil {
				t.Fatal(err)
			}
			var o Override
			if err := yaml.UnmarshalWithOptions(text, &o, yaml.Strict()); err != nil {
				t.Fatalf("example %d: message does not decode strictly: %v", i+1, err)
			}
			if err := o.Validate(); err != nil {
				t.Fatalf("example %d: %v", i+1, err)
			}
			for _, lang := range []Language{Japanese, English} {
				r, err := o.Compile("dest", Options{Language: lang})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range []Data{single, group} {
					if !r.Applies(d) {
						continue
					}
					out, err := r.Render(d)
					if err != nil {
						t.Fatalf("example %d (%s, digest %v): %v", i+1, lang, d.Digest != nil, err)
					}
					if r.Format() == FormatJSON && !json.Valid(out) {
						t.Fatalf("example %d: invalid JSON:\n%s", i+1, out)
					}
					if testing.Verbose() {
						t.Logf("example %d (%s, digest %v):\n%s", i+1, lang, d.Digest != nil, out)
					}
					if strings.Contains(o.InputTemplate, "BacklogのプロジェクトID") {
						want, err := seed000(t).Render(item.Event, Vars{RuleName: "cis"})
						if err != nil {
							t.Fatal(err)
						}
						if string(out) != string(want) {
							t.Errorf("example %d: seed 000 pasted in YAML gives other bytes\n got %s\nwant %s", i+1, out, want)
						}
					}
				}
			}
		}
	}
	if overrides < 5 {
		t.Errorf("found %d message settings, want at least 5", overrides)
	}
}

// dedent removes the indentation common to every non-blank line.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		}
	}
	return strings.Join(lines, "\n")
}

// findKey returns every value stored under key in a decoded YAML document.
func findKey(doc any, key string) []any {
	var found []any
	switch v := doc.(type) {
	case map[string]any:
		for k, child := range v {
			if k == key {
				found = append(found, child)
				continue
			}
			found = append(found, findKey(child, key)...)
		}
	case []any:
		for _, child := range v {
			found = append(found, findKey(child, key)...)
		}
	}
	return found
}
