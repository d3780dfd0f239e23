package conformance

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// accessFixture: a hub number H with one fact of every marking from a Thai
// agency (TH-CIB), another Thai agency (TH-NBTC) and a Cambodian one
// (KH-GDNP), in two evidence categories (calls, and the VoIP account
// presented as H), plus a detour P—Q—R so that a path H→R exists through a
// hidden fact (H—R directly, restricted) and, one link longer, through
// shared ones.
func accessFixture(t *testing.T, s intel.Store) (hub intel.Entity, links []intel.Link) {
	hub = phone("+66810000000")
	n := 0
	for _, agency := range []struct {
		code    string
		country intel.Region
	}{{"TH-CIB", intel.RegionTH}, {"TH-NBTC", intel.RegionTH}, {"KH-GDNP", intel.RegionKH}} {
		for _, v := range []intel.Visibility{intel.VisibilityDomestic, intel.VisibilityShareable, intel.VisibilityRestricted} {
			n++
			c := call(fmt.Sprintf("+8551200000%02d", n), hub.Key, n, fmt.Sprintf("acc-call-%d", n))
			c.Agency, c.Country, c.Visibility, c.ID = agency.code, agency.country, v, ""
			c.Normalize()
			p := state(intel.LinkPresentedAs, voip(fmt.Sprintf("sip:acc%d@voip.example", n)), hub, agency.code, n, 0)
			p.Country, p.Visibility, p.ID = agency.country, v, ""
			p.Normalize()
			links = append(links, c, p)
		}
	}
	r := phone("+66819999999")
	direct := call(hub.Key, r.Key, 40, "acc-direct")
	direct.Agency, direct.Country, direct.Visibility, direct.ID = "KH-GDNP", intel.RegionKH, intel.VisibilityRestricted, ""
	direct.Normalize()
	detour1 := call(hub.Key, "+66817777777", 41, "acc-detour-1")
	detour2 := call("+66817777777", r.Key, 42, "acc-detour-2")
	links = append(links, direct, detour1, detour2)
	mustUpsert(t, s, intel.Batch{Links: links})
	return hub, links
}

// accessReaders are the readers every access check is run for.
func accessReaders() map[string]*intel.Access {
	return map[string]*intel.Access{
		"unrestricted":        nil,
		"TH-CIB":              {Agency: "TH-CIB", Country: intel.RegionTH},
		"KH-GDNP":             {Agency: "KH-GDNP", Country: intel.RegionKH},
		"KH-NPA/no-agreement": {Agency: "KH-NPA", Country: intel.RegionKH},
		"KH-NPA/calls-shared": {Agency: "KH-NPA", Country: intel.RegionKH, Shared: []intel.Category{intel.CategoryCallRecords}},
		"KH-NPA/all-shared": {Agency: "KH-NPA", Country: intel.RegionKH, Shared: []intel.Category{
			intel.CategoryCallRecords, intel.CategoryVoipRegistration}},
		"TH-DSI/granted": {Agency: "TH-DSI", Country: intel.RegionTH}, // Granted filled in below
	}
}

// allowed lists the ids of links a may see, by the oracle.
func allowed(a *intel.Access, links []intel.Link, at string) []string {
	var out []string
	for i := range links {
		l := &links[i]
		if (at == "" || l.From == at || l.To == at) && sees(a, l) {
			out = append(out, l.ID)
		}
	}
	slices.Sort(out)
	return out
}

func forEachReader(t *testing.T, links []intel.Link, run func(t *testing.T, a *intel.Access)) {
	for name, a := range accessReaders() {
		if name == "TH-DSI/granted" {
			// A Cambodian restricted fact, granted by an evidence request.
			for _, l := range links {
				if l.Country == intel.RegionKH && l.Visibility == intel.VisibilityRestricted && l.Type == intel.LinkCalled {
					a.Granted = append(a.Granted, l.ID)
				}
			}
		}
		a.Normalize()
		t.Run(name, func(t *testing.T) { run(t, a) })
	}
}

