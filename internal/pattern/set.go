package pattern

import (
	"sync"
	"sync/atomic"
	"time"
)

// Set answers "which of these patterns match this event" in one pass over
// the event, without evaluating each pattern separately. Keys identify what
// each pattern routes to; many keys may share one pattern and one key may be
// added with several patterns (it matches when any of them does).
//
// A Set is safe for concurrent use: Add may run concurrently with Match.
// Matching uses an immutable compiled snapshot that the first Match after an
// Add rebuilds, so a batch of Adds followed by many Matches compiles once.
// The router builds one Set per configuration and matches every incoming
// event against it. The zero Set is empty and ready to use.
type Set[K comparable] struct {
	mu       sync.Mutex // serialises Add and snapshot rebuilds
	keys     []K        // in the order keys were first added
	keyIndex map[K]int32
	entries  []setEntry
	snap     atomic.Pointer[setSnapshot[K]]
}

type setEntry struct {
	key     int32
	pattern *Pattern
}

// setSnapshot is an immutable view of a Set: its keys and the compiled index.
type setSnapshot[K comparable] struct {
	keys  []K
	index *setIndex
}

// NewSet returns an empty Set, ready for Add and Match.
func NewSet[K comparable]() *Set[K] {
	return &Set[K]{keyIndex: map[K]int32{}}
}

// Add registers p under key. Adding the same key again with another pattern
// ORs the patterns; adding the same (key, pattern) twice changes nothing
// observable. A nil pattern is ignored. Safe for concurrent use.
func (s *Set[K]) Add(key K, p *Pattern) {
	if p == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keyIndex == nil {
		s.keyIndex = map[K]int32{}
	}
	ki, ok := s.keyIndex[key]
	if !ok {
		ki = int32(len(s.keys))
		s.keys = append(s.keys, key)
		s.keyIndex[key] = ki
	}
	s.entries = append(s.entries, setEntry{key: ki, pattern: p})
	s.snap.Store(nil)
}

// Len returns the number of distinct keys in the Set. Safe for concurrent
// use.
func (s *Set[K]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// Match returns the keys whose patterns match the event, each once, in the
// order the keys were first added; nil when none match. The current time is
// read only when some pattern in the Set uses the date operator. Invalid
// JSON, or JSON that is not an object, is an error. Safe for concurrent use.
func (s *Set[K]) Match(event []byte) ([]K, error) {
	snap := s.snapshot()
	var now time.Time
	if snap.index.hasDate {
		now = time.Now()
	}
	return snap.match(event, now)
}

// MatchAt is Match with the time that date conditions are evaluated
// against. Safe for concurrent use.
func (s *Set[K]) MatchAt(event []byte, now time.Time) ([]K, error) {
	return s.snapshot().match(event, now)
}

func (s *Set[K]) snapshot() *setSnapshot[K] {
	if snap := s.snap.Load(); snap != nil {
		return snap
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap := s.snap.Load(); snap != nil {
		return snap
	}
	snap := &setSnapshot[K]{
		keys:  append([]K(nil), s.keys...),
		index: buildSetIndex(s.entries, len(s.keys)),
	}
	s.snap.Store(snap)
	return snap
}

func (snap *setSnapshot[K]) match(event []byte, now time.Time) ([]K, error) {
	sc := snap.index.getScratch()
	defer snap.index.putScratch(sc)
	matched, err := snap.index.match(event, now, sc)
	if err != nil || len(matched) == 0 {
		return nil, err
	}
	out := make([]K, len(matched))
	for i, k := range matched {
		out[i] = snap.keys[k]
	}
	return out, nil
}
