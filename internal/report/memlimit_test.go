package report

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, minWriteMemoryLimit},
		{10 << 20, minWriteMemoryLimit},
		{41 << 20, 2*(41<<20) + writeMemoryHeadroom},
		{1 << 30, 2<<30 + writeMemoryHeadroom},
		{math.MaxUint64, math.MaxInt64},
	} {
		if got := limitFor(c.live); got != c.want {
			t.Errorf("limitFor(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// TestMemoryGuard: writing lowers the process's soft limit, a second
// write at the same time keeps the larger need, and the limit set before
// comes back when the last is done; a lower limit set before is kept.
func TestMemoryGuard(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	debug.SetMemoryLimit(math.MaxInt64)
	var g memoryGuard
	release := g.hold()
	first := debug.SetMemoryLimit(-1)
	if first == math.MaxInt64 || first < minWriteMemoryLimit {
		t.Fatalf("limit while writing: %d", first)
	}
	release2 := g.hold()
	if second := debug.SetMemoryLimit(-1); second < first {
		t.Errorf("a second write lowered the limit from %d to %d", first, second)
	}
	release2()
	if got := debug.SetMemoryLimit(-1); got == math.MaxInt64 {
		t.Errorf("the limit came back while a write was still going on")
	}
	release()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after writing the limit is %d, want it back at %d", got, int64(math.MaxInt64))
	}

	debug.SetMemoryLimit(50 << 20) // GOMEMLIMIT=50MiB
	release = g.hold()
	if got := debug.SetMemoryLimit(-1); got != 50<<20 {
		t.Errorf("a lower limit set before was changed to %d", got)
	}
	release()
	if got := debug.SetMemoryLimit(-1); got != 50<<20 {
		t.Errorf("after writing the limit is %d, want 50 MiB", got)
	}
}
