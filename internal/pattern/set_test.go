package pattern

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustCompile(t testing.TB, src string) *Pattern {
	t.Helper()
	p, err := Compile([]byte(src))
	if err != nil {
		t.Fatalf("Compile(%s): %v", src, err)
	}
	return p
}

func TestSetKeysAndOrder(t *testing.T) {
	a := mustCompile(t, `{"a":["1"]}`)
	b := mustCompile(t, `{"b":["2"]}`)
	never := mustCompile(t, `{"a":["nope"]}`)
	s := NewSet[string]()
	s.Add("z-first", b)
	s.Add("shared-1", a)
	s.Add("shared-2", a) // two keys, one pattern
	s.Add("multi", never)
	s.Add("multi", b) // one key, two patterns: OR
	s.Add("z-first", b)
	s.Add("nil", nil)
	if got := s.Len(); got != 4 {
		t.Errorf("Len = %d, want 4", got)
	}
	tests := []struct {
		event string
		want  []string
	}{
		{`{"a":"1","b":"2"}`, []string{"z-first", "shared-1", "shared-2", "multi"}},
		{`{"a":"1"}`, []string{"shared-1", "shared-2"}},
		{`{"b":"2"}`, []string{"z-first", "multi"}},
		{`{"c":3}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			got, err := s.Match([]byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSetInvalidEvents(t *testing.T) {
	s := NewSet[int]()
	s.Add(1, mustCompile(t, `{"a":["x"]}`))
	empty := NewSet[int]()
	p := mustCompile(t, `{"a":["x"]}`)
	tests := []struct {
		name, event string
	}{
		{"empty", ``},
		{"truncated", `{"a":"x"`},
		{"trailing comma", `{"a":"x",}`},
		{"trailing data", `{"a":"x"} x`},
		{"two values", `{"a":"x"}{}`},
		{"bad escape", `{"a":"\q"}`},
		{"short unicode escape", `{"a":"\u12"}`},
		{"control character", "{\"a\":\"x\ty\"}"},
		{"leading zero", `{"a":01}`},
		{"bare minus", `{"a":-}`},
		{"dot without digits", `{"a":1.}`},
		{"exponent without digits", `{"a":1e}`},
		{"bad literal", `{"a":tru}`},
		{"single quotes", `{'a':'x'}`},
		{"unquoted key", `{a:"x"}`},
		{"skipped subtree invalid", `{"b":{"c":[1,2,}]},"a":"x"}`},
		{"too deep", strings.Repeat("[", 10001) + strings.Repeat("]", 10001)},
		{"not an object: array", `["a"]`},
		{"not an object: string", `"a"`},
		{"not an object: number", `5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := []byte(tt.event)
			if _, err := s.Match(ev); err == nil {
				t.Error("Set.Match: no error")
			}
			if _, err := empty.Match(ev); err == nil {
				t.Error("empty Set.Match: no error")
			}
			if _, err := p.Match(ev); err == nil {
				t.Error("Pattern.Match: no error")
			}
		})
	}
	if _, err := s.Match([]byte(`5`)); !errors.Is(err, ErrEventNotObject) {
		t.Errorf("Set.Match(5) = %v, want ErrEventNotObject", err)
	}
	if _, err := p.Match([]byte(`[]`)); !errors.Is(err, ErrEventNotObject) {
		t.Errorf("Pattern.Match([]) = %v, want ErrEventNotObject", err)
	}
	deepOK := `{"a":` + strings.Repeat("[", 9999) + `"x"` + strings.Repeat("]", 9999) + `}`
	got, err := s.Match([]byte(deepOK))
	if err != nil || !slices.Equal(got, []int{1}) {
		t.Errorf("10000 levels: Set.Match = %v, %v; want [1]", got, err)
	}
	if ok, err := p.Match([]byte(deepOK)); err != nil || !ok {
		t.Errorf("10000 levels: Pattern.Match = %v, %v; want true", ok, err)
	}
}

