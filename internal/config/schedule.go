package config

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml/ast"
	"github.com/robfig/cron/v3"
)

// scheduleSpec is what a schedule: accepts: five cron fields or a descriptor
// (@daily, ...). cron.ParseStandard accepts everything this does, so callers
// parse a checked Schedule with it.
const scheduleSpec = cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor

// scheduleFieldNames names the five fields of a cron expression, in order.
var scheduleFieldNames = [5]string{"minute", "hour", "day-of-month", "month", "day-of-week"}

// scheduleProblem is what is wrong with a schedule, at a byte offset in it.
type scheduleProblem struct {
	offset int
	msg    string
}

// checkSchedule checks a cron expression as Reports.Schedule documents it and
// returns the parsed schedule or what is wrong, pointing at the offending
// field. now is used to find schedules that never run.
func checkSchedule(spec string, now time.Time) (cron.Schedule, *scheduleProblem) {
	parser := cron.NewParser(scheduleSpec)
	start := len(spec) - len(strings.TrimLeftFunc(spec, unicode.IsSpace))
	trimmed := strings.TrimSpace(spec)
	switch {
	case trimmed == "":
		return nil, &scheduleProblem{0, `empty; write a cron expression such as "0 9 * * MON-FRI" (minute hour day-of-month month day-of-week)`}
	case strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ="):
		return nil, &scheduleProblem{start, "set the time zone with timezone:, not in the schedule"}
	case strings.HasPrefix(trimmed, "cron(") || strings.HasPrefix(trimmed, "rate("):
		return nil, &scheduleProblem{start, `this is an EventBridge schedule expression; write five standard cron fields (minute hour day-of-month month day-of-week) without cron(...) and without the year, as in "0 9 * * MON-FRI"`}
	case strings.HasPrefix(trimmed, "@every"):
		return nil, &scheduleProblem{start, `@every counts from when hubrelay started, so runs drift with every restart; write a cron expression such as "0 */6 * * *"`}
	case strings.HasPrefix(trimmed, "@"):
		s, err := parseCron(parser, trimmed)
		if err != nil {
			return nil, &scheduleProblem{start, fmt.Sprintf("unknown descriptor %q; use @hourly, @daily (or @midnight), @weekly, @monthly, @yearly (or @annually), or five cron fields", trimmed)}
		}
		return s, nil
	}
	fields, offsets := splitFields(spec)
	if len(fields) != 5 {
		msg := fmt.Sprintf("%d fields; a schedule has 5: minute hour day-of-month month day-of-week, as in \"0 9 * * MON-FRI\"", len(fields))
		if len(fields) == 6 {
			msg += " (drop the seconds field of a Quartz expression, or the year field of an EventBridge cron expression)"
		}
		at := start
		if len(fields) > 5 {
			at = offsets[5]
		}
		return nil, &scheduleProblem{at, msg}
	}
	for i, f := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, err := parseCron(parser, strings.Join(probe, " ")); err != nil {
			return nil, &scheduleProblem{offsets[i], fmt.Sprintf("%s %q: %s", scheduleFieldNames[i], f, cronFieldError(i, err))}
		}
	}
	s, err := parseCron(parser, strings.Join(fields, " "))
	if err != nil {
		return nil, &scheduleProblem{start, err.Error()}
	}
	if s.Next(now).IsZero() {
		return nil, &scheduleProblem{offsets[2], "never runs: no date matches its day-of-month and month (such as February 30)"}
	}
	return s, nil
}

// parseCron runs the cron parser, turning a panic into an error: the
// parser is third-party code and a typo must not crash Load.
func parseCron(p cron.Parser, spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cannot be read")
		}
	}()
	return p.Parse(spec)
}

