package schedule

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// specs are the schedules the cross-checks run over.
var specs = []string{
	"0 11 * * MON-FRI", "*/15 * * * *", "30 2 * * *", "0 9,18 1-7 JAN,JUL ?", "0 0 13 * FRI",
	"5 4 * * SUN", "0 0 29 2 *", "*/7 */5 */3 */2 *", "59 23 31 * *", "0 1-3 * * *", "@hourly", "@weekly", "@monthly",
}

// TestNextAgreesWithRobfig checks next against robfig/cron's Next in zones
// without daylight saving time, where the two must agree exactly.
func TestNextAgreesWithRobfig(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"UTC", "Asia/Tokyo", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range specs {
			sp, err := compile(text)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := cron.ParseStandard(text)
			if err != nil {
				t.Fatal(err)
			}
			ref.(*cron.SpecSchedule).Location = loc
			for range 200 {
				after := time.Unix(1700000000+rnd.Int64N(200_000_000), 0)
				if got, want := sp.next(after, loc), ref.Next(after); !got.Equal(want) {
					t.Fatalf("%s in %s after %v: next = %v, robfig = %v", text, name, after, got, want)
				}
			}
		}
	}
}

// TestPrevInvertsNext walks each spec's slots through two years of New
// York time, DST changes included: prev of a slot is the slot, prev just
// before it is the slot before, and next of the slot before is the slot.
func TestPrevInvertsNext(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range specs {
			sp, err := compile(text)
			if err != nil {
				t.Fatal(err)
			}
			end := time.Date(2028, 1, 1, 0, 0, 0, 0, loc)
			prevSlot := sp.next(time.Date(2026, 1, 1, 0, 0, 0, 0, loc), loc)
			for n := 0; n < 3000; n++ {
				slot := sp.next(prevSlot, loc)
				if slot.IsZero() || slot.After(end) {
					break
				}
				if !slot.After(prevSlot) {
					t.Fatalf("%s in %s: next(%v) = %v, not later", text, name, prevSlot, slot)
				}
				if p := sp.prev(slot, loc); !p.Equal(slot) {
					t.Fatalf("%s in %s: prev(%v) = %v", text, name, slot, p)
				}
				if p := sp.prev(slot.Add(-time.Second), loc); !p.Equal(prevSlot) {
					t.Fatalf("%s in %s: prev(%v - 1s) = %v, want %v", text, name, slot, p, prevSlot)
				}
				prevSlot = slot
			}
		}
	}
}

func BenchmarkNext(b *testing.B) {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Fatal(err)
	}
	for _, text := range []string{"0 11 * * MON-FRI", "* * * * *", "0 0 29 2 *"} {
		sp, err := compile(text)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(text, func(b *testing.B) {
			at := time.Date(2026, 11, 23, 11, 0, 30, 0, loc)
			for b.Loop() {
				sp.next(at, loc)
				sp.prev(at, loc)
			}
		})
	}
}
