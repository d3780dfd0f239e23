package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// ruleSource is the expansion rule's own reading of a list of links: the
// oracle that ExpandFollowsTheSharedRule holds every store's Expand to, so
// that a backend which works a network out its own way (the Neo4j store in
// one statement) must still keep exactly the nodes and links, in exactly
// the order, that intel.ExpandNetwork keeps.
type ruleSource struct {
	entities map[string]intel.Entity
	links    []intel.Link
}

func (r ruleSource) GetEntities(_ context.Context, ids []string) (map[string]intel.Entity, error) {
	out := map[string]intel.Entity{}
	for _, id := range ids {
		if e, ok := r.entities[id]; ok {
			out[id] = e
		}
	}
	return out, nil
}

func (r ruleSource) LinksAround(_ context.Context, req intel.LevelRequest) ([]intel.Link, error) {
	frontier, done := map[string]bool{}, map[string]bool{}
	for _, id := range req.Frontier {
		frontier[id] = true
	}
	for _, id := range req.Done {
		done[id] = true
	}
	var out []intel.Link
	for i := range r.links {
		if req.Wants(&r.links[i], func(id string) bool { return frontier[id] }, func(id string) bool { return done[id] }) {
			out = append(out, r.links[i])
		}
	}
	slices.SortFunc(out, func(a, b intel.Link) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out[:min(len(out), req.Limit)], nil
}

// tangleFixture stores a seeded random graph of numbers, accounts, VoIP
// accounts and addresses, with facts of both countries under every
// marking, dense enough that small caps cut networks in the middle of a
// level, and returns it as the rule's source.
func tangleFixture(t *testing.T, s intel.Store) ruleSource {
	rng := rand.New(rand.NewPCG(16, 2026))
	var phones, banks, voips, ips []intel.Entity
	for i := 0; i < 40; i++ {
		phones = append(phones, phone(fmt.Sprintf("+668100%05d", i)))
	}
	for i := 0; i < 25; i++ {
		banks = append(banks, bank(fmt.Sprintf("TH:004:90000%05d", i)))
	}
	for i := 0; i < 10; i++ {
		voips = append(voips, voip(fmt.Sprintf("sip:agent%02d@voip.example", i)))
		ips = append(ips, ip(fmt.Sprintf("203.0.113.%d", i+1)))
	}
	pick := func(es []intel.Entity) intel.Entity { return es[rng.IntN(len(es))] }
	agencies := []struct {
		code    string
		country intel.Region
	}{{"TH-CIB", intel.RegionTH}, {"TH-DSI", intel.RegionTH}, {"KH-GDNP", intel.RegionKH}}
	marks := []intel.Visibility{intel.VisibilityShareable, intel.VisibilityDomestic, intel.VisibilityRestricted}
	var links []intel.Link
	for i := 0; i < 420; i++ {
		var l intel.Link
		key := fmt.Sprintf("tangle-%d", i)
		switch i % 7 {
		case 0, 1, 2:
			l = event(intel.LinkCalled, pick(phones), pick(phones), rng.IntN(200), key)
		case 3, 4:
			l = event(intel.LinkTransferred, pick(banks), pick(banks), rng.IntN(200), key)
		case 5:
			l = event(intel.LinkRegisteredFrom, pick(voips), pick(ips), rng.IntN(200), key)
		default:
			l = state(intel.LinkPresentedAs, pick(voips), pick(phones), "TH-CIB", rng.IntN(100), 0)
		}
		if l.From == l.To {
			continue
		}
		a := agencies[rng.IntN(len(agencies))]
		l.Agency, l.Country, l.Visibility, l.ID = a.code, a.country, marks[rng.IntN(len(marks))], ""
		l.Normalize()
		links = append(links, l)
	}
	mustUpsert(t, s, intel.Batch{Links: links})
	// What the store holds is the source: one link per id, the last write
	// winning, and the entities its ends made.
	src := ruleSource{entities: map[string]intel.Entity{}}
	byID := map[string]intel.Link{}
	for _, l := range links {
		byID[l.ID] = l
	}
	for _, l := range byID {
		src.links = append(src.links, l)
		for _, id := range []string{l.From, l.To} {
			k, key, _ := intel.SplitEntityID(id)
			src.entities[id] = entity(k, key)
		}
	}
	return src
}

// ruleQueries is how many random networks ExpandFollowsTheSharedRule asks for.
const ruleQueries = 40

var _ = register("ExpandFollowsTheSharedRule", func(t *testing.T, h *Harness, s intel.Store) {
	src := tangleFixture(t, s)
	ids := make([]string, 0, len(src.entities))
	for id := range src.entities {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	readers := []*intel.Access{
		nil,
		{Agency: "TH-CIB", Country: intel.RegionTH},
		{Agency: "KH-GDNP", Country: intel.RegionKH, Shared: []intel.Category{intel.CategoryCallRecords}},
	}
	types := []intel.LinkType{intel.LinkCalled, intel.LinkTransferred, intel.LinkRegisteredFrom, intel.LinkPresentedAs}
	kinds := []intel.Kind{intel.KindPhoneNumber, intel.KindBankAccount, intel.KindVoipAccount, intel.KindIPAddress}
	rng := rand.New(rand.NewPCG(7, 11))
	truncated := 0
	for i := 0; i < ruleQueries; i++ {
		q := intel.ExpandQuery{Depth: 1 + rng.IntN(intel.MaxExpandDepth), Access: readers[rng.IntN(len(readers))]}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			q.Seeds = append(q.Seeds, ids[rng.IntN(len(ids))])
		}
		if rng.IntN(5) == 0 {
			q.Seeds = append(q.Seeds, pid("+66899999999")) // never stored
		}
		// Caps from tight (cut in the first level) to loose (never cut).
		q.MaxNodes = []int{1, 2, 5, 12, 30, 500}[rng.IntN(6)]
		q.MaxLinks = []int{1, 3, 10, 40, 2000}[rng.IntN(5)]
		if rng.IntN(3) == 0 {
			q.LinkTypes = []intel.LinkType{types[rng.IntN(len(types))], types[rng.IntN(len(types))]}
		}
		if rng.IntN(3) == 0 {
			q.Kinds = []intel.Kind{kinds[rng.IntN(len(kinds))]}
		}
		if rng.IntN(3) == 0 {
			q.Window = intel.TimeWindow{Since: at(40), Until: at(160)}
		}
		want, err := intel.ExpandNetwork(ctxFor(t), src, q)
		if err != nil {
			t.Fatalf("query %d: the rule: %v", i, err)
		}
		got, err := s.Expand(ctxFor(t), q)
		if err != nil {
			t.Fatalf("query %d %+v: Expand: %v", i, q, err)
		}
		if want.Truncated {
			truncated++
		}
		if g, w := nodeIDs(got.Nodes), nodeIDs(want.Nodes); !slices.Equal(g, w) {
			t.Fatalf("query %d %+v: nodes\n got %v\nwant %v", i, q, g, w)
		}
		if g, w := linkIDs(got.Links), linkIDs(want.Links); !slices.Equal(g, w) {
			t.Fatalf("query %d %+v: links\n got %v\nwant %v", i, q, g, w)
		}
		if got.Truncated != want.Truncated || !slices.Equal(got.MissingSeeds, want.MissingSeeds) {
			t.Fatalf("query %d %+v: truncated %v missing %v, want %v and %v", i, q, got.Truncated, got.MissingSeeds,
				want.Truncated, want.MissingSeeds)
		}
	}
	// The fixture must exercise the truncation rule, not only complete networks.
	if truncated < ruleQueries/5 || truncated > ruleQueries*4/5 {
		t.Fatalf("%d of %d queries truncated; the fixture no longer tests both sides of the caps", truncated, ruleQueries)
	}
	t.Logf("%d of %d networks truncated", truncated, ruleQueries)
})
