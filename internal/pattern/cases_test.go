package pattern

import (
	"encoding/json"
	"os"
	"testing"
)

// documentedCase is one entry of testdata/cases.json: a pattern, an event
// (inline, or the name of a shared event) and whether they match. source
// cites the documentation section the case comes from.
type documentedCase struct {
	Name        string          `json:"name"`
	Source      string          `json:"source"`
	Pattern     json.RawMessage `json:"pattern"`
	PatternText string          `json:"pattern_text"` // for patterns JSON cannot round-trip (duplicate keys)
	Event       json.RawMessage `json:"event"`
	Match       bool            `json:"match"`
}

type caseFile struct {
	Events map[string]json.RawMessage `json:"events"`
	Cases  []documentedCase           `json:"cases"`
}

func loadCases(tb testing.TB) ([]documentedCase, map[string]json.RawMessage) {
	tb.Helper()
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		tb.Fatal(err)
	}
	var f caseFile
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	return f.Cases, f.Events
}

func (c documentedCase) patternBytes() []byte {
	if c.PatternText != "" {
		return []byte(c.PatternText)
	}
	return c.Pattern
}

func (c documentedCase) eventBytes(tb testing.TB, events map[string]json.RawMessage) []byte {
	tb.Helper()
	var name string
	if json.Unmarshal(c.Event, &name) == nil {
		ev, ok := events[name]
		if !ok {
			tb.Fatalf("case %q: no event named %q", c.Name, name)
		}
		return ev
	}
	return c.Event
}

// TestDocumentedCases runs every documented example through Pattern.Match,
// through a Set holding only that pattern, and through the pattern
// recompiled from its canonical String form.
func TestDocumentedCases(t *testing.T) {
	cases, events := loadCases(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			event := c.eventBytes(t, events)
			p, err := Compile(c.patternBytes())
			if err != nil {
				t.Fatalf("Compile: %v (source: %s)", err, c.Source)
			}
			got, err := p.Match(event)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != c.Match {
				t.Errorf("Pattern.Match = %v, want %v (source: %s)", got, c.Match, c.Source)
			}
			s := NewSet[string]()
			s.Add(c.Name, p)
			keys, err := s.Match(event)
			if err != nil {
				t.Fatalf("Set.Match: %v", err)
			}
			if (len(keys) == 1) != c.Match {
				t.Errorf("Set.Match = %v, want match %v", keys, c.Match)
			}
			again, err := Compile([]byte(p.String()))
			if err != nil {
				t.Fatalf("Compile(String()): %v", err)
			}
			if got, _ := again.Match(event); got != c.Match {
				t.Errorf("recompiled %s: Match = %v, want %v", p.String(), got, c.Match)
			}
		})
	}
}

// TestDocumentedCasesInOneSet puts every documented pattern into one Set and
// checks each shared event against all of them at once.
func TestDocumentedCasesInOneSet(t *testing.T) {
	cases, events := loadCases(t)
	s := NewSet[int]()
	patterns := make([]*Pattern, len(cases))
	for i, c := range cases {
		p, err := Compile(c.patternBytes())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		patterns[i] = p
		s.Add(i, p)
	}
	for name, ev := range events {
		got, err := s.Match(ev)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want []int
		for i, p := range patterns {
			if ok, _ := p.Match(ev); ok {
				want = append(want, i)
			}
		}
		if len(got) != len(want) {
			t.Errorf("event %s: set %v, patterns %v", name, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("event %s: set %v, patterns %v", name, got, want)
				break
			}
		}
	}
}
