package conformance

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// chainFixture: a mule chain A→B→C→D (TRANSFERRED), a suspect using A, and
// a fan-in of three victims' accounts into A.
func chainFixture(t *testing.T, s intel.Store) map[string]intel.Entity {
	e := map[string]intel.Entity{
		"A": bank("TH:004:1000000001"), "B": bank("TH:014:1000000002"),
		"C": bank("TH:006:1000000003"), "D": bank("KH:ABA:000000004"),
		"S":  suspect("TH-CIB:S-9"),
		"V1": bank("TH:002:2000000001"), "V2": bank("TH:002:2000000002"), "V3": bank("TH:025:2000000003"),
	}
	links := []intel.Link{
		event(intel.LinkTransferred, e["A"], e["B"], 10, "t-ab"),
		event(intel.LinkTransferred, e["B"], e["C"], 11, "t-bc"),
		event(intel.LinkTransferred, e["C"], e["D"], 12, "t-cd"),
		state(intel.LinkUses, e["S"], e["A"], "TH-CIB", 0, 0),
	}
	for i, v := range []string{"V1", "V2", "V3"} {
		links = append(links, event(intel.LinkTransferred, e[v], e["A"], i+1, "t-"+v))
	}
	mustUpsert(t, s, intel.Batch{Links: links})
	return e
}

func idsOf(es map[string]intel.Entity, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = es[n].ID
	}
	return sortedCopy(out)
}

var _ = register("ExpandDepthOne", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["A"].ID}, Depth: 1})
	if got, want := sortedCopy(nodeIDs(g.Nodes)), idsOf(e, "A", "B", "S", "V1", "V2", "V3"); !equalStrings(got, want) {
		t.Errorf("nodes %v, want %v", got, want)
	}
	if len(g.Links) != 5 || g.Truncated {
		t.Errorf("%d links, truncated=%v", len(g.Links), g.Truncated)
	}
	if g.Nodes[0].ID != e["A"].ID {
		t.Errorf("the seed must come first, got %s", g.Nodes[0].ID)
	}
})

var _ = register("ExpandDepthThreeReachesChainEnd", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["V1"].ID}, Depth: 3})
	if got, want := sortedCopy(nodeIDs(g.Nodes)), idsOf(e, "V1", "A", "B", "C", "S", "V2", "V3"); !equalStrings(got, want) {
		t.Errorf("nodes %v, want %v", got, want)
	}
	g = mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["V1"].ID}, Depth: 4})
	if len(g.Nodes) != 8 || len(g.Links) != 7 {
		t.Errorf("depth 4: %d nodes %d links, want 8 and 7", len(g.Nodes), len(g.Links))
	}
})

var _ = register("ExpandLinksAreBetweenReturnedNodes", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	// Close a triangle: B→V1 joins two nodes already reached at depth 1.
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{event(intel.LinkTransferred, e["B"], e["V1"], 20, "t-bv1")}})
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["A"].ID}, Depth: 2})
	in := map[string]bool{}
	for _, n := range g.Nodes {
		in[n.ID] = true
	}
	seen := map[string]bool{}
	for _, l := range g.Links {
		if !in[l.From] || !in[l.To] {
			t.Errorf("link %s has an end outside the subgraph", l.ID)
		}
		if seen[l.ID] {
			t.Errorf("link %s listed twice", l.ID)
		}
		seen[l.ID] = true
	}
	if len(g.Links) != 7 {
		t.Errorf("%d links, want 7 (including the triangle's)", len(g.Links))
	}
})

var _ = register("ExpandMissingSeedsAreReported", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	missing := bank("TH:004:9999999999").ID
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{missing, e["D"].ID}, Depth: 1})
	if !equalStrings(g.MissingSeeds, []string{missing}) {
		t.Errorf("MissingSeeds %v", g.MissingSeeds)
	}
	if len(g.Nodes) != 2 {
		t.Errorf("nodes %v", nodeIDs(g.Nodes))
	}
	g = mustExpand(t, s, intel.ExpandQuery{Seeds: []string{missing}, Depth: 2})
	if len(g.Nodes) != 0 || len(g.Links) != 0 {
		t.Errorf("only-missing seeds gave %v", nodeIDs(g.Nodes))
	}
})

// fanFixture makes a hub phone that called 30 numbers, each of which called
// two more, for the cap checks.
func fanFixture(t *testing.T, s intel.Store) string {
	var links []intel.Link
	for i := 0; i < 30; i++ {
		leaf := fmt.Sprintf("+668100%05d", i)
		links = append(links, call("+66800000000", leaf, i, fmt.Sprintf("hub-%d", i)))
		for j := 0; j < 2; j++ {
			links = append(links, call(leaf, fmt.Sprintf("+668200%03d%02d", i, j), i, fmt.Sprintf("leaf-%d-%d", i, j)))
		}
	}
	mustUpsert(t, s, intel.Batch{Links: links})
	return pid("+66800000000")
}

var _ = register("ExpandNodeCapTruncatesDeterministically", func(t *testing.T, h *Harness, s intel.Store) {
	hub := fanFixture(t, s)
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxNodes: 10})
	if !g.Truncated || len(g.Nodes) != 10 || len(g.Links) != 9 {
		t.Fatalf("truncated=%v nodes=%d links=%d, want true, 10, 9", g.Truncated, len(g.Nodes), len(g.Links))
	}
	// The algorithm takes links in id order: the kept links are the 9
	// smallest ids among the hub's 30.
	all := mustNeighbours(t, s, intel.NeighbourQuery{ID: hub, First: 100})
	ids := sortedCopy(neighbourIDs(all))[:9]
	if got := linkIDs(g.Links); !equalStrings(got, ids) {
		t.Errorf("kept links %v, want %v", got, ids)
	}
	again := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxNodes: 10})
	if !equalStrings(nodeIDs(again.Nodes), nodeIDs(g.Nodes)) {
		t.Error("the same query gave a different subgraph")
	}
})

