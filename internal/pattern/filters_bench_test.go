package pattern

import (
	"path/filepath"
	"testing"
)

// BenchmarkFromFilters compiles the design document's route filters
// (account, product name from either field, three severities).
func BenchmarkFromFilters(b *testing.B) {
	filters := readFilterTestFile(b, filepath.Join("testdata", "filters", "design-route.filters.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromFilters(filters); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFiltersToPattern translates filters using every grouping rule
// (same-field AND through "$or", two-field product name, distribution).
func BenchmarkFiltersToPattern(b *testing.B) {
	filters := readFilterTestFile(b, filepath.Join("testdata", "filters", "many-same-level-ors.filters.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FiltersToPattern(filters); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFilterPatternMatch matches a compiled filter route against a
// GuardDuty Imported event.
func BenchmarkFilterPatternMatch(b *testing.B) {
	p, err := FromFilters(readFilterTestFile(b, filepath.Join("testdata", "filters", "seed-002-channel.filters.json")))
	if err != nil {
		b.Fatal(err)
	}
	event := loadFilterFixtures(b)["08"].event
	b.ReportAllocs()
	b.SetBytes(int64(len(event)))
	for b.Loop() {
		if _, err := p.MatchAt(event, filterFixtureNow); err != nil {
			b.Fatal(err)
		}
	}
}
