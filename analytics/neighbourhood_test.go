package analytics_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// TestAdoptKeepsWhatAddKeeps asserts that handing a page over with Adopt
// leaves the neighbourhood as Add would: the same links in the same order
// without duplicates, whether the id had links already or not, on both
// sides of the size where duplicates are found by a map.
func TestAdoptKeepsWhatAddKeeps(t *testing.T) {
	a := phone("0811111111")
	mk := func(n int) []intel.Link {
		var ls []intel.Link
		for i := range n {
			ls = append(ls, link(intel.LinkCalled, a, phone(fmt.Sprintf("08200000%02d", i)), now, fmt.Sprint(i), nil))
		}
		return ls
	}
	for _, size := range []int{3, 20, 80} {
		for _, before := range [][]intel.Link{nil, mk(4)[:2]} {
			added, adopted := analytics.NewNeighbourhood(), analytics.NewNeighbourhood()
			if before != nil {
				added.Add(a, before...)
				adopted.Add(a, before...)
			}
			page := append(mk(size), mk(size)[size/3:]...)
			added.Add(a, page...)
			adopted.Adopt(a, slices.Clone(page))
			if !slices.EqualFunc(added.Links[a], adopted.Links[a], func(x, y intel.Link) bool { return x.ID == y.ID }) {
				t.Errorf("size %d, %d before: Adopt kept %d links, Add %d", size, len(before), len(adopted.Links[a]), len(added.Links[a]))
			}
			if len(added.Links[a]) != size {
				t.Errorf("size %d: Add kept %d links, want the %d distinct ones", size, len(added.Links[a]), size)
			}
		}
	}
}