// cronFieldError rewrites an error of the cron parser about field i in
// words a config author knows.
func cronFieldError(i int, err error) string {
	msg := err.Error()
	var a, b int
	switch {
	case strings.HasPrefix(msg, "failed to parse int from "):
		switch i {
		case 3:
			return "not a number (1-12) or a month name (JAN-DEC)"
		case 4:
			return "not a number (0-6) or a day name (SUN-SAT)"
		}
		return "not a number"
	case scan(msg, "end of range (%d) above maximum (%d)", &a, &b):
		hint := ""
		if i == 4 && a == 7 {
			hint = " (Sunday is 0 or SUN)"
		}
		return fmt.Sprintf("%d is above the maximum %d%s", a, b, hint)
	case scan(msg, "beginning of range (%d) below minimum (%d)", &a, &b):
		return fmt.Sprintf("%d is below the minimum %d", a, b)
	case scan(msg, "beginning of range (%d) beyond end of range (%d)", &a, &b):
		return fmt.Sprintf("the range starts at %d, after its end %d", a, b)
	case strings.HasPrefix(msg, "step of range"):
		return "a step (/N) must be a positive number"
	case strings.HasPrefix(msg, "negative number"):
		return "negative numbers are not allowed"
	case strings.HasPrefix(msg, "too many hyphens"):
		return "a range has one '-', as in 1-5"
	case strings.HasPrefix(msg, "too many slashes"):
		return "a step has one '/', as in */15"
	}
	return msg
}

// scan reports whether msg starts with format filled with two numbers.
func scan(msg, format string, a, b *int) bool {
	n, err := fmt.Sscanf(msg, format, a, b)
	return err == nil && n == 2
}

// splitFields splits s at white space, returning each field and its byte
// offset.
func splitFields(s string) (fields []string, offsets []int) {
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsSpace(r) && start >= 0:
			fields, offsets = append(fields, s[start:i]), append(offsets, start)
			start = -1
		case !unicode.IsSpace(r) && start < 0:
			start = i
		}
	}
	if start >= 0 {
		fields, offsets = append(fields, s[start:]), append(offsets, start)
	}
	return fields, offsets
}

// minScheduleGap is the shortest time between two runs of a report schedule
// that is not reported as a warning.
const minScheduleGap = time.Hour

// severalPerHour reports whether s runs at more than one minute of the
// hour, the only way a cron schedule runs twice within an hour.
func severalPerHour(s cron.Schedule) bool {
	spec, ok := s.(*cron.SpecSchedule)
	return ok && bits.OnesCount64(spec.Minute&^(1<<63)) > 1 // bit 63 marks "*"
}

// shortestGap returns the shortest time between two of the next runs of s
// after now in loc.
func shortestGap(s cron.Schedule, now time.Time, loc *time.Location) time.Duration {
	gap := time.Duration(math.MaxInt64)
	prev := s.Next(now.In(loc))
	for range 50 {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		gap = min(gap, next.Sub(prev))
		prev = next
	}
	return gap
}

// Why a schedule that runs more than once an hour is worth a warning.
const (
	reportRunsOften  = "every run sends the reports again (reports are usually daily or weekly)"
	membersRunsOften = "every run sends a notice, even when nothing changed (set on_no_change: skip, or run less often)"
)

// scheduleValue reads a schedule at n, reporting its problems at the
// offending field. When often is not "", a schedule that runs more than
// once an hour is warned about, saying often. ok is false after a problem.
func (l *loader) scheduleValue(n ast.Node, path string, loc *time.Location, often string) (string, bool) {
	s, ok := l.stringValue(n, path)
	if !ok {
		return "", false
	}
	return s, l.checkScheduleAt(s, l.pos(n), l.offsetMapper(n), path, loc, often)
}

// checkScheduleAt checks spec, written at start and whose byte offsets at
// maps to positions, and reports what is wrong, as scheduleValue does.
func (l *loader) checkScheduleAt(spec string, start Position, at func(int) Position, label string, loc *time.Location, often string) bool {
	sched, problem := checkSchedule(spec, l.opts.now)
	if problem != nil {
		l.errorAt(at(problem.offset), "%s: %s", label, problem.msg)
		return false
	}
	if often != "" && loc != nil && severalPerHour(sched) {
		if gap := shortestGap(sched, l.opts.now, loc); gap < minScheduleGap {
			l.warnAt(start, "%s: %q runs every %s at times; %s", label, spec, formatDuration(gap), often)
		}
	}
	return true
}

