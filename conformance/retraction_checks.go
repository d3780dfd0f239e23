package conformance

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// retractBC retracts the chain fixture's B→C transfer and returns it as
// stored.
func retractBC(t *testing.T, s intel.Store, e map[string]intel.Entity, at time.Time) intel.Link {
	t.Helper()
	id := event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc").ID
	l, err := s.Retract(ctxFor(t), intel.RetractRequest{LinkID: id, Agency: "TH-CIB", Reason: "wrong account attributed", At: at})
	if err != nil {
		t.Fatalf("Retract: %v", err)
	}
	return l
}

var _ = register("RetractHidesTheFactFromEveryRead", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	restricted := &intel.Access{Agency: "TH-PCT", Country: intel.RegionTH}
	// Read first, so that a cache holds the values the retraction changes.
	before, err := s.Summaries(ctxFor(t), []string{e["B"].ID, e["C"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if before[e["B"].ID].LinkCount != 2 || before[e["C"].ID].LinkCount != 2 {
		t.Fatalf("fixture: B has %d links, C %d", before[e["B"].ID].LinkCount, before[e["C"].ID].LinkCount)
	}
	mustLink(t, s, event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc").ID)
	l := retractBC(t, s, e, time.Time{})
	if l.Retraction == nil || l.Retraction.Agency != "TH-CIB" || l.Retraction.Reason != "wrong account attributed" || l.Retraction.At.IsZero() {
		t.Fatalf("Retract returned %+v", l.Retraction)
	}
	if got := mustLink(t, s, l.ID); !reflect.DeepEqual(got, l) {
		t.Errorf("GetLinks after Retract:\n got %+v\nwant %+v", got, l)
	}
	for _, a := range []*intel.Access{nil, restricted} {
		p := mustNeighbours(t, s, intel.NeighbourQuery{ID: e["B"].ID, Access: a})
		if p.TotalCount != 1 || len(p.Items) != 1 || p.Items[0].Link.ID == l.ID {
			t.Errorf("B's links (access %+v): %d in all, %v", a, p.TotalCount, neighbourIDs(p))
		}
		pages, err := s.NeighboursOf(ctxFor(t), []string{e["C"].ID}, intel.NeighbourQuery{Access: a})
		if err != nil {
			t.Fatal(err)
		}
		if p := pages[e["C"].ID]; p.TotalCount != 1 {
			t.Errorf("C's links (access %+v): %d in all, %v", a, p.TotalCount, neighbourIDs(p))
		}
		g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["A"].ID}, Depth: 3, Access: a})
		for _, gl := range g.Links {
			if gl.ID == l.ID {
				t.Errorf("expansion (access %+v) includes the retracted link", a)
			}
		}
		if p := mustPath(t, s, intel.PathQuery{From: e["A"].ID, To: e["D"].ID, Access: a}); p != nil {
			t.Errorf("path A→D (access %+v) crosses the retracted link: %v", a, linkIDs(p.Links))
		}
	}
	after, err := s.Summaries(ctxFor(t), []string{e["B"].ID, e["C"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if after[e["B"].ID].LinkCount != 1 || after[e["C"].ID].LinkCount != 1 {
		t.Errorf("summaries count the retracted link: B %d, C %d", after[e["B"].ID].LinkCount, after[e["C"].ID].LinkCount)
	}
	if got := after[e["B"].ID].LastSeen; !got.Equal(at(10)) {
		t.Errorf("B's last sighting is %v, want %v (the retracted transfer at %v no longer counts)", got, at(10), at(11))
	}
})

var _ = register("RetractKeepsTheFactAsKnownBefore", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	stored := mustLink(t, s, event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc").ID).IngestedAt
	when := stored.Add(time.Hour)
	l := retractBC(t, s, e, when)
	if !l.Retraction.At.Equal(when) {
		t.Fatalf("retraction at %v, want %v", l.Retraction.At, when)
	}
	for name, c := range map[string]struct {
		asOf time.Time
		seen bool
	}{
		"BeforeTheRetraction": {when.Add(-time.Minute), true},
		"AtTheRetraction":     {when, false},
		"BeforeItWasStored":   {stored.Add(-time.Minute), false},
	} {
		t.Run(name, func(t *testing.T) {
			a := &intel.Access{Agency: "TH-PCT", Country: intel.RegionTH, AsOf: c.asOf}
			p := mustNeighbours(t, s, intel.NeighbourQuery{ID: e["B"].ID, Access: a})
			found := false
			for _, it := range p.Items {
				found = found || it.Link.ID == l.ID
			}
			if found != c.seen {
				t.Errorf("B's links as of %v include the retracted one: %v, want %v", c.asOf, found, c.seen)
			}
			path := mustPath(t, s, intel.PathQuery{From: e["A"].ID, To: e["D"].ID, Access: a})
			if (path != nil) != c.seen {
				t.Errorf("path A→D as of %v: %v, want found=%v", c.asOf, path != nil, c.seen)
			}
			if c.seen {
				for _, it := range p.Items {
					if it.Link.ID == l.ID && (it.Link.Retraction == nil || it.Link.Retraction.Reason != "wrong account attributed") {
						t.Errorf("the earlier answer does not say the fact was retracted since: %+v", it.Link.Retraction)
					}
				}
			}
		})
	}
})

var _ = register("RetractStandsOnReplayAndRetry", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	first := retractBC(t, s, e, time.Time{})
	again, err := s.Retract(ctxFor(t), intel.RetractRequest{LinkID: first.ID, Agency: "TH-CIB", Reason: "another reason"})
	if err != nil {
		t.Fatalf("second Retract: %v", err)
	}
	if !reflect.DeepEqual(again.Retraction, first.Retraction) {
		t.Errorf("a second retraction replaced the first: %+v, want %+v", again.Retraction, first.Retraction)
	}
	// The same record resent, as a replayed import would.
	res := mustUpsert(t, s, intel.Batch{Links: []intel.Link{event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc")}})
	if res.LinksCreated != 0 {
		t.Errorf("the replay created %d links", res.LinksCreated)
	}
	if got := mustLink(t, s, first.ID); !reflect.DeepEqual(got.Retraction, first.Retraction) {
		t.Errorf("after a replay the retraction is %+v, want %+v", got.Retraction, first.Retraction)
	}
	if p := mustNeighbours(t, s, intel.NeighbourQuery{ID: e["B"].ID}); p.TotalCount != 1 {
		t.Errorf("a replay brought the retracted fact back: B has %d links", p.TotalCount)
	}
})

var _ = register("RetractRejectsBadRequests", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	id := event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc").ID
	_, err := s.Retract(ctxFor(t), intel.RetractRequest{LinkID: id, Agency: "TH-CIB", Reason: "  "})
	wantCode(t, err, intel.EINVALID, "reason")
	_, err = s.Retract(ctxFor(t), intel.RetractRequest{LinkID: "not-a-link", Agency: "TH-CIB", Reason: "x"})
	wantCode(t, err, intel.EINVALID, "id")
	_, err = s.Retract(ctxFor(t), intel.RetractRequest{LinkID: "called-000000000000000000000000", Agency: "TH-CIB", Reason: "x"})
	wantCode(t, err, intel.ENOTFOUND, "id")
	if got := mustLink(t, s, id); got.Retraction != nil {
		t.Errorf("a refused retraction wrote %+v", got.Retraction)
	}
})

var _ = register("RetractSurvivesReopen", func(t *testing.T, h *Harness, s intel.Store) {
	if h.Reopen == nil {
		t.Fatal("the backend gave no Reopen; exclude this check with a reason instead")
	}
	e := chainFixture(t, s)
	l := retractBC(t, s, e, time.Time{})
	s = h.Reopen(t, s)
	if got := mustLink(t, s, l.ID); !reflect.DeepEqual(got, l) {
		t.Errorf("after reopen:\n got %+v\nwant %+v", got, l)
	}
	if p := mustNeighbours(t, s, intel.NeighbourQuery{ID: e["B"].ID}); p.TotalCount != 1 {
		t.Errorf("after reopen B has %d links", p.TotalCount)
	}
})
