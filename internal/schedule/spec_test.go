package schedule_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/schedule"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

func TestParseAccepts(t *testing.T) {
	for _, spec := range []string{
		"0 11 * * MON-FRI",
		"0 11 * * mon-fri",
		"*/15 * * * *",
		"0 9,18 1-7 JAN,JUL ?",
		"30 2 * * *",
		"0 0 29 2 *",
		"  0 11 * * 1  ",
		"@daily", "@midnight", "@hourly", "@weekly", "@monthly", "@yearly", "@annually",
	} {
		if err := schedule.Parse(spec); err != nil {
			t.Errorf("Parse(%q) = %v", spec, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "the spec is empty; want five fields"},
		{"   ", "the spec is empty"},
		{"0 11 * *", "want five fields \"minute hour day-of-month month day-of-week\", found 4"},
		{"0 0 11 * * MON", "found 6"},
		{"0 25 * * *", `hour (0-23) field "25": end of range (25) above maximum (23)`},
		{"60 * * * *", `minute (0-59) field "60"`},
		{"0 0 0 * *", `day-of-month (1-31) field "0": beginning of range (0) below minimum (1)`},
		{"0 0 * 13 *", `month (1-12 or JAN-DEC) field "13"`},
		{"0 0 * * 7", `day-of-week (0-6 or SUN-SAT) field "7"`},
		{"0 0 * * MOM", `day-of-week (0-6 or SUN-SAT) field "MOM": failed to parse int from MOM`},
		{"*/0 * * * *", "step of range should be a positive number"},
		{"0 0 31 2 *", "never matches a date"},
		{"0 0 30 2 *", "never matches a date"},
		{"@every 1h", "@every is not supported"},
		{"@fortnightly", "unknown descriptor"},
		{"TZ=Asia/Tokyo 0 11 * * *", "a time zone prefix is not supported"},
		{"CRON_TZ=Asia/Tokyo", "a time zone prefix is not supported"},
	}
	for _, tt := range tests {
		err := schedule.Parse(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "schedule: ") {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.spec, err, tt.want)
		}
		if err != nil && tt.spec != "" && strings.TrimSpace(tt.spec) != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.spec)) {
			t.Errorf("Parse(%q) = %v: the error does not quote the spec", tt.spec, err)
		}
	}
}

func TestNext(t *testing.T) {
	tokyo, ny, utc := zone(t, "Asia/Tokyo"), zone(t, "America/New_York"), time.UTC
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, spec string
		loc        *time.Location
		after      time.Time
		want       string // RFC 3339 in loc
	}{
		{"weekday 11:00 JST from Friday noon", "0 11 * * MON-FRI", tokyo, at(tokyo, "2026-11-20 12:00"), "2026-11-23T11:00:00+09:00"},
		{"strictly after", "0 11 * * MON-FRI", tokyo, at(tokyo, "2026-11-23 11:00"), "2026-11-24T11:00:00+09:00"},
		{"nil location is UTC", "0 2 * * *", nil, at(utc, "2026-11-23 01:59"), "2026-11-23T02:00:00Z"},
		{"after given in another zone", "0 11 * * *", tokyo, at(utc, "2026-11-23 01:59"), "2026-11-23T11:00:00+09:00"},
		{"day-of-month or day-of-week when both are set", "0 0 10 * FRI", utc, at(utc, "2026-11-07 00:00"), "2026-11-10T00:00:00Z"},
		{"both set, the weekday comes first", "0 0 28 * MON", utc, at(utc, "2026-11-01 00:00"), "2026-11-02T00:00:00Z"},
		{"leap day", "0 0 29 2 *", utc, at(utc, "2026-03-01 00:00"), "2028-02-29T00:00:00Z"},
		{"step minutes", "*/20 9 * * *", utc, at(utc, "2026-11-23 09:21"), "2026-11-23T09:40:00Z"},

		// America/New_York, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
		{"spring forward: a set time in the gap runs when the clocks jump", "30 2 * * *", ny, at(ny, "2026-03-08 00:00"), "2026-03-08T03:00:00-04:00"},
		{"spring forward: the day before", "30 2 * * *", ny, at(ny, "2026-03-07 00:00"), "2026-03-07T02:30:00-05:00"},
		{"spring forward: the day after", "30 2 * * *", ny, at(ny, "2026-03-08 03:00"), "2026-03-09T02:30:00-04:00"},
		{"spring forward: times in the gap collapse into one run", "*/15 2 * * *", ny, at(ny, "2026-03-08 03:00"), "2026-03-09T02:00:00-04:00"},
		{"spring forward: an hourly job skips the missing hour", "30 * * * *", ny, at(ny, "2026-03-08 01:30"), "2026-03-08T03:30:00-04:00"},
		{"spring forward: a time after the gap is unchanged", "0 3 * * *", ny, at(ny, "2026-03-08 00:00"), "2026-03-08T03:00:00-04:00"},

		// America/New_York, 2026-11-01: 02:00 EDT goes back to 01:00 EST.
		{"fall back: a set time runs at its first occurrence", "30 1 * * *", ny, at(ny, "2026-11-01 00:00"), "2026-11-01T01:30:00-04:00"},
		{"fall back: and not at the second", "30 1 * * *", ny, time.Date(2026, 11, 1, 5, 30, 0, 0, utc), "2026-11-02T01:30:00-05:00"},
		{"fall back: an hourly job runs in both hours", "30 * * * *", ny, time.Date(2026, 11, 1, 5, 30, 0, 0, utc), "2026-11-01T01:30:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := schedule.Next(tt.spec, tt.loc, tt.after)
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Fatalf("Next(%q, %v) = %s, want %s", tt.spec, tt.after, s, tt.want)
			}
		})
	}
}

func TestNextErrors(t *testing.T) {
	if _, err := schedule.Next("0 25 * * *", nil, time.Now()); err == nil || !strings.Contains(err.Error(), "hour") {
		t.Fatalf("Next of a bad spec = %v", err)
	}
	// 2100 is no leap year: from March 2096 the next 29 February is in 2104.
	_, err := schedule.Next("0 0 29 2 *", nil, time.Date(2096, 3, 1, 0, 0, 0, 0, time.UTC))
	if err == nil || !strings.Contains(err.Error(), "no slot within five years after 2096-03-01T00:00:00Z") {
		t.Fatalf("Next beyond five years = %v", err)
	}
}

// ExampleNext shows a 02:30 job in New York on the day the clocks skip
// 02:00–03:00: it runs once, when they jump.
func ExampleNext() {
	ny, _ := time.LoadLocation("America/New_York")
	after := time.Date(2026, 3, 7, 12, 0, 0, 0, ny)
	for range 3 {
		next, err := schedule.Next("30 2 * * *", ny, after)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(next.Format(time.RFC3339))
		after = next
	}
	// Output:
	// 2026-03-08T03:00:00-04:00
	// 2026-03-09T02:30:00-04:00
	// 2026-03-10T02:30:00-04:00
}
