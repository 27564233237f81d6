package queue

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// batchRecorder is a Marker that marks everything and remembers each
// call's size.
type batchRecorder struct {
	mu    sync.Mutex
	calls []int
}

func (m *batchRecorder) Mark(_ context.Context, items []store.Feedback) (map[int64]error, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, len(items))
	return nil, nil
}

func (m *batchRecorder) sizes() (calls, marked int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range m.calls {
		marked += n
	}
	return len(m.calls), marked
}

// TestFeedbackGathersBatches: findings delivered one by one over a second
// are marked in a few calls, FeedbackWait apart, not one call each.
func TestFeedbackGathersBatches(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, markingRoute)
		const n = 40
		marker := &batchRecorder{}
		q, err := New(st, Config{Poll: 10 * time.Millisecond, FeedbackWait: 400 * time.Millisecond, Marker: marker,
			Destinations: map[string]Destination{"tickets": {Type: "stdout", Notifier: &recorder{}, Policy: fastPolicy()}}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		go func() {
			for i := range n {
				ingestN(t, st, cfg, 1, func(_ int, f map[string]any) {
					f["Id"] = f["Id"].(string) + "-trickle-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				})
				time.Sleep(25 * time.Millisecond)
			}
		}()
		runUntil(t, q, func() bool {
			_, marked := marker.sizes()
			return marked == n
		})
		calls, _ := marker.sizes()
		// n findings over about a second, marked at most every 400 ms:
		// 4 or 5 calls (the first finding goes alone). One call per
		// finding or two would be 20-40.
		maxCalls := int(time.Since(start)/(400*time.Millisecond)) + 2
		if calls > maxCalls {
			t.Errorf("%d findings marked in %d calls %v, want at most %d", n, calls, marker.calls, maxCalls)
		}
		t.Logf("%d findings marked in %d calls %v over %v", n, calls, marker.calls, time.Since(start).Round(time.Millisecond))
	})
}
