package conformance

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// hubFixture: +66800000000 called 5 numbers (hours 1..5), was called by 2
// (hours 6, 7), and a VoIP account presents as it (state link from hour 0).
func hubFixture(t *testing.T, s intel.Store) (hub string, calls []intel.Link, presented intel.Link) {
	for i := 1; i <= 5; i++ {
		calls = append(calls, call("+66800000000", fmt.Sprintf("+6681000000%d", i), i, fmt.Sprintf("out-%d", i)))
	}
	for i := 6; i <= 7; i++ {
		calls = append(calls, call(fmt.Sprintf("+6682000000%d", i), "+66800000000", i, fmt.Sprintf("in-%d", i)))
	}
	presented = state(intel.LinkPresentedAs, voip("sip:boss@voip.example.com"), phone("+66800000000"), "TH-NBTC", 0, 0)
	mustUpsert(t, s, intel.Batch{Links: append(append([]intel.Link{}, calls...), presented)})
	return pid("+66800000000"), calls, presented
}

var _ = register("NeighboursUnknownIsNotFound", func(t *testing.T, h *Harness, s intel.Store) {
	_, err := s.Neighbours(ctxFor(t), intel.NeighbourQuery{ID: pid("+66899999999")})
	wantCode(t, err, intel.ENOTFOUND, "id")
})

var _ = register("NeighboursIsolatedEntityHasNone", func(t *testing.T, h *Harness, s intel.Store) {
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{phone("+66811111111")}})
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: pid("+66811111111")})
	if len(p.Items) != 0 || p.TotalCount != 0 || p.HasNextPage {
		t.Errorf("page %+v", p)
	}
})

var _ = register("NeighboursDirection", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	for dir, want := range map[intel.Direction]int{intel.DirectionOut: 5, intel.DirectionIn: 3, intel.DirectionBoth: 8} {
		p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, Direction: dir})
		if p.TotalCount != want || len(p.Items) != want {
			t.Errorf("%s: total %d items %d, want %d", dir, p.TotalCount, len(p.Items), want)
		}
		for _, n := range p.Items {
			if (dir == intel.DirectionOut && !n.Outgoing) || (dir == intel.DirectionIn && n.Outgoing) {
				t.Errorf("%s: item %s has Outgoing=%v", dir, n.Link.ID, n.Outgoing)
			}
			far := n.Link.To
			if !n.Outgoing {
				far = n.Link.From
			}
			if n.Entity.ID != far {
				t.Errorf("%s: entity %s is not the far end %s", dir, n.Entity.ID, far)
			}
		}
	}
})

var _ = register("NeighboursFilterByLinkType", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, presented := hubFixture(t, s)
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, LinkTypes: []intel.LinkType{intel.LinkPresentedAs}})
	if p.TotalCount != 1 || p.Items[0].Link.ID != presented.ID {
		t.Errorf("got %v", neighbourIDs(p))
	}
	p = mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, LinkTypes: []intel.LinkType{intel.LinkTransferred}})
	if p.TotalCount != 0 {
		t.Errorf("TRANSFERRED filter returned %d", p.TotalCount)
	}
})

var _ = register("NeighboursFilterByKind", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, Kinds: []intel.Kind{intel.KindVoipAccount}})
	if p.TotalCount != 1 || p.Items[0].Entity.Kind != intel.KindVoipAccount {
		t.Errorf("got %v", neighbourIDs(p))
	}
	p = mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, Kinds: []intel.Kind{intel.KindPhoneNumber}})
	if p.TotalCount != 7 {
		t.Errorf("PhoneNumber filter: %d, want 7", p.TotalCount)
	}
})

var _ = register("NeighboursTimeWindowOnEvents", func(t *testing.T, h *Harness, s intel.Store) {
	hub, calls, _ := hubFixture(t, s)
	// [hour 2, hour 4): calls at hours 2 and 3, plus the open-ended state link.
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, LinkTypes: []intel.LinkType{intel.LinkCalled},
		Window: intel.TimeWindow{Since: at(2), Until: at(4)}})
	want := []string{calls[2].ID, calls[1].ID}
	if got := neighbourIDs(p); !equalStrings(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
})

