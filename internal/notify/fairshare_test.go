package notify_test

import (
	"fmt"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// TestFairShare: small groups are shown whole, the rest share equally,
// every group with items shows at least one.
func TestFairShare(t *testing.T) {
	tests := []struct {
		counts []int
		total  int
		want   []int
	}{
		{[]int{3, 4}, 10, []int{3, 4}},
		{[]int{100, 2, 0, 6}, 20, []int{12, 2, 0, 6}},
		{[]int{100, 100}, 51, []int{25, 26}},
		{[]int{5, 5, 5}, 2, []int{1, 1, 1}},
		{nil, 5, []int{}},
	}
	for _, tt := range tests {
		if got := notify.FairShare(tt.counts, tt.total); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("FairShare(%v, %d) = %v, want %v", tt.counts, tt.total, got, tt.want)
		}
	}
}
