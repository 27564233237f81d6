package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// parser reads standard 5-field cron specs and the fixed descriptors
// (@hourly, @daily, …). @every is refused by compile.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// starBit is the bit robfig/cron sets in a field written as "*" or "?"; it
// decides whether day-of-month and day-of-week are ANDed (one is a star)
// or ORed (both restricted), as in Vixie cron.
const starBit = 1 << 63

// searchDays bounds the search for a slot: like robfig/cron, a spec that
// matches no time within five years matches none.
const searchDays = 5*366 + 2

// fieldNames name the five fields in error messages.
var fieldNames = [5]string{
	"minute (0-59)",
	"hour (0-23)",
	"day-of-month (1-31)",
	"month (1-12 or JAN-DEC)",
	"day-of-week (0-6 or SUN-SAT)",
}

// spec is a compiled cron spec.
type spec struct {
	month, dom, dow  uint64 // robfig/cron bit sets
	domStar, dowStar bool
	fixedHour        bool  // the hour field is not "*…": the job runs at set times of day
	hours, minutes   []int // ascending
}

// Parse checks a cron spec as a job's schedule accepts it, for config
// validation: five fields "minute hour day-of-month month day-of-week"
// (names such as MON-FRI and JAN allowed, "*", "?", ranges, lists and
// steps as in crontab(5)), or one of @yearly, @annually, @monthly,
// @weekly, @daily, @midnight, @hourly. The error says what is wrong and in
// which field. @every, TZ= and CRON_TZ= are refused (see Job). A spec that
// never matches a date ("0 0 31 2 *") is an error.
func Parse(spec string) error {
	_, err := compile(spec)
	return err
}

// Next returns the first slot of spec strictly after after, read in loc
// (nil: UTC), with the daylight-saving rules described in the package
// documentation. The result is in loc. It fails for an invalid spec and
// when no slot falls within five years.
func Next(spec string, loc *time.Location, after time.Time) (time.Time, error) {
	s, err := compile(spec)
	if err != nil {
		return time.Time{}, err
	}
	loc = orUTC(loc)
	t := s.next(after, loc)
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("schedule: %q: no slot within five years after %s", spec, after.In(loc).Format(time.RFC3339))
	}
	return t, nil
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// compile parses text into a spec.
func compile(text string) (_ *spec, err error) {
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		return nil, errors.New(`schedule: the spec is empty; want five fields "minute hour day-of-month month day-of-week", e.g. "0 11 * * MON-FRI"`)
	case strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ="):
		return nil, fmt.Errorf("schedule: %q: a time zone prefix is not supported; give the job's time zone in the config instead", text)
	case strings.HasPrefix(t, "@every"):
		return nil, fmt.Errorf("schedule: %q: @every is not supported (its times depend on when a process started, so replicas would disagree); write a cron spec such as \"*/10 * * * *\"", text)
	}
	sched, err := parse(t)
	if err != nil {
		return nil, explain(text, t, err)
	}
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("schedule: %q: not a cron spec", text)
	}
	s := &spec{
		dom:     ss.Dom,
		month:   ss.Month,
		dow:     ss.Dow,
		domStar: ss.Dom&starBit != 0,
		dowStar: ss.Dow&starBit != 0,
	}
	if strings.HasPrefix(t, "@") {
		s.fixedHour = t != "@hourly"
	} else {
		h := strings.Fields(t)[1]
		s.fixedHour = !strings.HasPrefix(h, "*") && !strings.HasPrefix(h, "?")
	}
	for m := 0; m < 60; m++ {
		if ss.Minute&(1<<m) != 0 {
			s.minutes = append(s.minutes, m)
		}
	}
	for h := 0; h < 24; h++ {
		if ss.Hour&(1<<h) != 0 {
			s.hours = append(s.hours, h)
		}
	}
	ref := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(s.minutes) == 0 || len(s.hours) == 0 || s.next(ref, time.UTC).IsZero() {
		return nil, fmt.Errorf("schedule: %q never matches a date (a day that no month has, such as 31 in February only?)", text)
	}
	return s, nil
}

// parse runs the cron parser, turning a panic into an error: a config
// check must not crash on a typo.
func parse(t string) (s cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("cannot be read: %v", p)
		}
	}()
	return parser.Parse(t)
}

// explain turns a parser error into one that names the spec and, where it
// can, the field at fault.
func explain(text, trimmed string, err error) error {
	if strings.HasPrefix(trimmed, "@") {
		return fmt.Errorf("schedule: %q: unknown descriptor; use @yearly, @monthly, @weekly, @daily, @midnight or @hourly", text)
	}
	fields := strings.Fields(trimmed)
	if len(fields) != 5 {
		return fmt.Errorf(`schedule: %q: want five fields "minute hour day-of-month month day-of-week", found %d`, text, len(fields))
	}
	for i, f := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, ferr := parse(strings.Join(probe, " ")); ferr != nil {
			return fmt.Errorf("schedule: %q: %s field %q: %v", text, fieldNames[i], f, ferr)
		}
	}
	return fmt.Errorf("schedule: %q: %v", text, err)
}

