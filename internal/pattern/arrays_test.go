package pattern

import (
	"fmt"
	"strings"
	"testing"
)

func repeatJSON(v string, n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]"
}

// largeArrayCases are events with big arrays and patterns whose fields can
// be combined in many array-consistent ways, where only a careful search
// stays fast. want is the answer worked out by hand.
var largeArrayCases = []struct {
	name, event, pattern string
	want                 bool
}{
	{"absence blocked by a field in its own array",
		`{"a":` + repeatJSON(`"x"`, 40) + `,"b":` + repeatJSON(`"y"`, 40) + `,"c":` + repeatJSON(`"z"`, 40) + `,"d":[1]}`,
		`{"a":["x"],"b":["y"],"c":["z"],"d":[{"exists":false}]}`, false},
	{"four wide fields and an absence",
		`{"a":` + repeatJSON(`"x"`, 40) + `,"b":` + repeatJSON(`"y"`, 40) + `,"c":` + repeatJSON(`"z"`, 40) + `,"e":` + repeatJSON(`"w"`, 40) + `,"d":[1]}`,
		`{"a":["x"],"b":["y"],"c":["z"],"e":["w"],"d":[{"exists":false}]}`, false},
	{"absence in another array",
		`{"r":` + repeatJSON(`{"a":"x","b":"y","c":"z"}`, 60) + `,"r2":` + repeatJSON(`{"d":1}`, 30) + `}`,
		`{"r":{"a":["x"],"b":["y"],"c":["z"]},"r2":{"d":[{"exists":false}]}}`, false},
	{"absence in every element",
		`{"r":` + repeatJSON(`{"a":"x","b":"y","c":"z","d":1}`, 60) + `}`,
		`{"r":{"a":["x"],"b":["y"],"c":["z"],"d":[{"exists":false}]}}`, false},
	{"absence in the last element only",
		`{"r":` + strings.TrimSuffix(repeatJSON(`{"a":"x","b":"y","c":"z","d":1}`, 60), "]") + `,{"a":"x","b":"y","c":"z"}]}`,
		`{"r":{"a":["x"],"b":["y"],"c":["z"],"d":[{"exists":false}]}}`, true},
	{"fields spread over elements",
		`{"r":` + repeatJSON(`{"a":"x"},{"b":"y"},{"c":"z"}`, 60) + `}`,
		`{"r":{"a":["x"],"b":["y"],"c":["z"]}}`, false},
}

func TestSetLargeArrays(t *testing.T) {
	for _, c := range largeArrayCases {
		t.Run(c.name, func(t *testing.T) {
			s := NewSet[int]()
			s.Add(0, mustCompile(t, c.pattern))
			keys, err := s.Match([]byte(c.event))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(keys) == 1; got != c.want {
				t.Errorf("Set.Match = %v, want match %v", keys, c.want)
			}
		})
	}
}

func BenchmarkSetMatchLargeArrays(b *testing.B) {
	for i, c := range largeArrayCases {
		b.Run(fmt.Sprintf("case=%d", i), func(b *testing.B) {
			s := NewSet[int]()
			s.Add(0, mustCompile(b, c.pattern))
			event := []byte(c.event)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Match(event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPatternLargeArrays runs the same cases through the reference
// evaluator, which prunes its search the same way.
func TestPatternLargeArrays(t *testing.T) {
	for _, c := range largeArrayCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := mustCompile(t, c.pattern).Match([]byte(c.event))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("Pattern.Match = %v, want %v", got, c.want)
			}
		})
	}
}
