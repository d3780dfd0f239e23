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

// TestShareLeavesTheSharedPageAlone asserts that a page handed over with
// Share (a memo's, read by every score near it) is held as Add would hold
// it and is never written into: neither when more links are added at the
// same id later, nor when the page had spare capacity.
func TestShareLeavesTheSharedPageAlone(t *testing.T) {
	a := phone("0811111111")
	var page []intel.Link
	for i := range 40 {
		page = append(page, link(intel.LinkCalled, a, phone(fmt.Sprintf("08200000%02d", i)), now, fmt.Sprint(i), nil))
	}
	for _, size := range []int{3, 40} {
		shared := make([]intel.Link, size, size+8)
		copy(shared, page[:size])
		before := slices.Clone(shared[:cap(shared)])
		n := analytics.NewNeighbourhood()
		n.Share(a, shared)
		n.Add(a, link(intel.LinkReportedIn, a, id(intel.KindCase, "c1"), now, "", nil))
		n.Add(a, page[size/2:]...)
		if got := len(n.Links[a]); got != 41 {
			t.Errorf("size %d: %d links held, want the 40 calls and the report", size, got)
		}
		if !slices.EqualFunc(before, shared[:cap(shared)], func(x, y intel.Link) bool { return x.ID == y.ID }) {
			t.Errorf("size %d: the shared page was written into", size)
		}
	}
	dup := append(slices.Clone(page[:3]), page[1])
	n := analytics.NewNeighbourhood()
	n.Share(a, dup)
	if len(n.Links[a]) != 3 {
		t.Errorf("a page with a duplicate: %d links held, want 3", len(n.Links[a]))
	}
}
