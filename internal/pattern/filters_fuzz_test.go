package pattern

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// FuzzFromFilters feeds arbitrary input to the filter compiler: it must never
// panic, must either compile or return an *Error (the same one FilterLimits
// returns), must translate deterministically, and a compiled pattern must
// match every fixture event without error.
//
//	go test -fuzz=FuzzFromFilters -fuzztime=60s ./internal/pattern
func FuzzFromFilters(f *testing.F) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "filters", "*.filters.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, in := range inputs {
		f.Add(readFilterTestFile(f, in))
	}
	for _, seed := range []string{
		`{"Title": [{"Comparison": "CONTAINS", "Value": "a*b\\c"}]}`,
		`{"ResourceTags": [{"Key": "prefix", "Comparison": "EQUALS", "Value": "x"}], "ResourceType": [{"Comparison": "PREFIX", "Value": "Aws"}, {"Comparison": "NOT_EQUALS", "Value": "AwsS3Bucket"}]}`,
		`{"ProductFields": [{"Key": "aws/securityhub/ProductName", "Comparison": "EQUALS", "Value": "GuardDuty"}], "ProductName": [{"Comparison": "NOT_EQUALS", "Value": "Inspector"}], "CompanyName": [{"Comparison": "PREFIX", "Value": "Am"}, {"Comparison": "PREFIX_NOT_EQUALS", "Value": "Amz"}]}`,
		`{"CreatedAt": [{"DateRange": {"Value": 2147483647, "Comparison": "OLDER_THAN"}}]}`,
		`{"SeverityNormalized": [{"Gt": 4999999999.999999, "Lte": 5e9}]}`,
		`{"NetworkSourceIpV6": [{"Cidr": "::ffff:10.0.0.1/128"}]}`,
		`{"Filters": null}`,
		`{"SeverityLabel": [{"Comparison": "EQUALS", "Value": "HIGH"}, {"Comparison": "NOT_EQUALS", "Value": "LOW"}]}`,
		`{"Keyword": [{"Value": "ssh"}]}`,
		`[1, 2]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	fixtures := loadFilterFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := FromFilters(data)
		attrs, maxValues, limitErr := FilterLimits(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("error %v (%T) is not an *Error with a message", err, err)
			}
			if limitErr == nil || limitErr.Error() != err.Error() {
				t.Fatalf("FilterLimits error %v differs from FromFilters error %v", limitErr, err)
			}
			return
		}
		if limitErr != nil || attrs < 0 || maxValues < 0 {
			t.Fatalf("FilterLimits = %d, %d, %v for filters that compile", attrs, maxValues, limitErr)
		}
		first, err1 := FiltersToPattern(data)
		second, err2 := FiltersToPattern(data)
		if err1 != nil || err2 != nil || !bytes.Equal(first, second) {
			t.Fatalf("FiltersToPattern is not deterministic: %s / %s (%v, %v)", first, second, err1, err2)
		}
		for _, fx := range fixtures {
			if _, err := p.MatchAt(fx.event, filterFixtureNow); err != nil {
				t.Fatalf("matching %s: %v\npattern: %s", fx.name, err, first)
			}
		}
	})
}
