package pattern

import (
	"fmt"
	"time"
)

// dateOperator is the name of the private leaf operator that the Security Hub
// filter compiler uses for DateFilter. Compile rejects it; only compileExt
// with ext=true accepts it.
const dateOperator = "hubrelay-date"

// dateMatcher matches string values that parse as ASFF timestamps. Every
// bound that is set must hold:
//
//	start <= t <= end                       (fixed range, both inclusive)
//	now - withinDays*24h <= t <= now        (rolling window)
//	t < now - olderThanDays*24h             (older than)
type dateMatcher struct {
	start, end            time.Time
	hasStart, hasEnd      bool
	withinDays, olderDays int64
	hasWithin, hasOlder   bool
}

func (d *dateMatcher) match(v []byte, now time.Time) bool {
	t, ok := parseASFFTime(v)
	if !ok {
		return false
	}
	if d.hasStart && t.Before(d.start) {
		return false
	}
	if d.hasEnd && t.After(d.end) {
		return false
	}
	if d.hasWithin {
		if t.After(now) || t.Before(now.Add(-time.Duration(d.withinDays)*24*time.Hour)) {
			return false
		}
	}
	if d.hasOlder && !t.Before(now.Add(-time.Duration(d.olderDays)*24*time.Hour)) {
		return false
	}
	return true
}

// maxDateDays bounds within_days/older_than_days so that the duration
// arithmetic cannot overflow (about 290 years fit in a time.Duration).
const maxDateDays = 100_000

// parseDateOperand compiles {"start":…, "end":…, "within_days":N,
// "older_than_days":N}; path points at the operator value.
func parseDateOperand(v *jvalue, path []any) (*dateMatcher, error) {
	if v.kind != jObject || len(v.members) == 0 {
		return nil, errAt(path, "%s wants an object with start, end, within_days or older_than_days, got %s", dateOperator, v.describe())
	}
	d := &dateMatcher{}
	for _, m := range v.members {
		mp := append(path, m.key)
		switch m.key {
		case "start", "end":
			if m.val.kind != jString {
				return nil, errAt(mp, "%s %s wants an ASFF timestamp string, got %s", dateOperator, m.key, m.val.describe())
			}
			t, ok := parseASFFTime([]byte(m.val.text))
			if !ok {
				return nil, errAt(mp, "%s %s: %q is not an ASFF timestamp (like 2019-01-31T23:00:00Z)", dateOperator, m.key, m.val.text)
			}
			if m.key == "start" {
				d.start, d.hasStart = t, true
			} else {
				d.end, d.hasEnd = t, true
			}
		case "within_days", "older_than_days":
			n, err := wholeDays(m.val)
			if err != nil {
				return nil, errAt(mp, "%s %s %v", dateOperator, m.key, err)
			}
			if m.key == "within_days" {
				d.withinDays, d.hasWithin = n, true
			} else {
				d.olderDays, d.hasOlder = n, true
			}
		default:
			return nil, errAt(mp, "%s: unknown member %q (want start, end, within_days, older_than_days)", dateOperator, m.key)
		}
	}
	if d.hasStart && d.hasEnd && d.start.After(d.end) {
		return nil, errAt(path, "%s: start %s is after end %s", dateOperator, d.start.Format(time.RFC3339Nano), d.end.Format(time.RFC3339Nano))
	}
	return d, nil
}

func wholeDays(v *jvalue) (int64, error) {
	if v.kind != jNumber {
		return 0, fmt.Errorf("wants a whole number of days, got %s", v.describe())
	}
	scaled, ok := comparableNumber([]byte(v.text))
	if !ok || scaled%numberScale != 0 || scaled < 0 || scaled/numberScale > maxDateDays {
		return 0, fmt.Errorf("wants a whole number of days from 0 to %d, got %s", maxDateDays, v.text)
	}
	return scaled / numberScale, nil
}

// parseASFFTime parses the timestamp forms the Security Hub API documents:
//
//	YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH|±HHMM|±HH:MM)
//
// with 1 to 9 fraction digits, a leap second written 23:59:60, and offsets
// bounded by ±18:00. It does not allocate.
func parseASFFTime(b []byte) (time.Time, bool) {
	// Fixed part: YYYY-MM-DDTHH:MM:SS is 19 bytes.
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digitsAt(b, 0, 4)
	month, ok2 := digitsAt(b, 5, 2)
	day, ok3 := digitsAt(b, 8, 2)
	hour, ok4 := digitsAt(b, 11, 2)
	minute, ok5 := digitsAt(b, 14, 2)
	sec, ok6 := digitsAt(b, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 {
		return time.Time{}, false
	}
	if sec > 59 && !(sec == 60 && hour == 23 && minute == 59) {
		return time.Time{}, false
	}
	i := 19
	nanos := 0
	if b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if i-start < 9 {
				nanos = nanos*10 + int(b[i]-'0')
			}
			i++
		}
		n := i - start
		if n == 0 || n > 9 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			nanos *= 10
		}
	}
	if i >= len(b) {
		return time.Time{}, false
	}
	offset := 0
	switch b[i] {
	case 'Z':
		i++
	case '+', '-':
		sign := 1
		if b[i] == '-' {
			sign = -1
		}
		i++
		oh, ok := digitsAt(b, i, 2)
		if !ok {
			return time.Time{}, false
		}
		i += 2
		om := 0
		if i < len(b) {
			if b[i] == ':' {
				i++
			}
			m, ok := digitsAt(b, i, 2)
			if !ok {
				return time.Time{}, false
			}
			om = m
			i += 2
		}
		if om > 59 || oh*60+om > 18*60 {
			return time.Time{}, false
		}
		offset = sign * (oh*3600 + om*60)
	default:
		return time.Time{}, false
	}
	if i != len(b) {
		return time.Time{}, false
	}
	// time.Date normalises second 60 into the next minute.
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

func digitsAt(b []byte, at, n int) (int, bool) {
	if at+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[at : at+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
