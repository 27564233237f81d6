package pattern

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// gen builds random events and patterns over a small vocabulary so that
// they often touch the same paths and values.
type gen struct {
	r *rand.Rand
}

var (
	genKeys    = []string{"a", "b", "c", "d"}
	genStrings = []string{`"x"`, `"y"`, `"X"`, `"xy"`, `"yx"`, `""`, `"10.0.0.1"`, `"10.0.1.7"`, `"::1"`, `"0:0::1"`, `"\u0078"`, `"ab*c"`, `"2024-01-04T15:25:10Z"`, `"2019-01-31T23:00:00.5+01:00"`, `"k"`, `"\u212a"`}
	genNumbers = []string{"0", "5", "5.0", "5e0", "-1", "1e20", "3.5", "0.0000001", "-0", "5000000000", "5000000001", "123456789012", "70", "69.999999"}
)

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) eventValue(depth int) string {
	switch n := g.r.IntN(10); {
	case n < 3:
		return g.pick(genStrings)
	case n < 5:
		return g.pick(genNumbers)
	case n == 5:
		return g.pick([]string{"true", "false", "null"})
	case n < 8 && depth < 3:
		return g.eventObject(depth + 1)
	case depth < 3:
		k := g.r.IntN(4)
		parts := make([]string, k)
		for i := range parts {
			parts[i] = g.eventValue(depth + 1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	default:
		return g.pick(genStrings)
	}
}

func (g *gen) eventObject(depth int) string {
	k := g.r.IntN(4)
	if depth == 0 {
		k++
	}
	parts := make([]string, k)
	for i := range parts {
		parts[i] = fmt.Sprintf("%q:%s", g.pick(genKeys), g.eventValue(depth))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (g *gen) operand() string {
	switch g.r.IntN(22) {
	case 0:
		return g.pick(genStrings)
	case 1:
		return g.pick(genNumbers)
	case 2:
		return g.pick([]string{"true", "false", "null"})
	case 3:
		return fmt.Sprintf(`{"prefix":%s}`, g.pick([]string{`"x"`, `""`, `"10."`, `"a"`}))
	case 4:
		return fmt.Sprintf(`{"suffix":%s}`, g.pick([]string{`"x"`, `"y"`, `""`, `"1"`}))
	case 5:
		return fmt.Sprintf(`{"equals-ignore-case":%s}`, g.pick([]string{`"x"`, `"XY"`, `"K"`}))
	case 6:
		return fmt.Sprintf(`{"prefix":{"equals-ignore-case":%s}}`, g.pick([]string{`"X"`, `"y"`, `"k"`}))
	case 7:
		return fmt.Sprintf(`{"suffix":{"equals-ignore-case":%s}}`, g.pick([]string{`"Y"`, `"x"`}))
	case 8:
		return fmt.Sprintf(`{"wildcard":%s}`, g.pick([]string{`"*"`, `"x*"`, `"*y"`, `"a*\\*c"`, `"1*.*.1"`, `"*x*"`}))
	case 9:
		return fmt.Sprintf(`{"anything-but":%s}`, g.pick([]string{`"x"`, `["x","y"]`, `5`, `[0,-1]`, `""`}))
	case 10:
		return fmt.Sprintf(`{"anything-but":{"prefix":%s}}`, g.pick([]string{`"x"`, `["x","1"]`}))
	case 11:
		return fmt.Sprintf(`{"anything-but":{"suffix":%s}}`, g.pick([]string{`"y"`, `["x","y"]`}))
	case 12:
		return fmt.Sprintf(`{"anything-but":{"equals-ignore-case":%s}}`, g.pick([]string{`"X"`, `["x","XY"]`}))
	case 13:
		return fmt.Sprintf(`{"anything-but":{"wildcard":%s}}`, g.pick([]string{`"x*"`, `["*y","10.*"]`}))
	case 14:
		return fmt.Sprintf(`{"numeric":%s}`, g.pick([]string{`[">",0]`, `[">=",5]`, `["<",5]`, `["<=",0]`, `["=",5]`, `[">",0,"<=",5]`, `[">=",-1,"<",3.5]`, `[">=",70]`}))
	case 15, 16:
		return fmt.Sprintf(`{"exists":%s}`, g.pick([]string{"true", "false"}))
	case 17:
		return fmt.Sprintf(`{"cidr":%s}`, g.pick([]string{`"10.0.0.0/24"`, `"10.0.0.0/8"`, `"::/0"`, `"::1/128"`}))
	case 18:
		return fmt.Sprintf(`{"hubrelay-date":%s}`, g.pick([]string{`{"start":"2024-01-01T00:00:00Z"}`, `{"within_days":30}`, `{"older_than_days":365}`, `{"end":"2020-01-01T00:00:00Z"}`}))
	default:
		return g.pick(genStrings)
	}
}

func (g *gen) patternObject(depth int) string {
	k := 1 + g.r.IntN(3)
	parts := make([]string, 0, k)
	for range k {
		key := g.pick(genKeys)
		switch n := g.r.IntN(10); {
		case n < 2 && depth < 3:
			parts = append(parts, fmt.Sprintf("%q:%s", key, g.patternObject(depth+1)))
		case n == 2 && depth < 3:
			branches := 2 + g.r.IntN(2)
			bs := make([]string, branches)
			for i := range bs {
				bs[i] = g.patternObject(depth + 1)
			}
			parts = append(parts, fmt.Sprintf(`"$or":[%s]`, strings.Join(bs, ",")))
		default:
			m := 1 + g.r.IntN(3)
			vs := make([]string, m)
			for i := range vs {
				vs[i] = g.operand()
			}
			parts = append(parts, fmt.Sprintf("%q:[%s]", key, strings.Join(vs, ",")))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// checkAgreement compiles the patterns, matches the event with a Set and
// with each Pattern alone, and reports any disagreement. It returns how many
// patterns matched, so callers can check the test is not vacuous.
func checkAgreement(t *testing.T, patterns []string, event string, now time.Time) int {
	t.Helper()
	set := NewSet[int]()
	var want []int
	var wantErr error
	for i, src := range patterns {
		p, err := compileExt([]byte(src), true)
		if err != nil {
			continue
		}
		set.Add(i, p)
		ok, err := p.MatchAt([]byte(event), now)
		if err != nil {
			wantErr = err
		}
		if ok {
			want = append(want, i)
		}
	}
	got, err := set.MatchAt([]byte(event), now)
	if (err != nil) != (wantErr != nil) && set.Len() > 0 {
		t.Fatalf("error disagreement on event %s: set %v, pattern %v", event, err, wantErr)
	}
	if err != nil {
		return 0
	}
	if !slices.Equal(got, want) {
		for _, i := range symmetricDiff(got, want) {
			t.Errorf("pattern %d %s\nevent %s\nset says %v, pattern says %v", i, patterns[i], event, slices.Contains(got, i), slices.Contains(want, i))
		}
		t.FailNow()
	}
	return len(want)
}

func symmetricDiff(a, b []int) []int {
	var d []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			d = append(d, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			d = append(d, x)
		}
	}
	return d
}

// TestSetAgreesWithPattern is the differential test: for random patterns and
// events, Set.Match must return exactly the keys whose Pattern.Match is true.
func TestSetAgreesWithPattern(t *testing.T) {
	iterations := 1500
	if testing.Short() {
		iterations = 300
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	now := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	matches := 0
	for range iterations {
		patterns := make([]string, 12)
		for i := range patterns {
			patterns[i] = g.patternObject(0)
		}
		for range 5 {
			matches += checkAgreement(t, patterns, g.eventObject(0), now)
		}
	}
	requireMatchShare(t, matches, iterations*5*12)
}

// requireMatchShare fails when too few of the checked (pattern, event) pairs
// matched for the comparison to mean much.
func requireMatchShare(t *testing.T, matches, checks int) {
	t.Helper()
	if matches*20 < checks {
		t.Fatalf("only %d of %d checks matched; the generators need retuning", matches, checks)
	}
	t.Logf("%d of %d checks matched", matches, checks)
}

// TestSetAgreesWithPatternOnArrays focuses the differential test on array
// consistency: events hold arrays of objects (and arrays of arrays), and
// patterns combine several fields under them, with and without exists:false.
func TestSetAgreesWithPatternOnArrays(t *testing.T) {
	iterations := 1500
	if testing.Short() {
		iterations = 150
	}
	g := &gen{r: rand.New(rand.NewPCG(3, 4))}
	vals := []string{`"x"`, `"y"`, `1`, `2`, `null`}
	elem := func(depth int) string {
		var parts []string
		for _, k := range []string{"a", "b", "c"} {
			if g.r.IntN(3) == 0 {
				continue
			}
			v := g.pick(vals)
			if depth < 2 && g.r.IntN(4) == 0 {
				inner := make([]string, 1+g.r.IntN(3))
				for i := range inner {
					inner[i] = fmt.Sprintf(`{"d":%s,"e":%s}`, g.pick(vals), g.pick(vals))
				}
				v = "[" + strings.Join(inner, ",") + "]"
			}
			parts = append(parts, fmt.Sprintf("%q:%s", k, v))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	event := func() string {
		n := g.r.IntN(5)
		items := make([]string, n)
		for i := range items {
			if g.r.IntN(6) == 0 {
				items[i] = "[" + elem(1) + "," + elem(1) + "]"
			} else {
				items[i] = elem(0)
			}
		}
		return fmt.Sprintf(`{"top":%s,"r":[%s]}`, g.pick(vals), strings.Join(items, ","))
	}
	cond := func() string {
		if g.r.IntN(4) == 0 {
			return `[{"exists":false}]`
		}
		if g.r.IntN(5) == 0 {
			return `[{"exists":true}]`
		}
		return "[" + g.pick(vals) + "]"
	}
	pattern := func() string {
		var parts []string
		for _, k := range []string{"a", "b", "c"} {
			if g.r.IntN(2) == 0 {
				parts = append(parts, fmt.Sprintf("%q:%s", k, cond()))
			}
		}
		if g.r.IntN(2) == 0 {
			parts = append(parts, fmt.Sprintf(`"b":{"d":%s,"e":%s}`, cond(), cond()))
		}
		if len(parts) == 0 {
			parts = append(parts, `"a":`+cond())
		}
		p := fmt.Sprintf(`{"r":{%s}}`, strings.Join(parts, ","))
		if g.r.IntN(3) == 0 {
			p = fmt.Sprintf(`{"top":%s,"r":{%s}}`, cond(), strings.Join(parts, ","))
		}
		return p
	}
	now := time.Now()
	matches := 0
	for range iterations {
		patterns := make([]string, 10)
		for i := range patterns {
			patterns[i] = pattern()
		}
		for range 5 {
			matches += checkAgreement(t, patterns, event(), now)
		}
	}
	requireMatchShare(t, matches, iterations*5*10)
}