// loadZone loads the IANA time zone name, or says what is wrong with it, as
// the top-level timezone: does.
func loadZone(name string) (*time.Location, string) {
	if name == "" || name == "Local" {
		return nil, "name an IANA time zone such as Asia/Tokyo or UTC"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Sprintf("unknown time zone %q; use an IANA name such as Asia/Tokyo or UTC", name)
	}
	return loc, ""
}

// zoneValue reads a time zone name at n.
func (l *loader) zoneValue(n ast.Node, path string) (*time.Location, string, bool) {
	s, ok := l.stringValue(n, path)
	if !ok {
		return nil, "", false
	}
	loc, msg := loadZone(s)
	if msg != "" {
		l.errorf(n, "%s: %s", path, msg)
		return nil, "", false
	}
	return loc, s, true
}

// maxSize bounds sizes such as attach_max: 1 GiB.
const maxSize = 1 << 30

// parseSize parses a size in bytes: a whole number with an optional unit B,
// KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), in any
// case, with or without a space before the unit.
func parseSize(s string) (int64, error) {
	text := strings.TrimSpace(s)
	i := 0
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%q is not a size; write a whole number of bytes or one with a unit, as in 512KB, 5MB or 10MiB", s)
	}
	if i < len(text) && (text[i] == '.' || text[i] == ',') {
		return 0, fmt.Errorf("%q: write a whole number with a unit (1500KB, not 1.5MB)", s)
	}
	n, err := strconv.ParseInt(text[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large; at most 1GiB", s)
	}
	unit := strings.TrimSpace(text[i:])
	var scale int64
	switch strings.ToLower(unit) {
	case "", "b":
		scale = 1
	case "k", "kb":
		scale = 1000
	case "m", "mb":
		scale = 1000 * 1000
	case "g", "gb":
		scale = 1000 * 1000 * 1000
	case "ki", "kib":
		scale = 1 << 10
	case "mi", "mib":
		scale = 1 << 20
	case "gi", "gib":
		scale = 1 << 30
	default:
		return 0, fmt.Errorf("%q: unknown unit %q; use B, KB, MB, GB, KiB, MiB or GiB (a whole number before it, as in 5MB)", s, unit)
	}
	if n > maxSize/scale {
		return 0, fmt.Errorf("%q is too large; at most 1GiB", s)
	}
	return n * scale, nil
}

// sizeValue reads a size at n: a YAML integer (bytes) or a string with a
// unit.
func (l *loader) sizeValue(n ast.Node, path string) (int64, bool) {
	if _, ok := n.(*ast.FloatNode); ok {
		l.errorf(n, "%s: write a whole number of bytes or one with a unit (1500KB, not 1.5MB)", path)
		return 0, false
	}
	if v, ok := n.(*ast.IntegerNode); ok && v.Token != nil {
		size, err := parseSize(v.Token.Value)
		if err != nil {
			l.errorf(n, "%s: %v", path, err)
			return 0, false
		}
		return size, true
	}
	s, ok := l.stringValue(n, path)
	if !ok {
		return 0, false
	}
	size, err := parseSize(s)
	if err != nil {
		l.errorf(n, "%s: %v", path, err)
		return 0, false
	}
	return size, true
}

// DefaultScheduleZone is the time zone of report and member-check
// schedules when the file has no top-level timezone: the issues' users
// work to Tokyo office hours.
const DefaultScheduleZone = "Asia/Tokyo"

// scheduleZone is the default time zone of schedules: the top-level
// timezone: when the file writes one, else DefaultScheduleZone (UTC when
// the system has no time zone database).
func scheduleZone(cfg *Config, top *object) (*time.Location, string) {
	if top != nil && top.has("timezone") {
		return cfg.Location, cfg.Timezone
	}
	if loc, err := time.LoadLocation(DefaultScheduleZone); err == nil {
		return loc, DefaultScheduleZone
	}
	return cfg.Location, cfg.Timezone
}
