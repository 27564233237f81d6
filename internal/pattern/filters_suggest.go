package pattern

import "strings"

// closestName returns the candidate nearest to name by edit distance,
// ignoring case, when it is close enough to be a plausible typo; otherwise
// "". Ties go to the earlier candidate, so callers pass a sorted list for
// stable messages.
func closestName(name string, candidates []string) string {
	lower := strings.ToLower(name)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(lower, strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	// Accept about one edit per four characters, at least two.
	limit := max(2, len([]rune(name))/4)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// didYouMean renders a suggestion as a message suffix, or "" for none.
func didYouMean(suggestion string) string {
	if suggestion == "" {
		return ""
	}
	return " (did you mean " + suggestion + "?)"
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 || len(rb) > 256 {
		// Names this long are never typos of a short name; skip the
		// quadratic work.
		return max(len(ra), len(rb))
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