var _ = register("NeighboursTimeWindowOnValidity", func(t *testing.T, h *Harness, s intel.Store) {
	a := voip("sip:a@x.example")
	l := state(intel.LinkPresentedAs, a, phone("+66811111111"), "TH-NBTC", 10, 20)
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	for _, c := range []struct {
		since, until int
		want         int
	}{{0, 10, 0}, {0, 11, 1}, {15, 16, 1}, {19, 30, 1}, {20, 30, 0}, {25, 0, 0}} {
		w := intel.TimeWindow{Since: at(c.since)}
		if c.until != 0 {
			w.Until = at(c.until)
		}
		p := mustNeighbours(t, s, intel.NeighbourQuery{ID: a.ID, Window: w})
		if p.TotalCount != c.want {
			t.Errorf("window [%d,%d): %d links, want %d", c.since, c.until, p.TotalCount, c.want)
		}
	}
})

var _ = register("NeighboursOrderMostRecentFirstThenID", func(t *testing.T, h *Harness, s intel.Store) {
	hub, calls, presented := hubFixture(t, s)
	tie := call("+66800000000", "+66830000000", 7, "tie-7")
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{tie}})
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub})
	hour7 := sortedCopy([]string{calls[6].ID, tie.ID})
	want := append(hour7, calls[5].ID, calls[4].ID, calls[3].ID, calls[2].ID, calls[1].ID, calls[0].ID, presented.ID)
	if got := neighbourIDs(p); !equalStrings(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
})

var _ = register("NeighboursPaginationVisitsEachOnce", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	all := neighbourIDs(mustNeighbours(t, s, intel.NeighbourQuery{ID: hub}))
	var got []string
	after := ""
	for pages := 0; pages < 10; pages++ {
		p := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, First: 3, After: after})
		if p.TotalCount != 8 {
			t.Errorf("TotalCount %d on page %d", p.TotalCount, pages)
		}
		got = append(got, neighbourIDs(p)...)
		if !p.HasNextPage {
			break
		}
		after = p.Items[len(p.Items)-1].Cursor
	}
	if !equalStrings(got, all) {
		t.Errorf("paged\n got %v\nwant %v", got, all)
	}
})

var _ = register("NeighboursCursorStableUnderInserts", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	p1 := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, First: 4})
	// A newer call arrives between pages: it sorts first, so it must not
	// shift the second page.
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{call("+66800000000", "+66840000000", 99, "late")}})
	p2 := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, First: 4, After: p1.Items[3].Cursor})
	full := neighbourIDs(mustNeighbours(t, s, intel.NeighbourQuery{ID: hub}))
	if got := neighbourIDs(p2); !equalStrings(got, full[5:9]) {
		t.Errorf("second page %v, want %v", got, full[5:9])
	}
	if p2.HasNextPage {
		t.Error("HasNextPage on the last page")
	}
})

var _ = register("NeighboursRejectsBadInput", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	for field, q := range map[string]intel.NeighbourQuery{
		"after":        {ID: hub, After: "not-a-cursor"},
		"first":        {ID: hub, First: intel.MaxPageSize + 1},
		"direction":    {ID: hub, Direction: "SIDEWAYS"},
		"linkTypes":    {ID: hub, LinkTypes: []intel.LinkType{"KNOWS"}},
		"kinds":        {ID: hub, Kinds: []intel.Kind{"Vessel"}},
		"window.until": {ID: hub, Window: intel.TimeWindow{Since: at(5), Until: at(1)}},
	} {
		_, err := s.Neighbours(ctxFor(t), q)
		wantCode(t, err, intel.EINVALID, field)
	}
})

