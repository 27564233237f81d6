package store_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func TestReserve(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, tc := range []struct {
			key  string
			now  time.Duration
			iv   time.Duration
			want time.Duration
		}{
			{"slack", 0, time.Second, 0},                                    // first slot: now
			{"slack", 0, time.Second, time.Second},                          // next: one interval later
			{"slack", 500 * time.Millisecond, time.Second, 2 * time.Second}, // still booked ahead
			{"slack", 10 * time.Second, time.Second, 10 * time.Second},      // idle: now again
			{"teams", 10 * time.Second, time.Minute, 10 * time.Second},      // keys are independent
			{"teams", 20 * time.Second, 0, 70 * time.Second},                // zero interval: the booked slot
		} {
			at, err := s.Reserve(ctx, tc.key, tc.iv, t0.Add(tc.now))
			if err != nil {
				t.Fatal(err)
			}
			if !at.Equal(t0.Add(tc.want)) {
				t.Errorf("Reserve(%s, +%v) = +%v, want +%v", tc.key, tc.now, at.Sub(t0), tc.want)
			}
		}
		if _, err := s.Reserve(ctx, "x", -time.Second, t0); err == nil {
			t.Error("negative interval accepted")
		}
	})
}

func TestReserveConcurrent(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		stores := []*store.Store{open(t, dsn), open(t, dsn)}
		const n = 40
		var (
			mu  sync.Mutex
			got []time.Time
			wg  sync.WaitGroup
		)
		for i := 0; i < n; i++ {
			s := stores[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				at, err := s.Reserve(context.Background(), "backlog:space", 250*time.Millisecond, t0)
				if err != nil {
					t.Errorf("Reserve: %v", err)
					return
				}
				mu.Lock()
				got = append(got, at)
				mu.Unlock()
			}()
		}
		wg.Wait()
		sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
		if len(got) != n {
			t.Fatalf("%d slots", len(got))
		}
		for i, at := range got {
			if want := t0.Add(time.Duration(i) * 250 * time.Millisecond); !at.Equal(want) {
				t.Fatalf("slot %d = +%v, want +%v", i, at.Sub(t0), want.Sub(t0))
			}
		}
	})
}
