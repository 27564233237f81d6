package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// matchCase is one (pattern, event, expected answer) triple from
// testdata/cases.json. The event is either inline or, for the long
// Security Hub samples, a file under testdata/.
type matchCase struct {
	Name      string          `json:"name"`
	Source    string          `json:"source"`
	Pattern   json.RawMessage `json:"pattern"`
	Event     json.RawMessage `json:"event"`
	EventFile string          `json:"event_file"`
	Match     *bool           `json:"match"`
}

// invalidCase is one pattern from testdata/invalid.json that Compile must
// reject. Pattern holds it as JSON; PatternText holds text that is not
// JSON at all.
type invalidCase struct {
	Name        string          `json:"name"`
	Source      string          `json:"source"`
	Pattern     json.RawMessage `json:"pattern"`
	PatternText *string         `json:"pattern_text"`
}

// knownFailure names a correct case the engine currently gets wrong.
type knownFailure struct {
	Name string `json:"name"`
	Why  string `json:"why"`
}

func (c invalidCase) patternBytes() []byte {
	if c.PatternText != nil {
		return []byte(*c.PatternText)
	}
	return c.Pattern
}

// suite is everything in testdata/, loaded and checked for consistency.
type suite struct {
	cases   []matchCase
	events  map[string][]byte // case name -> event bytes
	invalid []invalidCase
	known   map[string]string // case name -> why it fails
}

func loadSuite(t *testing.T) *suite {
	t.Helper()
	s := &suite{events: map[string][]byte{}, known: map[string]string{}}
	readJSON(t, "cases.json", &s.cases)
	readJSON(t, "invalid.json", &s.invalid)
	var known []knownFailure
	readJSON(t, "known_failures.json", &known)

	names := map[string]bool{}
	addName := func(file, name string) {
		if name == "" {
			t.Fatalf("%s: a case has no name", file)
		}
		if names[name] {
			t.Fatalf("%s: duplicate case name %q", file, name)
		}
		names[name] = true
	}
	for _, c := range s.cases {
		addName("cases.json", c.Name)
		switch {
		case c.Source == "":
			t.Fatalf("cases.json: %q: no source", c.Name)
		case len(c.Pattern) == 0:
			t.Fatalf("cases.json: %q: no pattern", c.Name)
		case c.Match == nil:
			t.Fatalf("cases.json: %q: no expected match", c.Name)
		case (len(c.Event) == 0) == (c.EventFile == ""):
			t.Fatalf("cases.json: %q: give exactly one of event and event_file", c.Name)
		}
		ev := []byte(c.Event)
		if c.EventFile != "" {
			b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(c.EventFile)))
			if err != nil {
				t.Fatalf("cases.json: %q: %v", c.Name, err)
			}
			ev = b
		}
		s.events[c.Name] = ev
	}
	for _, c := range s.invalid {
		addName("invalid.json", c.Name)
		if c.Source == "" {
			t.Fatalf("invalid.json: %q: no source", c.Name)
		}
		if (len(c.Pattern) == 0) == (c.PatternText == nil) {
			t.Fatalf("invalid.json: %q: give exactly one of pattern and pattern_text", c.Name)
		}
	}
	for _, k := range known {
		if !names[k.Name] {
			t.Fatalf("known_failures.json: %q is not a case in cases.json or invalid.json", k.Name)
		}
		if k.Why == "" {
			t.Fatalf("known_failures.json: %q: say why it fails", k.Name)
		}
		if _, dup := s.known[k.Name]; dup {
			t.Fatalf("known_failures.json: %q listed twice", k.Name)
		}
		s.known[k.Name] = k.Why
	}
	return s
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// skipKnown skips the running (sub)test when name is a known failure.
func (s *suite) skipKnown(t *testing.T, name string) {
	t.Helper()
	if why, ok := s.known[name]; ok {
		t.Skipf("known failure (testdata/known_failures.json): %s", why)
	}
}