// A reader that promises not to write into its pages (ReadOnly, as the
// analytics do) gets the same pages as any other, and a later write to a
// link and to the entity at its far end leaves a page already handed out
// as it was: a store that shares what it keeps with such a reader must
// replace it on a write, never change it in place.
var _ = register("NeighboursOfReadOnly", func(t *testing.T, h *Harness, s intel.Store) {
	hub, calls, _ := hubFixture(t, s)
	q := intel.NeighbourQuery{Direction: intel.DirectionBoth, First: 50}
	want, err := s.NeighboursOf(ctxFor(t), []string{hub}, q)
	if err != nil {
		t.Fatal(err)
	}
	ro := q
	ro.ReadOnly = true
	got, err := s.NeighboursOf(ctxFor(t), []string{hub}, ro)
	if err != nil {
		t.Fatal(err)
	}
	// Such a reader pages on from a page's last item only: a store may
	// leave the other cursors empty, and those it gives must be right.
	for _, it := range got[hub].Items[:max(len(got[hub].Items)-1, 0)] {
		i := slices.IndexFunc(want[hub].Items, func(n intel.Neighbour) bool { return n.Link.ID == it.Link.ID })
		if it.Cursor != "" && i >= 0 && it.Cursor != want[hub].Items[i].Cursor {
			t.Errorf("read-only cursor %q of %s differs from %q", it.Cursor, it.Link.ID, want[hub].Items[i].Cursor)
		}
	}
	if !reflect.DeepEqual(innerCursorsBlank(got), innerCursorsBlank(want)) {
		t.Fatalf("read-only page %+v differs from %+v", got, want)
	}
	changed := calls[0]
	changed.Attrs = map[string]string{"durationSec": "999", "answered": "true"}
	_, calleeKey, _ := intel.SplitEntityID(changed.To)
	callee := phone(calleeKey)
	callee.Attrs = map[string]string{"carrier": "changed"}
	callee.Markers = []string{"changed"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{callee}, Links: []intel.Link{changed}})
	if !reflect.DeepEqual(innerCursorsBlank(got), innerCursorsBlank(want)) {
		t.Errorf("a write changed a read-only page already handed out: %+v, was %+v", got, want)
	}
	after, err := s.NeighboursOf(ctxFor(t), []string{hub}, ro)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(after[hub].Items, func(n intel.Neighbour) bool { return n.Link.ID == changed.ID })
	if i < 0 {
		t.Fatalf("the call written is not on the page %+v", after[hub])
	}
	if it := after[hub].Items[i]; it.Link.Attrs["durationSec"] != "999" || it.Entity.Attrs["carrier"] != "changed" {
		t.Errorf("a read-only page after the write shows %+v and %+v, not the write", it.Link.Attrs, it.Entity.Attrs)
	}
})

// GetClassifiedWithNeighbours answers exactly what GetClassified and
// NeighboursOf answer apart, for stored and unknown ids alike, counting
// the total or not, for every reader.
var _ = register("GetClassifiedWithNeighboursIsBothReads", func(t *testing.T, h *Harness, s intel.Store) {
	hub, _, _ := hubFixture(t, s)
	ids := []string{hub, pid("+66810000003"), pid("+66899999999")}
	kh := &intel.Access{Agency: "KH-NPA", Country: intel.RegionKH}
	for _, q := range []intel.NeighbourQuery{
		{Direction: intel.DirectionBoth, First: 500, SkipTotal: true, ReadOnly: true},
		{Direction: intel.DirectionOut, First: 2, LinkTypes: []intel.LinkType{intel.LinkCalled}},
		{Direction: intel.DirectionIn, First: 50, Access: kh},
	} {
		wantFound, err := s.GetClassified(ctxFor(t), ids)
		if err != nil {
			t.Fatal(err)
		}
		wantPages, err := s.NeighboursOf(ctxFor(t), ids, q)
		if err != nil {
			t.Fatal(err)
		}
		found, pages, err := s.GetClassifiedWithNeighbours(ctxFor(t), ids, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(found, wantFound) {
			t.Errorf("%s: entities %+v, GetClassified says %+v", q.Direction, found, wantFound)
		}
		if !reflect.DeepEqual(pages, wantPages) {
			t.Errorf("%s: pages %+v, NeighboursOf says %+v", q.Direction, pages, wantPages)
		}
		if len(found) != 2 || len(pages) != 2 {
			t.Errorf("%s: %d entities and %d pages for two stored ids and an unknown one", q.Direction, len(found), len(pages))
		}
	}
	found, pages, err := s.GetClassifiedWithNeighbours(ctxFor(t), nil, intel.NeighbourQuery{})
	if err != nil || len(found) != 0 || len(pages) != 0 {
		t.Errorf("no ids: %v %v %v", found, pages, err)
	}
})

// innerCursorsBlank is pages with the cursors of all but each page's last
// item left empty, as a read-only reader may get them
// (intel.NeighbourQuery.ReadOnly); pages are not changed.
func innerCursorsBlank(pages map[string]intel.NeighbourPage) map[string]intel.NeighbourPage {
	out := make(map[string]intel.NeighbourPage, len(pages))
	for id, p := range pages {
		p.Items = slices.Clone(p.Items)
		for i := range p.Items[:max(len(p.Items)-1, 0)] {
			p.Items[i].Cursor = ""
		}
		out[id] = p
	}
	return out
}