// TestSetConcurrentAddAndMatch runs Add and Match together (run it with
// -race): every Match sees a consistent snapshot and never errs.
func TestSetConcurrentAddAndMatch(t *testing.T) {
	s := NewSet[int]()
	event := []byte(`{"n":7,"s":"abc"}`)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 200 {
			s.Add(i, mustCompile(t, fmt.Sprintf(`{"n":[{"numeric":[">",%d]}]}`, i)))
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				keys, err := s.Match(event)
				if err != nil {
					t.Error(err)
					return
				}
				for _, k := range keys {
					if k >= 7 {
						t.Errorf("key %d matched n=7", k)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	keys, err := s.Match(event)
	if err != nil || !slices.Equal(keys, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("final Match = %v, %v", keys, err)
	}
}

func TestSetDateUsesTime(t *testing.T) {
	p, err := compileExt([]byte(`{"t":[{"hubrelay-date":{"within_days":1}}]}`), true)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSet[string]()
	s.Add("recent", p)
	now := time.Now().UTC()
	recent := []byte(fmt.Sprintf(`{"t":%q}`, now.Add(-time.Hour).Format(time.RFC3339)))
	old := []byte(fmt.Sprintf(`{"t":%q}`, now.Add(-49*time.Hour).Format(time.RFC3339)))
	if keys, _ := s.Match(recent); len(keys) != 1 {
		t.Errorf("Match(recent) = %v", keys)
	}
	if keys, _ := s.Match(old); len(keys) != 0 {
		t.Errorf("Match(old) = %v", keys)
	}
	if keys, _ := s.MatchAt(old, now.Add(-48*time.Hour)); len(keys) != 1 {
		t.Errorf("MatchAt(old, two days ago) = %v", keys)
	}
	if ok, _ := p.Match(recent); !ok {
		t.Error("Pattern.Match(recent) = false")
	}
}

// TestSetMatchAllocations pins the speed contract: with every kind of
// operator in the Set, the returned slice is the only allocation.
func TestSetMatchAllocations(t *testing.T) {
	s := NewSet[int]()
	sources := []string{
		`{"ip":[{"cidr":"10.0.0.0/8"}],"s":["abc"]}`,
		`{"ip":["10.0.0.1"]}`,
		`{"ip6":[{"cidr":"2001:db8::/32"}]}`,
		`{"s":[{"equals-ignore-case":"ABC"},{"prefix":{"equals-ignore-case":"A"}},{"suffix":{"equals-ignore-case":"C"}}]}`,
		`{"s":[{"wildcard":"a*c"}],"n":[{"numeric":[">",1,"<=",10]}]}`,
		`{"s":[{"anything-but":{"wildcard":"x*"}}],"e":["\u00e9"]}`,
		`{"arr":{"k":["v"],"w":[2]}}`,
		`{"n":[5.0],"big":[123456789012]}`,
		`{"missing":[{"exists":false}],"t":["2024-01-02T03:04:05Z"]}`,
	}
	for i, src := range sources {
		s.Add(i, mustCompile(t, src))
	}
	date, err := compileExt([]byte(`{"t":[{"hubrelay-date":{"start":"2024-01-01T00:00:00Z"}}]}`), true)
	if err != nil {
		t.Fatal(err)
	}
	s.Add(len(sources), date)
	event := []byte(`{"ip":"10.0.0.1","ip6":"2001:db8::1","s":"abc","n":5,"big":123456789012,` +
		`"e":"\u00e9","t":"2024-01-02T03:04:05Z","arr":[{"k":"v","w":2},{"k":"x"}]}`)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	keys, err := s.MatchAt(event, now)
	if err != nil || len(keys) != len(sources)+1 {
		t.Fatalf("MatchAt = %v, %v; want all %d keys", keys, err, len(sources)+1)
	}
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := s.MatchAt(event, now); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("MatchAt allocates %.1f times per call, want at most 1 (the result)", allocs)
	}
}

func TestZeroSetIsUsable(t *testing.T) {
	var s Set[string]
	if keys, err := s.Match([]byte(`{"a":1}`)); err != nil || keys != nil {
		t.Errorf("empty zero Set: Match = %v, %v", keys, err)
	}
	s.Add("a", mustCompile(t, `{"a":[1]}`))
	if keys, err := s.Match([]byte(`{"a":1}`)); err != nil || !slices.Equal(keys, []string{"a"}) {
		t.Errorf("zero Set after Add: Match = %v, %v", keys, err)
	}
}