// describe renders a case for a failure message, so the engine's owner
// sees everything needed to reproduce it.
func (s *suite) describe(c matchCase) string {
	ev := string(s.events[c.Name])
	if c.EventFile != "" {
		ev = "testdata/" + c.EventFile
	}
	return fmt.Sprintf("pattern: %s\nevent:   %s\nsource:  %s", c.Pattern, ev, c.Source)
}

// TestCases runs every case through Compile and Pattern.Match.
func TestCases(t *testing.T) {
	s := loadSuite(t)
	for _, c := range s.cases {
		t.Run(c.Name, func(t *testing.T) {
			s.skipKnown(t, c.Name)
			p, err := pattern.Compile(c.Pattern)
			if err != nil {
				t.Fatalf("Compile: %v\n%s", err, s.describe(c))
			}
			got, err := p.Match(s.events[c.Name])
			if err != nil {
				t.Fatalf("Match: %v\n%s", err, s.describe(c))
			}
			if got != *c.Match {
				t.Errorf("Match = %v, want %v\n%s", got, *c.Match, s.describe(c))
			}
		})
	}
}

// TestCasesSetAlone runs every case through a Set that holds only its
// pattern.
func TestCasesSetAlone(t *testing.T) {
	s := loadSuite(t)
	for _, c := range s.cases {
		t.Run(c.Name, func(t *testing.T) {
			s.skipKnown(t, c.Name)
			p, err := pattern.Compile(c.Pattern)
			if err != nil {
				t.Fatalf("Compile: %v\n%s", err, s.describe(c))
			}
			set := pattern.NewSet[string]()
			set.Add(c.Name, p)
			keys, err := set.Match(s.events[c.Name])
			if err != nil {
				t.Fatalf("Set.Match: %v\n%s", err, s.describe(c))
			}
			var want []string
			if *c.Match {
				want = []string{c.Name}
			}
			if !slices.Equal(keys, want) {
				t.Errorf("Set.Match = %q, want %q\n%s", keys, want, s.describe(c))
			}
		})
	}
}

// TestCasesSetAll puts every case's pattern into one Set and matches each
// distinct event against it: the keys the Set returns must be exactly the
// cases whose pattern matches that event on its own (Pattern.Match), in
// the order they were added, each once.
func TestCasesSetAll(t *testing.T) {
	s := loadSuite(t)
	type compiled struct {
		name string
		p    *pattern.Pattern
	}
	var all []compiled
	set := pattern.NewSet[string]()
	for _, c := range s.cases {
		p, err := pattern.Compile(c.Pattern)
		if err != nil {
			continue // reported by TestCases
		}
		all = append(all, compiled{c.Name, p})
		set.Add(c.Name, p)
	}

	seen := map[string]bool{}
	for _, c := range s.cases {
		ev := s.events[c.Name]
		if seen[string(ev)] {
			continue
		}
		seen[string(ev)] = true
		t.Run("event of "+c.Name, func(t *testing.T) {
			var want []string
			for _, a := range all {
				ok, err := a.p.Match(ev)
				if err != nil {
					t.Fatalf("Pattern.Match(%q): %v", a.name, err)
				}
				if ok {
					want = append(want, a.name)
				}
			}
			got, err := set.Match(ev)
			if err != nil {
				t.Fatalf("Set.Match: %v", err)
			}
			if slices.Equal(got, want) {
				return
			}
			missing, extra := diff(want, got)
			msg := fmt.Sprintf("Set.Match disagrees with Pattern.Match on %d patterns\nmissing from the Set: %q\nonly in the Set: %q\nevent: %s",
				len(missing)+len(extra), missing, extra, ev)
			if len(missing) == 0 && len(extra) == 0 {
				msg = fmt.Sprintf("Set.Match returned the right keys in the wrong order or repeated\ngot:  %q\nwant: %q", got, want)
			}
			if allKnown(s.known, missing, extra) {
				t.Skipf("known failure (testdata/known_failures.json): %s", msg)
			}
			t.Error(msg)
		})
	}
}

