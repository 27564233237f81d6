package pattern

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// DateRange comparisons and unit.
const (
	dateRangeWithin    = "WITHIN"
	dateRangeOlderThan = "OLDER_THAN"
	dateRangeDays      = "DAYS"
)

// dateFilterCond validates a DateFilter list and returns its condition.
// Several DateFilters in the list are OR'ed. Within one DateFilter:
//   - Start and End are inclusive: Start <= t <= End. Either may be given
//     alone for an open-ended range (the API marks neither as required).
//   - DateRange {Value, Unit DAYS, Comparison WITHIN (default) | OLDER_THAN}
//     is a rolling window: WITHIN N days is now-N days <= t <= now,
//     OLDER_THAN N days is t < now-N days. A missing Unit means DAYS, the only
//     unit there is.
//   - DateRange combined with Start/End: all of them must hold.
//   - A DateRange Value above maxDateDays (about 270 years) acts as
//     maxDateDays: no real timestamp tells the two apart.
func dateFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	matchers := make([]any, 0, len(list))
	for i, item := range list {
		m, err := dateFilterMatcher(item, at(listPath, i))
		if err != nil {
			return nil, err
		}
		matchers = append(matchers, m)
	}
	return leaf{path: a.path, matchers: matchers}, nil
}

// dateFilterMatcher translates one DateFilter to the private date operator
// (dateOperator), with timestamps normalised to RFC 3339 in UTC.
func dateFilterMatcher(item any, itemPath []any) (any, error) {
	obj, err := object(item, itemPath, "a DateFilter", "DateRange", "End", "Start")
	if err != nil {
		return nil, err
	}
	spec := map[string]any{}
	var start, end time.Time
	var hasStart, hasEnd bool
	for _, member := range []struct {
		key string
		t   *time.Time
		set *bool
	}{{"Start", &start, &hasStart}, {"End", &end, &hasEnd}} {
		s, ok, err := optionalString(obj, member.key, itemPath)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		t, ok := parseASFFTime([]byte(s))
		if !ok {
			return nil, errAt(at(itemPath, member.key), "%s %s is not a Security Hub timestamp: want YYYY-MM-DDTHH:MM:SS, "+
				"an optional fraction of 1 to 9 digits, then Z or an offset ±HH, ±HHMM or ±HH:MM within ±18:00 "+
				"(like 2019-01-31T23:00:00Z or 2024-01-04T15:25:10.123456789+17:59)", member.key, quoteInput(s))
		}
		*member.t, *member.set = t, true
		spec[lowerASCII(member.key)] = t.UTC().Format(time.RFC3339Nano)
	}
	if hasStart && hasEnd && start.After(end) {
		return nil, errAt(at(itemPath, "End"), "End %s is before Start %s, so the filter matches nothing", spec["end"], spec["start"])
	}
	if r, ok := obj["DateRange"]; ok && r != nil {
		key, days, err := dateRange(r, at(itemPath, "DateRange"))
		if err != nil {
			return nil, err
		}
		spec[key] = days
	}
	if len(spec) == 0 {
		return nil, errAt(itemPath, "a DateFilter needs Start, End or DateRange")
	}
	return map[string]any{dateOperator: spec}, nil
}

// dateRange reads a DateRange and returns the date operator member it maps
// to and its day count.
func dateRange(v any, path []any) (string, json.Number, error) {
	obj, err := object(v, path, "DateRange", "Comparison", "Unit", "Value")
	if err != nil {
		return "", "", err
	}
	n, ok, err := optionalNumber(obj, "Value", path)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "", "", errAt(at(path, "Value"), "Value is required")
	}
	days, perr := strconv.ParseInt(n.text, 10, 32)
	if perr != nil || days < 0 {
		return "", "", errAt(at(path, "Value"), "Value must be a whole number of days from 0 to %d, got %s", math.MaxInt32, n.text)
	}
	// The API takes any int32; beyond maxDateDays (about 270 years) every
	// real timestamp compares the same way, and the engine's limit holds.
	days = min(days, maxDateDays)
	unit, hasUnit, err := optionalString(obj, "Unit", path)
	if err != nil {
		return "", "", err
	}
	if hasUnit && unit != dateRangeDays {
		return "", "", errAt(at(path, "Unit"), "unknown Unit %s; the only unit is DAYS", quoteInput(unit))
	}
	comparison, hasComparison, err := optionalString(obj, "Comparison", path)
	if err != nil {
		return "", "", err
	}
	switch {
	case !hasComparison, comparison == dateRangeWithin:
		return "within_days", json.Number(strconv.FormatInt(days, 10)), nil
	case comparison == dateRangeOlderThan:
		return "older_than_days", json.Number(strconv.FormatInt(days, 10)), nil
	}
	return "", "", errAt(at(path, "Comparison"), "unknown Comparison %s; use WITHIN or OLDER_THAN%s",
		quoteInput(comparison), didYouMean(closestName(comparison, []string{dateRangeWithin, dateRangeOlderThan})))
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