var _ = register("ExpandLinkCapTruncates", func(t *testing.T, h *Harness, s intel.Store) {
	hub := fanFixture(t, s)
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxLinks: 40})
	if !g.Truncated || len(g.Links) != 40 {
		t.Errorf("truncated=%v links=%d, want true and 40", g.Truncated, len(g.Links))
	}
	full := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{hub}, Depth: 2, MaxLinks: 90, MaxNodes: 91})
	if full.Truncated || len(full.Links) != 90 || len(full.Nodes) != 91 {
		t.Errorf("exact caps: truncated=%v links=%d nodes=%d, want false, 90, 91", full.Truncated, len(full.Links), len(full.Nodes))
	}
})

var _ = register("ExpandFiltersLinkTypesAndKinds", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["A"].ID}, Depth: 2, LinkTypes: []intel.LinkType{intel.LinkUses}})
	if got, want := sortedCopy(nodeIDs(g.Nodes)), idsOf(e, "A", "S"); !equalStrings(got, want) {
		t.Errorf("USES only: %v, want %v", got, want)
	}
	g = mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["S"].ID}, Depth: 3, Kinds: []intel.Kind{intel.KindBankAccount}})
	if len(g.Nodes) != 7 {
		t.Errorf("bank kinds from the suspect seed: %v", nodeIDs(g.Nodes))
	}
	g = mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["B"].ID}, Depth: 2, Kinds: []intel.Kind{intel.KindBankAccount}})
	for _, n := range g.Nodes {
		if n.Kind != intel.KindBankAccount {
			t.Errorf("kind filter let %s in", n.ID)
		}
	}
})

var _ = register("ExpandTimeWindow", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	// Transfers at hours 10..12 and the open-ended USES fact only.
	g := mustExpand(t, s, intel.ExpandQuery{Seeds: []string{e["A"].ID}, Depth: 4, Window: intel.TimeWindow{Since: at(10)}})
	if got, want := sortedCopy(nodeIDs(g.Nodes)), idsOf(e, "A", "B", "C", "D", "S"); !equalStrings(got, want) {
		t.Errorf("nodes %v, want %v", got, want)
	}
})

var _ = register("ExpandRejectsBadInput", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	for field, q := range map[string]intel.ExpandQuery{
		"depth":    {Seeds: []string{e["A"].ID}, Depth: 5},
		"seeds":    {},
		"maxNodes": {Seeds: []string{e["A"].ID}, MaxNodes: intel.MaxNodesCap + 1},
		"maxLinks": {Seeds: []string{e["A"].ID}, MaxLinks: -1},
	} {
		_, err := s.Expand(ctxFor(t), q)
		wantCode(t, err, intel.EINVALID, field)
	}
})

// bareOf is g as a bare expansion must give it at least: every entity's
// id, kind, key, label and home, every link's id, type, ends and country.
func bareOf(g intel.Subgraph) intel.Subgraph {
	out := g
	out.Nodes = make([]intel.Entity, len(g.Nodes))
	for i, n := range g.Nodes {
		out.Nodes[i] = intel.Entity{ID: n.ID, Kind: n.Kind, Key: n.Key, Label: n.Label}
		if home := n.Attrs[intel.AttrDocumentCountry]; home != "" {
			out.Nodes[i].Attrs = map[string]string{intel.AttrDocumentCountry: home}
		}
	}
	out.Links = make([]intel.Link, len(g.Links))
	for i, l := range g.Links {
		out.Links[i] = intel.Link{ID: l.ID, Type: l.Type, From: l.From, To: l.To, Provenance: intel.Provenance{Country: l.Country}}
	}
	return out
}

var _ = register("ExpandBareIsTheSameNetwork", func(t *testing.T, h *Harness, s intel.Store) {
	e := chainFixture(t, s)
	// Entities and links with attributes, personal data, spellings and
	// markers, which a bare expansion may leave out.
	holder := entity(intel.KindPerson, "TH:NATIONAL_ID:3101200456789")
	holder.Label, holder.Sensitive = "Holder 9", map[string]string{"name": "Somchai Jaidee"}
	holder.Attrs = map[string]string{intel.AttrDocumentCountry: "TH", "documentType": "NATIONAL_ID"}
	line := phone("+66812345678")
	line.RawForms, line.Markers, line.Attrs = []string{"081-234-5678"}, []string{"+697"}, map[string]string{"numberType": "MOBILE"}
	reg := state(intel.LinkRegisteredTo, line, holder, "TH-CIB", 0, 0)
	reg.Sensitive = map[string]string{"address": "99 Sukhumvit Rd"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{holder, line},
		Links: []intel.Link{reg, event(intel.LinkUses, e["S"], line, 3, "u-line")}})
	thai := &intel.Access{Agency: "TH-CIB", Country: intel.RegionTH}
	for _, q := range []intel.ExpandQuery{
		{Seeds: []string{e["A"].ID}, Depth: 3},
		{Seeds: []string{e["V1"].ID, line.ID}, Depth: 2, MaxNodes: 5},
		{Seeds: []string{e["S"].ID}, Depth: 2, Access: thai},
	} {
		full := mustExpand(t, s, q)
		q.Bare = true
		bare := mustExpand(t, s, q)
		if got, want := bareOf(bare), bareOf(full); !reflect.DeepEqual(got, want) {
			t.Errorf("seeds %v depth %d: bare expansion\n%+v\nwant the full one's\n%+v", q.Seeds, q.Depth, got, want)
		}
	}
})
