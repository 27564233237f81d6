package schedule

import (
	"testing"
	"time"
)

// FuzzParse feeds arbitrary specs to Parse: it must never panic, and a
// spec it accepts must yield slots that next and prev agree on, in a zone
// with daylight saving time.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0 11 * * MON-FRI", "*/15 * * * *", "30 2 * * *", "0 9,18 1-7 JAN,JUL ?", "@daily", "@hourly", "@every 1h",
		"TZ=Asia/Tokyo", "CRON_TZ=", "0 0 31 2 *", "0 0 29 2 *", "1-59/58 0-23/23 1,31 2-12/10 SUN-SAT/6",
		"* * * * *", "60 * * * *", "*/0 * * * *", "5-1 * * * *", "0 0 * * 7", "- * * * *", "1/ * * * *",
		"", " ", "@", "0 11 * *", "0 0 11 * * MON",
	} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	ref := time.Date(2026, 3, 7, 22, 0, 0, 0, ny)
	f.Fuzz(func(t *testing.T, spec string) {
		if err := Parse(spec); err != nil {
			if err.Error() == "" {
				t.Fatalf("Parse(%q): empty error", spec)
			}
			return
		}
		sp, err := compile(spec)
		if err != nil {
			t.Fatalf("Parse accepted %q but compile says %v", spec, err)
		}
		next := sp.next(ref, ny)
		if next.IsZero() {
			// Possible only for specs that match rarely (29 February).
			return
		}
		if !next.After(ref) {
			t.Fatalf("%q: next(%v) = %v", spec, ref, next)
		}
		if p := sp.prev(next, ny); !p.Equal(next) {
			t.Fatalf("%q: prev(%v) = %v", spec, next, p)
		}
		if p := sp.prev(next.Add(-time.Second), ny); p.After(ref) {
			t.Fatalf("%q: prev just before next(%v) = %v is after %v", spec, next, p, ref)
		}
	})
}