var _ = register("AccessNeighboursShowOnlyAllowedFacts", func(t *testing.T, h *Harness, s intel.Store) {
	hub, links := accessFixture(t, s)
	forEachReader(t, links, func(t *testing.T, a *intel.Access) {
		want := allowed(a, links, hub.ID)
		page := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub.ID, First: 100, Access: a})
		if got := sortedCopy(neighbourIDs(page)); !equalStrings(got, want) {
			t.Errorf("links %v, want %v", got, want)
		}
		if page.TotalCount != len(want) {
			t.Errorf("totalCount %d, want %d: a count must not include hidden facts", page.TotalCount, len(want))
		}
		// Paging with a filter by type must not reveal hidden facts either.
		typed := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub.ID, First: 1, Access: a,
			LinkTypes: []intel.LinkType{intel.LinkPresentedAs}})
		wantTyped := 0
		for _, id := range want {
			if l, _ := intel.LinkTypeOfID(id); l == intel.LinkPresentedAs {
				wantTyped++
			}
		}
		if typed.TotalCount != wantTyped {
			t.Errorf("PRESENTED_AS totalCount %d, want %d", typed.TotalCount, wantTyped)
		}
	})
})

var _ = register("AccessSummaryGroupsFoldToAllowedCounts", func(t *testing.T, h *Harness, s intel.Store) {
	hub, links := accessFixture(t, s)
	sums, err := s.Summaries(context.Background(), []string{hub.ID})
	if err != nil {
		t.Fatal(err)
	}
	forEachReader(t, links, func(t *testing.T, a *intel.Access) {
		var granted, mine []intel.Link
		for _, l := range links {
			if (l.From == hub.ID || l.To == hub.ID) && sees(a, &l) {
				mine = append(mine, l)
				if grantedTo(a, &l) {
					granted = append(granted, l)
				}
			}
		}
		b := intel.NewSummaryBuilder()
		for i := range mine {
			b.Add(&mine[i])
		}
		want := b.Summary()
		got := sums[hub.ID].For(a, granted)
		if got.LinkCount != want.LinkCount || got.ReportCount != want.ReportCount ||
			!equalStrings(got.Agencies, want.Agencies) || !got.FirstSeen.Equal(want.FirstSeen) || !got.LastSeen.Equal(want.LastSeen) {
			t.Errorf("summary %+v, want %+v", got, want)
		}
	})
})

var _ = register("AccessExpandFollowsOnlyAllowedFacts", func(t *testing.T, h *Harness, s intel.Store) {
	hub, links := accessFixture(t, s)
	forEachReader(t, links, func(t *testing.T, a *intel.Access) {
		g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{hub.ID}, Depth: 2, Access: a})
		want := allowed(a, links, "")
		// Depth 2 from the hub reaches every fixture link that is allowed
		// and connected to the hub over allowed links.
		reach := map[string]bool{hub.ID: true}
		var got []string
		for _, l := range g.Links {
			if !sees(a, &l) {
				t.Errorf("expansion followed hidden fact %s", l.ID)
			}
			got = append(got, l.ID)
			reach[l.From], reach[l.To] = true, true
		}
		for _, n := range g.Nodes {
			if !reach[n.ID] {
				t.Errorf("node %s reached by no allowed link", n.ID)
			}
		}
		slices.Sort(got)
		var wantReached []string
		for _, id := range want {
			for _, l := range links {
				if l.ID == id && (reach[l.From] && reach[l.To]) {
					wantReached = append(wantReached, id)
				}
			}
		}
		if !equalStrings(got, wantReached) {
			t.Errorf("links %v, want %v", got, wantReached)
		}
	})
})

var _ = register("AccessPathNeverRunsThroughHiddenFacts", func(t *testing.T, h *Harness, s intel.Store) {
	hub, links := accessFixture(t, s)
	r := phone("+66819999999")
	forEachReader(t, links, func(t *testing.T, a *intel.Access) {
		p := mustPath(t, s, intel.PathQuery{From: hub.ID, To: r.ID, Access: a})
		direct, detour1, detour2 := links[len(links)-3], links[len(links)-2], links[len(links)-1]
		wantLen := 0
		switch {
		case sees(a, &direct):
			wantLen = 1
		case sees(a, &detour1) && sees(a, &detour2):
			wantLen = 2
		}
		if p == nil {
			if wantLen != 0 {
				t.Fatalf("no path, want one of %d links", wantLen)
			}
			return
		}
		for _, l := range p.Links {
			if !sees(a, &l) {
				t.Errorf("path runs through hidden fact %s", l.ID)
			}
		}
		if len(p.Links) != wantLen {
			t.Errorf("path of %d links, want %d", len(p.Links), wantLen)
		}
	})
})
