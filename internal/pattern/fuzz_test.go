package pattern

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// addDocumentedSeeds seeds a fuzzer with every documented case.
func addDocumentedSeeds(f *testing.F, add func(pattern, event []byte)) {
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		f.Fatal(err)
	}
	var cf caseFile
	if err := json.Unmarshal(data, &cf); err != nil {
		f.Fatal(err)
	}
	for _, c := range cf.Cases {
		add(c.patternBytes(), c.eventBytes(f, cf.Events))
	}
	fixtures, _ := filepath.Glob("testdata/*.json")
	for _, name := range fixtures {
		if filepath.Base(name) == "cases.json" {
			continue
		}
		ev, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add([]byte(routePattern(7, 10)), ev)
		add([]byte(`{"detail":{"findings":{"Resources":{"Type":["AwsEc2Instance"],"Tags":[{"exists":false}]}}}}`), ev)
	}
}

// FuzzCompile: compiling never panics; it yields a pattern or an *Error, and
// a compiled pattern's canonical String compiles to the same String.
func FuzzCompile(f *testing.F) {
	addDocumentedSeeds(f, func(p, _ []byte) { f.Add(p) })
	f.Add([]byte(`{"a":[{"hubrelay-date":{"start":"2019-01-31T23:00:00Z","within_days":7}}]}`))
	f.Add([]byte(`{"a":[{"numeric":[">",-5e9,"<=",5e9]}],"$or":[{"b":[1]},{"c":[{"wildcard":"x\\*y*"}]}]}`))
	f.Fuzz(func(t *testing.T, pattern []byte) {
		for _, ext := range []bool{false, true} {
			p, err := compileExt(pattern, ext)
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is %T, want *Error", err, err)
				}
				_ = pe.Error()
				continue
			}
			again, err := compileExt([]byte(p.String()), ext)
			if err != nil {
				t.Fatalf("canonical form %s does not compile: %v", p.String(), err)
			}
			if again.String() != p.String() {
				t.Fatalf("canonical form is not stable: %s then %s", p.String(), again.String())
			}
		}
	})
}

// FuzzMatch: matching never panics, and a Set holding the pattern agrees
// with the pattern alone, on the answer and on whether the event is valid.
func FuzzMatch(f *testing.F) {
	addDocumentedSeeds(f, func(p, e []byte) { f.Add(p, e) })
	f.Add([]byte(`{"a":{"b":["x"],"c":[{"exists":false}]}}`), []byte(`{"a":[{"b":"x","c":1},{"b":"x"}]}`))
	f.Add([]byte(`{"a":["\u00e9"]}`), []byte(`{"a":"\xff\u00e9\ud800"}`))
	now := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, pattern, event []byte) {
		set := NewSet[int]()
		p, err := compileExt(pattern, true)
		if err == nil {
			set.Add(0, p)
		}
		keys, setErr := set.MatchAt(event, now)
		refErr := validateEvent(event)
		if (setErr != nil) != (refErr != nil) {
			t.Fatalf("validity disagreement: set %v, reference %v", setErr, refErr)
		}
		if p == nil || setErr != nil {
			return
		}
		ok, err := p.MatchAt(event, now)
		if err != nil {
			t.Fatalf("Pattern.MatchAt: %v after the event validated", err)
		}
		if ok != slices.Equal(keys, []int{0}) {
			t.Fatalf("pattern %s on event %q: Pattern.Match %v, Set.Match %v", p, event, ok, keys)
		}
	})
}
