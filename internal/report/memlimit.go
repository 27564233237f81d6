package report

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Writing a large workbook produces garbage quickly (every one of the
// findings sheet's cells is a few small allocations) on top of what it
// keeps: the rows and excelize's sheet buffers, which it holds until the
// zip is written (16 MB or more for a large sheet). Left to GOGC=100 the
// heap grows to twice what is live, so a 100,000-finding report would
// need about 210 MB; under a soft memory limit the collector runs more
// often instead and the process stays near what it holds.
const (
	// minWriteMemoryLimit is the lowest soft limit set while a workbook
	// is written.
	minWriteMemoryLimit = 96 << 20
	// writeMemoryFactor scales the heap live when writing starts: the
	// workbook's own buffers come on top of it, and the limit must leave
	// the collector room, or it would run without end.
	writeMemoryFactor = 2
	// writeMemoryHeadroom is added to that.
	writeMemoryHeadroom = 24 << 20
)

// memoryGuard lowers the process's soft memory limit (debug.SetMemoryLimit,
// a setting of the whole process) while workbooks are written and puts the
// previous limit back when the last of them is done. A limit already
// lower (GOMEMLIMIT) is kept.
type memoryGuard struct {
	mu     sync.Mutex
	active int
	saved  int64
}

// writeMemory guards every Report's workbook writing: the limit is one
// per process, so the guard must be too.
var writeMemory memoryGuard

// limitFor returns the soft limit for writing with live bytes of heap in
// use: twice that and some headroom, at least minWriteMemoryLimit.
func limitFor(live uint64) int64 {
	if live > (math.MaxInt64-writeMemoryHeadroom)/writeMemoryFactor {
		return math.MaxInt64
	}
	return max(int64(writeMemoryFactor*live+writeMemoryHeadroom), minWriteMemoryLimit)
}

// hold sets the limit for a workbook about to be written and returns the
// function that releases it. While several are written at once the
// largest limit any of them asked for holds (never above the one set
// before the first).
func (g *memoryGuard) hold() func() {
	runtime.GC() // drop what collecting left, and measure what is live
	limit := limitFor(liveHeap())
	g.mu.Lock()
	defer g.mu.Unlock()
	current := debug.SetMemoryLimit(-1)
	if g.active == 0 {
		g.saved = current
	} else {
		limit = max(limit, current)
	}
	g.active++
	debug.SetMemoryLimit(min(g.saved, limit))
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.active--
		if g.active == 0 {
			debug.SetMemoryLimit(g.saved)
		}
	}
}

// liveHeap reads the bytes of heap objects the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