// dayMatches reports whether the calendar date matches the day fields, as
// Vixie cron and robfig/cron do: when day-of-month or day-of-week is a
// star both must match, else either.
func (s *spec) dayMatches(d time.Time) bool {
	if s.month&(1<<uint(d.Month())) == 0 {
		return false
	}
	domMatch := s.dom&(1<<uint(d.Day())) != 0
	dowMatch := s.dow&(1<<uint(d.Weekday())) != 0
	if s.domStar || s.dowStar {
		return domMatch && dowMatch
	}
	return domMatch || dowMatch
}

// next returns the first slot strictly after after, or the zero time when
// none falls within searchDays.
func (s *spec) next(after time.Time, loc *time.Location) time.Time {
	y, m, d := after.In(loc).Date()
	for i := -1; i <= searchDays; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC)
		if !s.dayMatches(day) {
			continue
		}
		for _, t := range s.slotsOn(day, loc) {
			if t.After(after) {
				return t
			}
		}
	}
	return time.Time{}
}

// prev returns the latest slot at or before at, or the zero time when none
// falls within searchDays.
func (s *spec) prev(at time.Time, loc *time.Location) time.Time {
	y, m, d := at.In(loc).Date()
	for i := 1; i >= -searchDays; i-- {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC)
		if !s.dayMatches(day) {
			continue
		}
		slots := s.slotsOn(day, loc)
		for j := len(slots) - 1; j >= 0; j-- {
			if !slots[j].After(at) {
				return slots[j]
			}
		}
	}
	return time.Time{}
}

// slotsOn returns the slots of the local calendar date day (given as
// midnight UTC), sorted and distinct, in loc. A wall-clock time the date
// does not have (the clocks went forward) is, for a job at set hours, run
// at the instant the clocks jumped; for an hourly ("*" hour) job it does
// not happen. A wall-clock time the date has twice (the clocks went back)
// is, for a job at set hours, run at its first occurrence only; for an
// hourly job at both, which are an hour apart.
func (s *spec) slotsOn(day time.Time, loc *time.Location) []time.Time {
	base := day.Unix() // the date's midnight, as a wall clock read as UTC
	before := offsetAt(base-15*3600, loc)
	after := offsetAt(base+(24+13)*3600, loc)
	out := make([]time.Time, 0, len(s.hours)*len(s.minutes))
	if before == after && offsetAt(base+12*3600-int64(before), loc) == before {
		// No change of offset near the date: every wall time exists once.
		for _, h := range s.hours {
			for _, m := range s.minutes {
				out = append(out, time.Unix(base+int64(h*3600+m*60-before), 0).In(loc))
			}
		}
		return out
	}
	for _, h := range s.hours {
		for _, m := range s.minutes {
			occ := resolve(base+int64(h*3600+m*60), loc)
			switch {
			case len(occ) == 0:
				if s.fixedHour {
					out = append(out, gapEnd(base+int64(h*3600+m*60), loc))
				}
			case s.fixedHour:
				out = append(out, occ[0])
			default:
				out = append(out, occ...)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	uniq := out[:0]
	for i, t := range out {
		if i == 0 || !t.Equal(out[i-1]) {
			uniq = append(uniq, t)
		}
	}
	return uniq
}

// offsetAt is loc's UTC offset, in seconds, at the unix time u.
func offsetAt(u int64, loc *time.Location) int {
	_, off := time.Unix(u, 0).In(loc).Zone()
	return off
}

// candidateOffsets are the offsets in effect just before and just after
// the instants that can show wall time w (offsets span -12h to +14h).
func candidateOffsets(w int64, loc *time.Location) (int, int) {
	return offsetAt(w-15*3600, loc), offsetAt(w+13*3600, loc)
}

// resolve returns the instants, ascending, whose wall clock in loc reads w
// (a wall time as unix seconds read as UTC): one normally, none in a gap,
// two in an overlap.
func resolve(w int64, loc *time.Location) []time.Time {
	ob, oa := candidateOffsets(w, loc)
	var out []time.Time
	for _, o := range []int{ob, oa} {
		c := w - int64(o)
		if offsetAt(c, loc) == o && (len(out) == 0 || !out[0].Equal(time.Unix(c, 0))) {
			out = append(out, time.Unix(c, 0).In(loc))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// gapEnd returns the instant the clocks jumped over wall time w: the first
// instant whose wall clock reads later than w.
func gapEnd(w int64, loc *time.Location) time.Time {
	ob, oa := candidateOffsets(w, loc)
	lo, hi := w-int64(max(ob, oa)), w-int64(min(ob, oa)) // lo shows a wall time before w, hi one after it
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if mid+int64(offsetAt(mid, loc)) > w {
			hi = mid
		} else {
			lo = mid
		}
	}
	return time.Unix(hi, 0).In(loc)
}
