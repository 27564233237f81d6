package store

import (
	"fmt"
	"testing"
	"time"
)

// TestStep covers every combination of stored state, observation time and
// openness.
func TestStep(t *testing.T) {
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	type want struct {
		tr       Transition
		episode  int
		open     bool
		from, to string
	}
	cases := []struct {
		st   findingState
		rel  int // observation time: -1 before, 0 equal, +1 after the stored one
		open bool
		want want
	}{
		{findingState{}, 0, true, want{TransitionOpened, 1, true, StateUnseen, StateOpen}},
		{findingState{}, 0, false, want{TransitionUnchanged, 0, false, StateUnseen, StateClosed}},
		{findingState{}, -1, true, want{TransitionOpened, 1, true, StateUnseen, StateOpen}}, // unseen: nothing is older
	}
	for _, rel := range []int{-1, 0, 1} {
		for _, wasOpen := range []bool{false, true} {
			for _, open := range []bool{false, true} {
				st := findingState{Seen: true, Episode: 4, Open: wasOpen, UpdatedAt: base}
				if !wasOpen {
					st.Episode = 3
				}
				var w want
				switch {
				case rel < 0:
					w = want{TransitionStale, st.Episode, wasOpen, "", ""}
				case !wasOpen && open:
					w = want{TransitionOpened, st.Episode + 1, true, StateClosed, StateOpen}
				case wasOpen && !open:
					w = want{TransitionResolved, st.Episode, false, StateOpen, StateClosed}
				default:
					w = want{TransitionUnchanged, st.Episode, open, "", ""}
				}
				cases = append(cases, struct {
					st   findingState
					rel  int
					open bool
					want want
				}{st, rel, open, w})
			}
		}
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("seen=%v/ep=%d/was=%v/rel=%d/open=%v", tc.st.Seen, tc.st.Episode, tc.st.Open, tc.rel, tc.open), func(t *testing.T) {
			at := base.Add(time.Duration(tc.rel) * time.Second)
			next, tr, from, to := step(tc.st, at, tc.open)
			got := want{tr, next.Episode, next.Open, from, to}
			if got != tc.want {
				t.Fatalf("step = %+v, want %+v", got, tc.want)
			}
			if tr != TransitionStale && (!next.Seen || !next.UpdatedAt.Equal(at)) {
				t.Errorf("applied state = %+v, want seen at %v", next, at)
			}
			if tr == TransitionStale && next != tc.st {
				t.Errorf("stale changed state: %+v", next)
			}
		})
	}
}
