package conformance

import (
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

var _ = register("NeighboursOfManyInOneCall", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	leaf := pid("+66810000003")
	missing := pid("+66899999999")
	q := intel.NeighbourQuery{Direction: intel.DirectionBoth, First: 2}
	pages, err := s.NeighboursOf(ctxFor(t), []string{hub, missing, leaf}, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2 (the missing id is left out)", len(pages))
	}
	for _, id := range []string{hub, leaf} {
		q1 := q
		q1.ID = id
		single := mustNeighbours(t, s, q1)
		if got := pages[id]; !equalStrings(neighbourIDs(got), neighbourIDs(single)) ||
			got.TotalCount != single.TotalCount || got.HasNextPage != single.HasNextPage {
			t.Errorf("%s: batched page %+v differs from single %+v", id, got, single)
		}
	}
	empty, err := s.NeighboursOf(ctxFor(t), nil, q)
	if err != nil || len(empty) != 0 {
		t.Errorf("no ids: %v %v", empty, err)
	}
})

var _ = register("SummaryCountsAndSightings", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	// A second report of a call by another agency, with its own evidence.
	other := call("+66800000000", "+66850000000", 40, "kh-1")
	other.Agency, other.Country, other.EvidenceRef = "KH-GDNP", intel.RegionKH, "GDNP-77"
	other.ID = ""
	other.Normalize()
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{other}})
	sums, err := s.Summaries(ctxFor(t), []string{hub, pid("+66899999999")})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want 1", len(sums))
	}
	got := sums[hub]
	want := intel.Summary{
		LinkCounts:  map[intel.LinkType]int{intel.LinkCalled: 8, intel.LinkPresentedAs: 1},
		LinkCount:   9,
		ReportCount: 0, // calls and presentations are facts, not victim reports
		Agencies:    []string{"KH-GDNP", "TH-CIB", "TH-NBTC"},
		FirstSeen:   at(0), // the PRESENTED_AS fact's start of validity
		LastSeen:    at(40),
		// One group per class of fact, in a fixed order, for readers'
		// views (intel.Summary.For).
		Groups: []intel.SummaryGroup{
			{Type: intel.LinkCalled, Country: intel.RegionKH, Visibility: intel.VisibilityShareable, Agency: "KH-GDNP",
				Count: 1, First: at(40).UnixMilli(), Last: at(40).UnixMilli(), EvidenceRefs: []string{"GDNP-77"}, Cases: []string{}},
			{Type: intel.LinkCalled, Country: intel.RegionTH, Visibility: intel.VisibilityShareable, Agency: "TH-CIB",
				Count: 7, First: at(1).UnixMilli(), Last: at(7).UnixMilli(), EvidenceRefs: []string{"CASE-1"}, Cases: []string{}},
			{Type: intel.LinkPresentedAs, Country: intel.RegionTH, Visibility: intel.VisibilityShareable, Agency: "TH-NBTC",
				Count: 1, First: at(0).UnixMilli(), Last: at(0).UnixMilli(), EvidenceRefs: []string{"CASE-1"}, Cases: []string{}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary\n got %+v\nwant %+v", got, want)
	}
})

var _ = register("SummaryOfIsolatedEntity", func(t *testing.T, h *Harness, s intel.Store) {
	e := phone("+66811111111")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	sums, err := s.Summaries(ctxFor(t), []string{e.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := intel.Summary{LinkCounts: map[intel.LinkType]int{}, Agencies: []string{}, Groups: []intel.SummaryGroup{}}
	if got := sums[e.ID]; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
})

// A reader that skips the total (the analytics) gets the same items and
// the same next-page flag on every page, with TotalCount left 0, in one
// call for many ids as for one.
var _ = register("NeighboursOfSkipTotal", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	leaf := pid("+66810000003")
	for _, q := range []intel.NeighbourQuery{
		{Direction: intel.DirectionBoth, First: 2},
		{Direction: intel.DirectionOut, First: 3, LinkTypes: []intel.LinkType{intel.LinkCalled}},
		{Direction: intel.DirectionIn, First: 50},
	} {
		counted, err := s.NeighboursOf(ctxFor(t), []string{hub, leaf}, q)
		if err != nil {
			t.Fatal(err)
		}
		skip := q
		skip.SkipTotal = true
		uncounted, err := s.NeighboursOf(ctxFor(t), []string{hub, leaf}, skip)
		if err != nil {
			t.Fatal(err)
		}
		if len(uncounted) != len(counted) {
			t.Fatalf("%s: %d pages skipping the total, %d counting it", q.Direction, len(uncounted), len(counted))
		}
		for id, want := range counted {
			got := uncounted[id]
			if !equalStrings(neighbourIDs(got), neighbourIDs(want)) || got.HasNextPage != want.HasNextPage {
				t.Errorf("%s %s: page skipping the total %+v differs from %+v", q.Direction, id, got, want)
			}
			if got.TotalCount != 0 {
				t.Errorf("%s %s: TotalCount %d skipping the total, want 0", q.Direction, id, got.TotalCount)
			}
		}
		if q.Direction == intel.DirectionBoth && counted[hub].TotalCount <= q.First {
			t.Fatalf("the hub has %d links: the check needs more than a page", counted[hub].TotalCount)
		}
		// The next page, after a cursor, skips the total as well.
		if p := counted[hub]; p.HasNextPage {
			skip.After = p.Items[len(p.Items)-1].Cursor
			q.After = skip.After
			next, err := s.NeighboursOf(ctxFor(t), []string{hub}, skip)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.NeighboursOf(ctxFor(t), []string{hub}, q)
			if err != nil {
				t.Fatal(err)
			}
			if !equalStrings(neighbourIDs(next[hub]), neighbourIDs(want[hub])) || next[hub].HasNextPage != want[hub].HasNextPage {
				t.Errorf("%s: next page skipping the total %+v differs from %+v", q.Direction, next[hub], want[hub])
			}
		}
	}
})
