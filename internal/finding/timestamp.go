package finding

import (
	"fmt"
	"time"
)

// parseTimestamp reads an ASFF timestamp. The ASFF documents these forms:
// "Timestamps can end with Z or ("+" / "-") time-hour [":" time-minute]. The
// time-secfrac after seconds is limited to a maximum of 9 digits. The offset
// is bounded by +/-18:00", with examples 2019-01-31T23:00:00Z,
// 2019-01-31T23:00:00.123456789Z, 2024-01-04T15:25:10+17:59,
// 2024-01-04T15:25:10-1759 and 2024-01-04T15:25:10.123456789+17:59.
// So the offset may be +HH, +HH:MM or +HHMM. Lower-case "t" and "z" are
// accepted as RFC 3339 allows. The same parser reads OCSF *_time_dt values.
func parseTimestamp(s string) (time.Time, error) {
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q is not a timestamp (want e.g. 2019-01-31T23:00:00.123Z): %s", s, why)
	}
	// YYYY-MM-DDTHH:MM:SS
	if len(s) < 20 {
		return bad("too short")
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || s[4] != '-' || s[7] != '-' ||
		(s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return bad("want YYYY-MM-DDTHH:MM:SS")
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || sec > 59 {
		return bad("date or time out of range")
	}
	rest := s[19:]
	nanos := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		frac := rest[1:n]
		if len(frac) == 0 || len(frac) > 9 {
			return bad("want 1 to 9 digits after the decimal point")
		}
		v, _ := digits(frac)
		for k := len(frac); k < 9; k++ {
			v *= 10
		}
		nanos = v
		rest = rest[n:]
	}
	offset, err := parseOffset(rest)
	if err != nil {
		return bad(err.Error())
	}
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone("", offset)
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc), nil
}

// parseOffset reads Z, +HH, +HH:MM or +HHMM and returns seconds east of UTC.
func parseOffset(s string) (int, error) {
	if s == "Z" || s == "z" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("missing time zone (Z or +HH:MM)")
	}
	sign := 1
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, fmt.Errorf("want Z or an offset such as +09:00 after the seconds")
	}
	var hh, mm int
	var ok bool
	switch body := s[1:]; len(body) {
	case 2:
		hh, ok = digits(body)
	case 4:
		var ok2 bool
		hh, ok = digits(body[0:2])
		mm, ok2 = digits(body[2:4])
		ok = ok && ok2
	case 5:
		var ok2 bool
		hh, ok = digits(body[0:2])
		mm, ok2 = digits(body[3:5])
		ok = ok && ok2 && body[2] == ':'
	}
	if !ok || mm > 59 {
		return 0, fmt.Errorf("bad offset %q (want +HH, +HH:MM or +HHMM)", s)
	}
	if hh*60+mm > 18*60 {
		return 0, fmt.Errorf("offset %q beyond +/-18:00", s)
	}
	return sign * (hh*3600 + mm*60), nil
}

// digits parses an unsigned decimal of at most 9 digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	v := 0
	for k := 0; k < len(s); k++ {
		if !isDigit(s[k]) {
			return 0, false
		}
		v = v*10 + int(s[k]-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// epochMillis converts OCSF epoch milliseconds to a time.
func epochMillis(ms float64) time.Time {
	whole := int64(ms)
	frac := ms - float64(whole)
	return time.UnixMilli(whole).Add(time.Duration(frac * float64(time.Millisecond))).UTC()
}
