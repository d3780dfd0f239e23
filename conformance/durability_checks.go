package conformance

import (
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

var _ = register("DurabilitySurvivesReopen", func(t *testing.T, h *Harness, s intel.Store) {
	if h.Reopen == nil {
		t.Fatal("the backend gave no Reopen; exclude this check with a reason instead")
	}
	e := phone("+66812345678")
	e.RawForms = []string{"081 234 5678"}
	l := call("+66812345678", "+855123456789", 3, "cdr-kh-1")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}, Links: []intel.Link{l}})
	before := mustFind(t, s, e)
	beforeLink := mustLink(t, s, l.ID)
	s = h.Reopen(t, s)
	if got := mustFind(t, s, e); !reflect.DeepEqual(got, before) {
		t.Errorf("entity after reopen:\n got %+v\nwant %+v", got, before)
	}
	if got := mustLink(t, s, l.ID); !reflect.DeepEqual(got, beforeLink) {
		t.Errorf("link after reopen:\n got %+v\nwant %+v", got, beforeLink)
	}
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: e.ID})
	if p.TotalCount != 1 {
		t.Errorf("adjacency after reopen: %d links", p.TotalCount)
	}
})
