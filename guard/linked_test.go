package guard_test

import (
	"context"
	"testing"

	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// TestLinkedEntitiesAddsGrantedFacts: a DOMESTIC Thai call hidden from a
// Cambodian reader lists its ends only once an evidence request granted it.
func TestLinkedEntitiesAddsGrantedFacts(t *testing.T) {
	ctx := context.Background()
	s, _, call, _ := fixture(t)
	q := intel.LinkedQuery{LinkTypes: []intel.LinkType{intel.LinkCalled}}
	plain := guard.New(s, &intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH, Shared: []intel.Category{intel.CategoryCallRecords}}, nil)
	if got, err := plain.LinkedEntities(ctx, q); err != nil || len(got.IDs) != 0 {
		t.Fatalf("without a grant: %+v, %v; want nothing", got, err)
	}
	granted := guard.New(s, &intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH, Granted: []string{call.ID}}, nil)
	got, err := granted.LinkedEntities(ctx, q)
	if err != nil || len(got.IDs) != 2 || got.IDs[0] != call.To || got.IDs[1] != call.From {
		t.Fatalf("with the call granted: %+v, %v; want both ends, in id order", got, err)
	}
	q.First = 1
	if got, _ := granted.LinkedEntities(ctx, q); len(got.IDs) != 1 || !got.HasNextPage {
		t.Errorf("first page of one: %+v", got)
	}
}
