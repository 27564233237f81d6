package hubtest

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// timestampRE matches the timestamp forms the Security Hub API reference
// documents ("Timestamps"): YYYY-MM-DDTHH:MM:SS, an optional fraction of 1
// to 9 digits, and Z or an offset +HH, +HH:MM or +HHMM (bounded by
// +/-18:00). It is immutable; a *regexp.Regexp is safe for concurrent use.
var timestampRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$`)

// parseTimestamp reads a Security Hub timestamp.
func parseTimestamp(s string) (time.Time, error) {
	m := timestampRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not a timestamp (want e.g. 2019-01-31T23:00:00.123Z)", s)
	}
	n := func(i int) int {
		v, _ := strconv.Atoi(m[i])
		return v
	}
	year, month, day, hour, minute, sec := n(1), n(2), n(3), n(4), n(5), n(6)
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("%q is not a timestamp: date or time out of range", s)
	}
	nanos := 0
	if frac := m[7]; frac != "" {
		v, _ := strconv.Atoi(frac)
		for k := len(frac); k < 9; k++ {
			v *= 10
		}
		nanos = v
	}
	loc := time.UTC
	if off := m[8]; off != "Z" {
		hh, _ := strconv.Atoi(off[1:3])
		mm := 0
		if rest := off[3:]; rest != "" {
			if rest[0] == ':' {
				rest = rest[1:]
			}
			mm, _ = strconv.Atoi(rest)
		}
		if mm > 59 || hh*60+mm > 18*60 {
			return time.Time{}, fmt.Errorf("%q is not a timestamp: the offset is bounded by +/-18:00", s)
		}
		secs := (hh*60 + mm) * 60
		if off[0] == '-' {
			secs = -secs
		}
		loc = time.FixedZone("", secs)
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc), nil
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// formatTimestamp writes t as the service writes timestamps it sets
// (milliseconds, UTC).
func formatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
