package queue

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := Policy{MinBackoff: time.Second, MaxBackoff: time.Minute}
	rnd := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		attempt    int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{1, 0, 500 * time.Millisecond, time.Second},
		{2, 0, time.Second, 2 * time.Second},
		{3, 0, 2 * time.Second, 4 * time.Second},
		{7, 0, 30 * time.Second, time.Minute},
		{50, 0, 30 * time.Second, time.Minute},
		{1, 90 * time.Second, 90 * time.Second, 90 * time.Second},
		{2, 10 * time.Millisecond, time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		for i := 0; i < 200; i++ {
			got := p.backoff(tt.attempt, tt.retryAfter, rnd)
			if got < tt.lo || got > tt.hi {
				t.Fatalf("backoff(attempt %d, retry-after %s) = %s, want within [%s, %s]", tt.attempt, tt.retryAfter, got, tt.lo, tt.hi)
			}
		}
	}
}

func TestBackoffJitterSpreads(t *testing.T) {
	p := Policy{MinBackoff: time.Second, MaxBackoff: time.Minute}
	rnd := rand.New(rand.NewPCG(3, 4))
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		seen[p.backoff(4, 0, rnd)] = true
	}
	if len(seen) < 40 {
		t.Fatalf("50 back-offs took only %d distinct values: no jitter", len(seen))
	}
}