func diff(want, got []string) (missing, extra []string) {
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	return missing, extra
}

func allKnown(known map[string]string, lists ...[]string) bool {
	n := 0
	for _, l := range lists {
		for _, name := range l {
			if _, ok := known[name]; !ok {
				return false
			}
			n++
		}
	}
	return n > 0
}

// TestInvalid checks that Compile rejects every pattern in invalid.json
// with a *pattern.Error that says what is wrong.
func TestInvalid(t *testing.T) {
	s := loadSuite(t)
	for _, c := range s.invalid {
		t.Run(c.Name, func(t *testing.T) {
			s.skipKnown(t, c.Name)
			p, err := pattern.Compile(c.patternBytes())
			if err == nil {
				t.Fatalf("Compile accepted an invalid pattern (%v)\npattern: %s\nsource:  %s", p, c.patternBytes(), c.Source)
			}
			if p != nil {
				t.Errorf("Compile returned a pattern together with error %v", err)
			}
			var pe *pattern.Error
			if !errors.As(err, &pe) {
				t.Errorf("Compile error %v (%T) is not a *pattern.Error", err, err)
			} else if strings.TrimSpace(pe.Msg) == "" {
				t.Errorf("Compile error has no message: %#v", pe)
			}
		})
	}
}

// TestKnownFailuresStillFail keeps known_failures.json honest: an entry
// whose case now passes must be removed from the list.
func TestKnownFailuresStillFail(t *testing.T) {
	s := loadSuite(t)
	for _, c := range s.cases {
		if _, ok := s.known[c.Name]; !ok {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			if caseFails(c, s.events[c.Name]) {
				return
			}
			t.Errorf("known failure %q now passes: remove it from testdata/known_failures.json", c.Name)
		})
	}
	for _, c := range s.invalid {
		if _, ok := s.known[c.Name]; !ok {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			if _, err := pattern.Compile(c.patternBytes()); err == nil {
				return
			}
			t.Errorf("known failure %q now passes: remove it from testdata/known_failures.json", c.Name)
		})
	}
}

// caseFails reports whether the engine gets c wrong by any of the routes
// the suite checks: Compile, Pattern.Match, or a Set holding only c.
func caseFails(c matchCase, ev []byte) bool {
	p, err := pattern.Compile(c.Pattern)
	if err != nil {
		return true
	}
	got, err := p.Match(ev)
	if err != nil || got != *c.Match {
		return true
	}
	set := pattern.NewSet[string]()
	set.Add(c.Name, p)
	keys, err := set.Match(ev)
	return err != nil || (len(keys) == 1) != *c.Match
}

// TestCoverage guards the suite itself: it must keep its size and keep
// exercising every operator of the language.
func TestCoverage(t *testing.T) {
	s := loadSuite(t)
	if n := len(s.cases); n < 150 {
		t.Errorf("cases.json has %d cases, want at least 150", n)
	}
	operators := []string{"prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "cidr", "exists", "$or"}
	for _, op := range operators {
		var matches, nonMatches int
		for _, c := range s.cases {
			if !bytes.Contains(c.Pattern, []byte(`"`+op+`"`)) {
				continue
			}
			if *c.Match {
				matches++
			} else {
				nonMatches++
			}
		}
		if matches == 0 || nonMatches == 0 {
			t.Errorf("operator %q: %d matching and %d non-matching cases, want some of each", op, matches, nonMatches)
		}
		invalid := 0
		for _, c := range s.invalid {
			if bytes.Contains(c.patternBytes(), []byte(`"`+op+`"`)) {
				invalid++
			}
		}
		if invalid == 0 {
			t.Errorf("operator %q: no invalid-pattern case", op)
		}
	}
}
