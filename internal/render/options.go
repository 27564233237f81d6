package render

import (
	"fmt"
	"time"
)

// Language selects the language of built-in text: "ja" or "en".
type Language string

// The languages hubrelay writes.
const (
	Japanese Language = "ja"
	English  Language = "en"
)

// Defaults used when Options leaves a field at its zero value.
const (
	DefaultMaxResources = 5
	DefaultTopN         = 10
)

// ParseLanguage checks a language setting from the configuration. The empty
// string means English.
func ParseLanguage(s string) (Language, error) {
	switch Language(s) {
	case Japanese:
		return Japanese, nil
	case English, "":
		return English, nil
	}
	return "", fmt.Errorf("language %q: must be \"ja\" or \"en\"", s)
}

// Options say how findings are rendered. The zero value is usable: English,
// UTC, each finding's own region, 5 resources, top 10 findings in a digest.
// Options is a plain value; share it freely between goroutines.
type Options struct {
	// Language of labels, severity names and dates: "ja" or "en" (default "en").
	Language Language
	// Location is the time zone dates are shown in. Nil means Japan Standard
	// Time (Asia/Tokyo) for Japanese and UTC for English.
	Location *time.Location
	// Region is the Security Hub aggregation region used for console links.
	// Empty means each finding's own region.
	Region string
	// MaxResources is how many resources a view lists before "and N more"
	// (default 5).
	MaxResources int
	// TopN is how many findings a digest lists before "and N more" (default 10).
	TopN int
}

// Validate reports the first invalid setting, for the configuration loader.
// Views and templates never fail on bad options: they fall back to defaults.
func (o Options) Validate() error {
	if _, err := ParseLanguage(string(o.Language)); err != nil {
		return err
	}
	if o.MaxResources < 0 {
		return fmt.Errorf("max resources %d: must not be negative", o.MaxResources)
	}
	if o.TopN < 0 {
		return fmt.Errorf("top findings %d: must not be negative", o.TopN)
	}
	return nil
}

// withDefaults returns o with every zero or invalid field replaced by its default.
func (o Options) withDefaults() Options {
	if o.Language != Japanese {
		o.Language = English
	}
	if o.Location == nil {
		o.Location = DefaultLocation(o.Language)
	}
	if o.MaxResources <= 0 {
		o.MaxResources = DefaultMaxResources
	}
	if o.TopN <= 0 {
		o.TopN = DefaultTopN
	}
	return o
}

// DefaultLocation is the time zone used when Options.Location is nil:
// Japan Standard Time (Asia/Tokyo) for Japanese, UTC for English. Japan has
// not observed daylight saving time since 1951, so a fixed +09:00 zone named
// JST gives exactly Asia/Tokyo's times for every finding, without reading the
// system's zone database on each call.
func DefaultLocation(lang Language) *time.Location {
	if lang != Japanese {
		return time.UTC
	}
	return time.FixedZone("JST", 9*60*60)
}
