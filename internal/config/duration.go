package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseDuration parses Go duration syntax (300ms, 1h30m) extended with the
// units d (24h) and w (7 days), which may lead: 1w2d, 1d12h. Negative
// durations are refused.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration; write e.g. 30s, 5m, 1h or 1d")
	}
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	var total time.Duration
	rest := s
	for _, unit := range []struct {
		suffix byte
		size   time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(rest) || rest[i] != unit.suffix {
			continue
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > int64(math.MaxInt64/unit.size) {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += time.Duration(n) * unit.size
		rest = rest[i+1:]
	}
	if rest == "" {
		return total, nil
	}
	d, err := time.ParseDuration(rest)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: write e.g. 30s, 5m, 1h30m, 1d or 1w", s)
	}
	if d < 0 || total > time.Duration(math.MaxInt64)-d {
		return 0, fmt.Errorf("duration %q is out of range", s)
	}
	return total + d, nil
}

// formatDuration writes d as Go does without zero trailing units: 5m rather
// than 5m0s, 24h rather than 24h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}
