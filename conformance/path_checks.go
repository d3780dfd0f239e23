package conformance

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// checkPath asserts that p is a well-formed path from→to of the given length
// whose links pass the query's filters.
func checkPath(t *testing.T, p *intel.Path, q intel.PathQuery, length int) {
	t.Helper()
	if p == nil {
		t.Fatalf("no path, want one of length %d", length)
	}
	if len(p.Links) != length || len(p.Nodes) != length+1 {
		t.Fatalf("path has %d links and %d nodes, want %d links", len(p.Links), len(p.Nodes), length)
	}
	if p.Nodes[0].ID != q.From || p.Nodes[length].ID != q.To {
		t.Fatalf("path runs %s → %s, want %s → %s", p.Nodes[0].ID, p.Nodes[length].ID, q.From, q.To)
	}
	for i, l := range p.Links {
		a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
		if !(l.From == a && l.To == b) && !(l.From == b && l.To == a) {
			t.Errorf("link %d (%s→%s) does not join %s and %s", i, l.From, l.To, a, b)
		}
		if !intel.ContainsLinkType(q.LinkTypes, l.Type) || !q.Window.Matches(&l) {
			t.Errorf("link %d (%s) fails the query's filters", i, l.ID)
		}
	}
}

var _ = register("PathDirectLink", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	q := intel.PathQuery{From: e["A"].ID, To: e["B"].ID}
	checkPath(t, mustPath(t, s, q), q, 1)
})

var _ = register("PathFollowsLinksBothWays", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	// D ← C ← B ← A ← S: every link points the other way.
	q := intel.PathQuery{From: e["D"].ID, To: e["S"].ID}
	checkPath(t, mustPath(t, s, q), q, 4)
})

var _ = register("PathPicksTheShortest", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{event(intel.LinkTransferred, e["V1"], e["D"], 30, "shortcut")}})
	q := intel.PathQuery{From: e["A"].ID, To: e["D"].ID}
	checkPath(t, mustPath(t, s, q), q, 2)
})

var _ = register("PathNoneIsNilNotError", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	island := phone("+66811111111")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{island}})
	if p := mustPath(t, s, intel.PathQuery{From: e["A"].ID, To: island.ID}); p != nil {
		t.Errorf("path to an island: %+v", p)
	}
})

var _ = register("PathBeyondMaxDepthIsNil", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	q := intel.PathQuery{From: e["V1"].ID, To: e["D"].ID, MaxDepth: 3}
	if p := mustPath(t, s, q); p != nil {
		t.Errorf("found a %d-link path with MaxDepth 3", len(p.Links))
	}
	q.MaxDepth = 4
	checkPath(t, mustPath(t, s, q), q, 4)
})

var _ = register("PathRespectsLinkTypes", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	q := intel.PathQuery{From: e["S"].ID, To: e["B"].ID, LinkTypes: []intel.LinkType{intel.LinkTransferred}}
	if p := mustPath(t, s, q); p != nil {
		t.Errorf("path used a filtered-out USES link: %v", linkIDs(p.Links))
	}
	q.LinkTypes = []intel.LinkType{intel.LinkTransferred, intel.LinkUses}
	checkPath(t, mustPath(t, s, q), q, 2)
})

var _ = register("PathRespectsTimeWindow", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{event(intel.LinkTransferred, e["V1"], e["D"], 30, "late-shortcut")}})
	q := intel.PathQuery{From: e["A"].ID, To: e["D"].ID, Window: intel.TimeWindow{Until: at(20)}}
	checkPath(t, mustPath(t, s, q), q, 3)
	q.Window = intel.TimeWindow{Since: at(11), Until: at(20)}
	if p := mustPath(t, s, q); p != nil {
		t.Errorf("path used a transfer outside the window: %v", linkIDs(p.Links))
	}
})

var _ = register("PathUnknownEndIsNotFound", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	_, err := s.ShortestPath(ctxFor(t), intel.PathQuery{From: e["A"].ID, To: pid("+66899999999")})
	wantCode(t, err, intel.ENOTFOUND, "to")
	_, err = s.ShortestPath(ctxFor(t), intel.PathQuery{From: pid("+66899999999"), To: e["A"].ID})
	wantCode(t, err, intel.ENOTFOUND, "from")
})

var _ = register("PathToItselfHasNoLinks", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	q := intel.PathQuery{From: e["A"].ID, To: e["A"].ID}
	checkPath(t, mustPath(t, s, q), q, 0)
})

var _ = register("PathRejectsBadDepth", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	_, err := s.ShortestPath(ctxFor(t), intel.PathQuery{From: e["A"].ID, To: e["B"].ID, MaxDepth: intel.MaxPathDepth + 1})
	wantCode(t, err, intel.EINVALID, "maxDepth")
})
